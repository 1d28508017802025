import { useEffect, useState } from 'preact/hooks';
import { api, ApiError, get, type SegmentInfo } from '../api';
import { RuleNode } from '../builder/rule-tree';
import { asGroup, type Catalog } from '../builder/rules';
import { formatTime } from '../format';
import { href, navigate } from '../router';
import { levelsText } from './permission-fields';
import { HistoryTable, MembersTable } from './members';
import { SharingPanel } from './sharing';

// One segment: who owns it and what the signed-in person may do, then its members, history, rules
// and (for the owner) sharing. Buttons a person may not use are not shown; the server refuses them
// anyway.

type Tab = 'members' | 'history' | 'rules' | 'sharing';

export function SegmentPage({ name, tab }: { name: string; tab: Tab }) {
  const [info, setInfo] = useState<SegmentInfo | null>(null);
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [error, setError] = useState('');
  const [busy, setBusy] = useState('');
  const [reloads, setReloads] = useState(0);
  useEffect(() => {
    setError('');
    get<SegmentInfo>(`/api/segments/${encodeURIComponent(name)}`).then(setInfo, (e: Error) => setError(e.message));
    get<Catalog>('/api/catalog').then(setCatalog, () => {});
  }, [name, reloads]);

  const materialize = async () => {
    setBusy('Materializing…');
    try {
      await api('POST', `/api/segments/${encodeURIComponent(name)}/materialize`);
      setBusy('');
      setReloads(reloads + 1);
    } catch (err) {
      setBusy(`Not materialized: ${(err as ApiError).message}`);
    }
  };
  const remove = async () => {
    if (!window.confirm(`Delete segment ${name}? Its file is removed and its members exit at the next materialization.`)) return;
    try {
      await api('DELETE', `/api/segments/${encodeURIComponent(name)}`);
      navigate(href('segments'));
    } catch (err) {
      setBusy((err as ApiError).message);
    }
  };

  if (error) return <p class="error">{error}</p>;
  if (!info) return <p>Loading…</p>;
  const tabs: Tab[] = ['members', 'history', 'rules', ...(info.access.share ? (['sharing'] as Tab[]) : [])];
  return (
    <section>
      <div class="title-row">
        <h1>
          {info.definition.name} <span class={`env env-${info.definition.environment}`}>{info.definition.environment}</span>
        </h1>
        <div class="actions">
          {info.access.edit && (
            <a class="button" href={href('segments', name, 'edit')} id="edit-segment">
              Edit rules
            </a>
          )}
          {info.access.edit && (
            <button type="button" name="materialize" onClick={materialize}>
              Materialize now
            </button>
          )}
          {info.access.delete && (
            <button type="button" class="danger" name="delete-segment" onClick={remove}>
              Delete
            </button>
          )}
        </div>
      </div>
      {info.definition.description && <p class="description">{info.definition.description}</p>}
      <p class="meta">
        Owner: {info.owner} · {info.members === null ? 'never materialized' : `${info.members.toLocaleString('en')} members at ${formatTime(info.materializedAt)}`}
        {info.file && ` · ${info.file}`}
        {!info.access.owned && (
          <>
            {' '}
            · shared with you: {levelsText(info.access)}
            {info.access.expiresAt && ` until ${formatTime(info.access.expiresAt)}`}
          </>
        )}
      </p>
      {busy && (
        <p class="notice" role="status">
          {busy}
        </p>
      )}
      <div class="tabs" role="tablist">
        {tabs.map((t) => (
          <a key={t} role="tab" aria-selected={t === tab} class={t === tab ? 'active' : ''} href={href('segments', name, t)}>
            {t[0]!.toUpperCase() + t.slice(1)}
          </a>
        ))}
      </div>
      {tab === 'members' && (info.members === null ? <p class="muted">Not materialized yet{info.access.edit ? ': use "Materialize now".' : '.'}</p> : <MembersTable name={name} key={reloads} />)}
      {tab === 'history' && (info.members === null ? <p class="muted">Not materialized yet.</p> : <HistoryTable name={name} key={reloads} />)}
      {tab === 'rules' && catalog && <RuleNode catalog={catalog} rule={asGroup(info.definition.rules)} path={['rules']} problems={[]} readOnly onChange={() => {}} />}
      {tab === 'sharing' && info.access.share && <SharingPanel name={name} />}
    </section>
  );
}
