import { useEffect, useState } from 'preact/hooks';
import { get, query, type AttributionOptions } from '../api';

// The attribution report, live: the controls choose models, dates and grouping, and the report
// page `cdp report attribution --format html` renders is computed afresh for them and framed here,
// sandboxed so its own scripts only draw its charts.

export function AttributionPage() {
  const [options, setOptions] = useState<AttributionOptions | null>(null);
  const [models, setModels] = useState<string[]>(['last_touch', 'markov']);
  const [from, setFrom] = useState('');
  const [to, setTo] = useState('');
  const [by, setBy] = useState('campaign');
  const [environment, setEnvironment] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    get<AttributionOptions>('/api/attribution/options').then(
      (o) => {
        setOptions(o);
        setEnvironment(o.environment);
      },
      (e: Error) => setError(e.message),
    );
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!options) return <p>Loading…</p>;
  if (!options.available) return <p class="muted">No warehouse yet: run a sync and a build first.</p>;
  if (!options.environments.length) return <p class="muted">You have no access to any environment's customer data yet; an admin grants it.</p>;
  const invalidRange = Boolean(from && to && from > to);
  const src = `/reports/attribution${query({ models: models.join(','), from, to, by, environment })}`;
  const toggle = (m: string) => setModels(models.includes(m) ? models.filter((x) => x !== m) : options.models.filter((x) => x === m || models.includes(x)));
  return (
    <section class="attribution">
      <h1>Attribution</h1>
      <form class="controls" onSubmit={(e) => e.preventDefault()}>
        <fieldset>
          <legend>Models</legend>
          {options.models.map((m) => (
            <label key={m}>
              <input type="checkbox" name="model" value={m} checked={models.includes(m)} onChange={() => toggle(m)} /> {m}
            </label>
          ))}
        </fieldset>
        <label>
          From
          <input type="date" name="from" value={from} onInput={(e) => setFrom(e.currentTarget.value)} />
        </label>
        <label>
          To
          <input type="date" name="to" value={to} onInput={(e) => setTo(e.currentTarget.value)} />
        </label>
        <label>
          Group by
          <select name="by" value={by} onChange={(e) => setBy(e.currentTarget.value)}>
            {options.groupings.map((g) => (
              <option key={g} value={g}>
                {g}
              </option>
            ))}
          </select>
        </label>
        <label>
          Environment
          <select name="report-environment" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value)}>
            {options.environments.map((e) => (
              <option key={e} value={e}>
                {e}
              </option>
            ))}
          </select>
        </label>
      </form>
      {models.length === 0 || invalidRange ? (
        <p class="error">{invalidRange ? 'From is after To.' : 'Choose at least one model.'}</p>
      ) : (
        <iframe class="report-frame" title="attribution report" sandbox="allow-scripts" src={src} />
      )}
    </section>
  );
}
