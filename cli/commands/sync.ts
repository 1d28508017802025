import type { Client } from '@temporalio/client';
import type { ConnectionConfig } from '../../lib/config-schema';
import type { SyncProgress, SyncWorkflowResult } from '../../workflows';
import { startSync, waitForSync, type StartSyncOptions } from '../workflow-runs';

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

/** Runs one connection's sync and waits for it, printing progress when asked. */
export async function runSync(
  client: Client,
  connection: ConnectionConfig,
  opts: StartSyncOptions & { onProgress?: (p: SyncProgress) => void },
): Promise<SyncWorkflowResult> {
  const handle = await startSync(client, connection, opts);
  return waitForSync(handle, opts.onProgress ?? (() => {}));
}
