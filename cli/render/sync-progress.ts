import type { SyncProgress } from '../../workflows';

/** One line per stream: where its sync stands. */
export function formatProgress(p: SyncProgress): string {
  return p.streams
    .map((s) => `  ${(s.slice ? `${s.stream} ${s.slice.index + 1}/${s.slice.count}` : s.stream).padEnd(22)} ${s.done ? 'done' : 'syncing'.padEnd(4)}  pages ${String(s.pages).padStart(5)}  rows ${String(s.rows).padStart(8)}${s.quarantined ? `  quarantined ${s.quarantined}` : ''}`)
    .join('\n');
}

/** One line for the whole sync: streams done, pages and rows so far. */
export function summarizeProgress(p: SyncProgress): string {
  const done = p.streams.filter((s) => s.done).length;
  const rows = p.streams.reduce((n, s) => n + s.rows, 0);
  const pages = p.streams.reduce((n, s) => n + s.pages, 0);
  return `  ${p.connectionId}: ${done}/${p.streams.length} streams done, ${pages} pages, ${rows} rows`;
}
