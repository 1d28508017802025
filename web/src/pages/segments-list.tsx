import { useEffect, useState } from 'preact/hooks';
import { get, type SegmentList, type SegmentSummary } from '../api';
import { formatTime } from '../format';
import { href } from '../router';
import { levelsText } from './permission-fields';

// "Owned by you", "Shared with you" and, for admins, "Owned by others" (what members made on the
// account's data): each segment's environment, members at its last materialization, owner and when
// that was.

type Tab = 'owned' | 'shared' | 'ownedByOthers';

const EMPTY: Record<Tab, string> = { owned: 'You own no segment yet.', shared: 'Nothing is shared with you.', ownedByOthers: 'No member has made a segment.' };

function Table({ rows, tab }: { rows: SegmentSummary[]; tab: Tab }) {
  const shared = tab === 'shared';
  if (!rows.length) return <p class="muted">{EMPTY[tab]}</p>;
  return (
    <table class="segments-table">
      <thead>
        <tr>
          <th>Segment</th>
          <th>Environment</th>
          <th class="num">Members</th>
          <th>Owner</th>
          <th>Last materialized</th>
          {shared && <th>You may</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.name} data-segment={r.name}>
            <td>
              <a href={href('segments', r.name)}>{r.name}</a>
              {r.description && <div class="muted small">{r.description}</div>}
            </td>
            <td>
              <span class={`env env-${r.environment}`}>{r.environment}</span>
            </td>
            <td class="num">{r.members === null ? '' : r.members.toLocaleString('en')}</td>
            <td>{r.owner}</td>
            <td>{r.materializedAt ? formatTime(r.materializedAt) : 'never'}</td>
            {shared && (
              <td>
                {levelsText({ edit: Boolean(r.permissions?.edit), delete: Boolean(r.permissions?.delete) })}
                {r.expiresAt && <div class="muted small">until {formatTime(r.expiresAt)}</div>}
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function SegmentsList({ isAdmin }: { isAdmin: boolean }) {
  const [list, setList] = useState<SegmentList | null>(null);
  const [tab, setTab] = useState<Tab>('owned');
  const [error, setError] = useState('');
  useEffect(() => {
    get<SegmentList>('/api/segments').then(setList, (e: Error) => setError(e.message));
  }, []);
  if (error) return <p class="error">{error}</p>;
  if (!list) return <p>Loading…</p>;
  return (
    <section>
      <div class="title-row">
        <h1>Segments</h1>
        <a class="button primary" href={href('segments', 'new')}>
          New segment
        </a>
      </div>
      <div class="tabs" role="tablist">
        <button role="tab" aria-selected={tab === 'owned'} class={tab === 'owned' ? 'active' : ''} onClick={() => setTab('owned')}>
          Owned by you ({list.owned.length})
        </button>
        <button role="tab" aria-selected={tab === 'shared'} class={tab === 'shared' ? 'active' : ''} onClick={() => setTab('shared')}>
          Shared with you ({list.shared.length})
        </button>
        {isAdmin && (
          <button role="tab" aria-selected={tab === 'ownedByOthers'} class={tab === 'ownedByOthers' ? 'active' : ''} onClick={() => setTab('ownedByOthers')}>
            Owned by others ({list.ownedByOthers.length})
          </button>
        )}
      </div>
      <Table rows={list[tab]} tab={tab} />
      {list.invalid.length > 0 && (
        <div class="error">
          <h3>Segment files that are not valid</h3>
          {list.invalid.map((m) => (
            <pre key={m}>{m}</pre>
          ))}
        </div>
      )}
    </section>
  );
}
