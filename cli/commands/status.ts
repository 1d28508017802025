import type { LoadedConfig } from '../../lib/config';
import { listStreamStates } from '../../activities/state/sync-state';
import Table from 'cli-table3';
import { COMPACT } from './query';

/** A table of every stream's committed sync state. */
export async function renderStatus(config: LoadedConfig, connectionId?: string): Promise<string> {
  const states = await listStreamStates(config.layout.state, connectionId);
  if (states.length === 0) return 'no sync has run yet\n';
  const table = new Table({
    head: ['connection', 'stream', 'last sync', 'mode', 'finished', 'rows', 'quarantined', 'high-water mark', 'in progress'],
    style: { head: [], border: [] }, chars: COMPACT,
  });
  for (const s of states) {
    table.push([
      s.connection,
      s.stream,
      s.lastSync?.syncId ?? '',
      s.lastSync?.mode ?? '',
      s.lastSync?.finishedAt ?? '',
      s.lastSync?.rows ?? '',
      s.lastSync?.quarantined ?? '',
      s.highWaterMark === null ? '' : new Date(s.highWaterMark * 1000).toISOString(),
      s.inProgress ? `${s.inProgress.mode} ${s.inProgress.syncId}: ${s.inProgress.rows} rows` : '',
    ]);
  }
  return `${table.toString()}\n`;
}
