import type { ScheduleSummary } from '../../app/schedules';
import { compactTable } from './table';

/** A table of cdp's schedules: timing, state, next and last run. */
export function renderSchedules(schedules: ScheduleSummary[]): string {
  if (schedules.length === 0) return 'no schedules; create one with `cdp schedule set <connection> --every 15m`\n';
  const table = compactTable(['connection', 'every / cron', 'state', 'next run', 'last run', 'note']);
  for (const s of schedules) {
    table.push([
      s.connectionId,
      s.everyMs !== undefined ? `${s.everyMs / 1000} s` : (s.cron ?? 'calendar'),
      s.paused ? 'paused' : 'active',
      s.next?.toISOString() ?? '',
      s.lastRun?.toISOString() ?? '',
      s.note ?? '',
    ]);
  }
  return `${table.toString()}\n`;
}
