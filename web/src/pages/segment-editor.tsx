import { useEffect, useRef, useState } from 'preact/hooks';
import { api, ApiError, get, type Problem, type SavedSegment, type SegmentInfo, type SegmentPreview } from '../api';
import { HelpPanel } from '../builder/help-panel';
import { RuleNode } from '../builder/rule-tree';
import { asGroup, newCondition, type Catalog, type Rule } from '../builder/rules';
import { formatCell } from '../format';
import { href, navigate } from '../router';

// The segment builder: name, environment and description, the rule tree, and under it the live
// member count, recomputed on the warehouse (not materialized) a moment after each change. Saving
// writes segments/<name>.yaml; an invalid definition is shown next to its rules and not saved.

const PREVIEW_DELAY_MS = 350;

function FieldProblems({ problems, path }: { problems: Problem[]; path: string }) {
  const mine = problems.filter((p) => p.path === path);
  return mine.length ? (
    <span class="field-problem" role="alert">
      {mine.map((p) => p.message).join('; ')}
    </span>
  ) : null;
}

export function SegmentEditor({ name }: { name?: string }) {
  const [catalog, setCatalog] = useState<Catalog | null>(null);
  const [segName, setSegName] = useState(name ?? '');
  const [environment, setEnvironment] = useState<'live' | 'sandbox'>('live');
  const [description, setDescription] = useState('');
  const [rules, setRules] = useState<Rule | null>(null);
  const [problems, setProblems] = useState<Problem[]>([]);
  const [preview, setPreview] = useState<SegmentPreview | null>(null);
  const [previewState, setPreviewState] = useState<'idle' | 'loading' | 'ready' | 'invalid' | 'denied' | 'error'>('idle');
  // Which edit the shown count or problems answer: counts arrive out of order, only the latest is shown.
  const [shownSeq, setShownSeq] = useState(0);
  const [message, setMessage] = useState('');
  const [showHelp, setShowHelp] = useState(false);
  const [saving, setSaving] = useState(false);
  const latest = useRef(0);

  useEffect(() => {
    void (async () => {
      try {
        const cat = await get<Catalog>('/api/catalog');
        setCatalog(cat);
        if (name) {
          const loaded = await get<SegmentInfo>(`/api/segments/${encodeURIComponent(name)}`);
          setEnvironment(loaded.definition.environment);
          setDescription(loaded.definition.description ?? '');
          setRules(asGroup(loaded.definition.rules));
        } else setRules({ all: [newCondition(cat)] });
      } catch (err) {
        setMessage((err as Error).message);
      }
    })();
  }, [name]);

  useEffect(() => {
    if (!rules) return;
    const id = ++latest.current;
    setPreviewState('loading');
    const timer = setTimeout(async () => {
      try {
        const result = await api<SegmentPreview>('POST', '/api/segments/preview', { environment, rules });
        if (id !== latest.current) return;
        setPreview(result);
        setProblems([]);
        setPreviewState('ready');
        setShownSeq(id);
      } catch (err) {
        if (id !== latest.current) return;
        const e = err as ApiError;
        setPreview(null);
        setProblems(e.problems ?? []);
        setPreviewState(e.status === 422 ? 'invalid' : e.status === 403 ? 'denied' : 'error');
        setShownSeq(id);
        if (e.status !== 422) setMessage(e.message);
      }
    }, PREVIEW_DELAY_MS);
    return () => clearTimeout(timer);
  }, [environment, rules]);

  const save = async () => {
    setSaving(true);
    setMessage('');
    try {
      const body = { name: segName, environment, description: description || undefined, rules };
      const result = name
        ? await api<SavedSegment>('PUT', `/api/segments/${encodeURIComponent(name)}`, body)
        : await api<SavedSegment>('POST', '/api/segments', body);
      setProblems([]);
      navigate(href('segments', result.name, 'rules'));
    } catch (err) {
      const e = err as ApiError;
      setProblems(e.problems ?? []);
      setMessage(`Not saved: ${e.message}`);
    } finally {
      setSaving(false);
    }
  };

  if (!catalog || !rules) return <p>{message || 'Loading…'}</p>;
  const topProblems = problems.filter((p) => p.path === '(top level)' || p.path === 'rules');
  return (
    <div class="editor-layout">
      <section class="editor">
        <h1>{name ? `Edit ${name}` : 'New segment'}</h1>
        <div class="form-grid">
          <label>
            Name
            <input name="segment-name" value={segName} disabled={Boolean(name)} placeholder="lower-case-name" onInput={(e) => setSegName(e.currentTarget.value)} />
            <FieldProblems problems={problems} path="name" />
          </label>
          <label>
            Environment
            <select name="environment" value={environment} onChange={(e) => setEnvironment(e.currentTarget.value as 'live' | 'sandbox')}>
              <option value="live">live</option>
              <option value="sandbox">sandbox</option>
            </select>
          </label>
          <label class="wide">
            Description
            <input name="description" value={description} onInput={(e) => setDescription(e.currentTarget.value)} />
            <FieldProblems problems={problems} path="description" />
          </label>
        </div>
        <h2>
          Rules{' '}
          <button type="button" class="link" name="toggle-help" onClick={() => setShowHelp(!showHelp)}>
            {showHelp ? 'hide filters help' : 'filters help'}
          </button>
        </h2>
        {topProblems.length > 0 && (
          <ul class="rule-problems" role="alert">
            {topProblems.map((p) => (
              <li key={p.message}>{p.message}</li>
            ))}
          </ul>
        )}
        <RuleNode catalog={catalog} rule={rules} path={['rules']} problems={problems} readOnly={false} onChange={setRules} />
        <div id="live-count" class={`live-count ${previewState}`} data-state={previewState} data-seq={String(shownSeq)} data-count={previewState === 'ready' && preview ? String(preview.count) : ''} aria-live="polite">
          {previewState === 'loading' && 'Counting…'}
          {previewState === 'ready' && preview && (
            <>
              <strong class="count">{preview.count.toLocaleString('en')}</strong> member{preview.count === 1 ? '' : 's'} in {environment} now{' '}
              <span class="muted">(computed in {preview.ms} ms, not materialized)</span>
            </>
          )}
          {previewState === 'invalid' && 'Fix the rules marked above to see a count.'}
          {previewState === 'denied' && `Counting needs access to the customers of ${environment}, which an admin grants.`}
          {previewState === 'error' && 'The count could not be computed.'}
        </div>
        {previewState === 'ready' && preview && preview.members.length > 0 && (
          <details class="preview-members">
            <summary>First members by amount spent</summary>
            <table>
              <thead>
                <tr>
                  <th>name</th>
                  <th>email</th>
                  <th class="num">amount spent</th>
                  <th>last order</th>
                </tr>
              </thead>
              <tbody>
                {preview.members.map((m) => (
                  <tr key={String(m.customer_id)}>
                    <td>{formatCell(m.name)}</td>
                    <td>{formatCell(m.email)}</td>
                    <td class="num">{formatCell(m.amount_spent)}</td>
                    <td>{formatCell(m.last_order_at)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </details>
        )}
        <div class="actions">
          <button type="button" class="primary" name="save" disabled={saving} onClick={save}>
            {saving ? 'Saving…' : 'Save'}
          </button>
          <a href={name ? href('segments', name, 'rules') : href('segments')}>Cancel</a>
          {message && (
            <span class="message" role="status">
              {message}
            </span>
          )}
        </div>
      </section>
      {showHelp && <HelpPanel catalog={catalog} />}
    </div>
  );
}
