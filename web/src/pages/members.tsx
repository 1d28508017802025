import { useEffect, useState } from 'preact/hooks';
import { get, query, type HistoryPage, type MembersPage } from '../api';
import { formatCell, formatTime } from '../format';

// The materialized members, a page at a time, sortable by any column, with a filter on name, email
// and zip; the four exports as downloads; and the history of who entered and left.

const LABELS: Record<string, string> = {
  name: 'Name',
  email: 'Email',
  zip: 'Zip',
  amount_spent: 'Amount spent',
  discount_received: 'Discount received',
  promo_codes_used: 'Promo codes used',
  negative_feedbacks: 'Negative feedbacks',
  returned_items: 'Returned items',
  last_order_at: 'Last order',
  loyalty_tier: 'Loyalty tier',
  loyalty_points_active: 'Loyalty points',
  member_since: 'Member since',
};
const NUMERIC = new Set(['amount_spent', 'discount_received', 'promo_codes_used', 'negative_feedbacks', 'returned_items', 'loyalty_points_active']);
const TIMES = new Set(['last_order_at', 'member_since']);
const PAGE_SIZE = 25;

function Pager(props: { page: number; total: number; size: number; onPage: (p: number) => void }) {
  const pages = Math.max(1, Math.ceil(props.total / props.size));
  return (
    <div class="pager">
      <button type="button" name="previous-page" disabled={props.page <= 1} onClick={() => props.onPage(props.page - 1)}>
        ‹ Previous
      </button>
      <span>
        page {props.page} of {pages} ({props.total.toLocaleString('en')} rows)
      </span>
      <button type="button" name="next-page" disabled={props.page >= pages} onClick={() => props.onPage(props.page + 1)}>
        Next ›
      </button>
    </div>
  );
}

export function Exports({ name }: { name: string }) {
  const formats: [string, string][] = [
    ['basic', 'name and postal address'],
    ['extended', 'everything cdp has'],
    ['facebook', 'Meta customer list'],
    ['email', 'name, phone, email'],
  ];
  return (
    <div class="exports">
      <span>Export CSV:</span>
      {formats.map(([format, what]) => (
        <a key={format} class="button" href={`/api/segments/${encodeURIComponent(name)}/export${query({ format })}`} download={`${name}-${format}.csv`} title={what} data-format={format}>
          {format}
        </a>
      ))}
    </div>
  );
}

export function MembersTable({ name }: { name: string }) {
  const [data, setData] = useState<MembersPage | null>(null);
  const [page, setPage] = useState(1);
  const [sort, setSort] = useState('amount_spent');
  const [dir, setDir] = useState<'asc' | 'desc'>('desc');
  const [filter, setFilter] = useState('');
  const [error, setError] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => {
      get<MembersPage>(`/api/segments/${encodeURIComponent(name)}/members${query({ page, size: PAGE_SIZE, sort, dir, q: filter })}`).then(
        (d) => {
          setData(d);
          setError('');
        },
        (e: Error) => setError(e.message),
      );
    }, 200);
    return () => clearTimeout(timer);
  }, [name, page, sort, dir, filter]);
  const sortBy = (column: string) => {
    if (column === sort) setDir(dir === 'asc' ? 'desc' : 'asc');
    else {
      setSort(column);
      setDir(NUMERIC.has(column) || TIMES.has(column) ? 'desc' : 'asc');
    }
    setPage(1);
  };
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p>Loading…</p>;
  return (
    <div>
      <div class="toolbar">
        <input
          type="search"
          name="member-filter"
          placeholder="Filter by name, email or zip"
          value={filter}
          onInput={(e) => {
            setFilter(e.currentTarget.value);
            setPage(1);
          }}
        />
        <Exports name={name} />
      </div>
      <table class="members-table">
        <thead>
          <tr>
            {data.columns.map((c) => (
              <th key={c} class={NUMERIC.has(c) ? 'num' : ''} aria-sort={c === data.sort ? (data.dir === 'asc' ? 'ascending' : 'descending') : 'none'}>
                <button type="button" class="sort" data-column={c} onClick={() => sortBy(c)}>
                  {LABELS[c] ?? c}
                  {c === data.sort ? (data.dir === 'asc' ? ' ▲' : ' ▼') : ''}
                </button>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={String(r.customer_id)}>
              {data.columns.map((c) => (
                <td key={c} class={NUMERIC.has(c) ? 'num' : ''}>
                  {TIMES.has(c) ? formatTime(r[c]) : formatCell(r[c])}
                  {c === 'member_since' && r.from_backfill === true && <span class="badge" title="entered through data a historical sync landed">backfill</span>}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {data.rows.length === 0 && <p class="muted">No member matches.</p>}
      <Pager page={data.page} total={data.total} size={data.size} onPage={setPage} />
    </div>
  );
}

export function HistoryTable({ name }: { name: string }) {
  const [data, setData] = useState<HistoryPage | null>(null);
  const [page, setPage] = useState(1);
  const [error, setError] = useState('');
  useEffect(() => {
    get<HistoryPage>(`/api/segments/${encodeURIComponent(name)}/history${query({ page, size: PAGE_SIZE })}`).then(setData, (e: Error) => setError(e.message));
  }, [name, page]);
  if (error) return <p class="error">{error}</p>;
  if (!data) return <p>Loading…</p>;
  return (
    <div>
      <table class="history-table">
        <thead>
          <tr>
            <th>Person</th>
            <th>Email</th>
            <th>Entered</th>
            <th>Exited</th>
            <th>Why</th>
          </tr>
        </thead>
        <tbody>
          {data.rows.map((r) => (
            <tr key={`${r.customer_id}-${r.entered_at}`}>
              <td>{r.name || r.customer_id}</td>
              <td>{r.email ?? ''}</td>
              <td>{formatTime(r.entered_at)}</td>
              <td>{r.exited_at ? formatTime(r.exited_at) : <span class="muted">still a member</span>}</td>
              <td>
                {r.initial && <span class="badge">first materialization</span>}
                {r.from_backfill && <span class="badge" title="entered through data a historical sync landed">backfill</span>}
                {!r.initial && !r.from_backfill && <span class="badge new">new activity</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager page={data.page} total={data.total} size={data.size} onPage={setPage} />
    </div>
  );
}
