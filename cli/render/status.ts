import type { ConnectionStatus } from '../../app/connection-status';
import { compactTable } from './table';

function humanLag(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/**
 * Per connection and stream: the last sync (mode, start, end, rows, quarantined), the committed
 * cursor and how far it lags behind now, any sync in progress, and what Temporal says of runs
 * (`temporalReachable` false: it could not be asked).
 */
export function renderStatus(statuses: ConnectionStatus[], temporalReachable: boolean, nowMs = Date.now()): string {
  const out: string[] = [];
  for (const { connection, runs: r, streams } of statuses) {
    const last = r?.lastRun
      ? `last run ${r.lastRun.status.toLowerCase()} (started ${r.lastRun.startTime.toISOString()})${r.lastRun.failure ? `: ${r.lastRun.failure}` : ''}`
      : temporalReachable
        ? 'no run yet'
        : 'Temporal not reachable';
    const schedule = r?.schedule
      ? r.schedule.paused
        ? `schedule paused${r.schedule.note ? `: ${r.schedule.note}` : ''}`
        : `next scheduled run ${r.schedule.next?.toISOString() ?? 'none'}${r.schedule.waiting ? `, ${r.schedule.waiting} more waiting to run (a backfill, or runs that came due during a sync)` : ''}`
      : temporalReachable
        ? 'no schedule'
        : '';
    out.push(`${connection.id} (${connection.source}, ${connection.environment}): ${[last, schedule].filter(Boolean).join('; ')}`);

    if (streams.length === 0) {
      out.push('  no stream has synced yet', '');
      continue;
    }
    const table = compactTable(['stream', 'mode', 'started', 'finished', 'rows', 'quarantined', 'cursor', 'lag', 'in progress']);
    for (const s of streams) {
      table.push([
        s.stream,
        // A run that read a window ending before the cursor was a backfill of that window.
        s.lastSync && s.highWaterMark !== null && s.lastSync.window.to < s.highWaterMark
          ? `backfill of ${new Date((s.lastSync.window.from ?? 0) * 1000).toISOString().slice(0, 16)} to ${new Date(s.lastSync.window.to * 1000).toISOString().slice(0, 16)}`
          : (s.lastSync?.mode ?? ''),
        s.lastSync?.startedAt.slice(0, 19) ?? '',
        s.lastSync?.finishedAt.slice(0, 19) ?? '',
        s.lastSync?.rows ?? '',
        s.lastSync?.quarantined ?? '',
        s.highWaterMark === null ? '' : new Date(s.highWaterMark * 1000).toISOString().slice(0, 19),
        s.highWaterMark === null ? '' : humanLag(nowMs / 1000 - s.highWaterMark),
        s.inProgress ? `${s.inProgress.mode}: ${s.inProgress.rows} rows, ${s.inProgress.quarantined} quarantined` : '',
      ]);
    }
    out.push(table.toString(), '');
  }
  return `${out.join('\n')}\n`;
}
