import type { Client } from '@temporalio/client';
import Table from 'cli-table3';
import { listStreamStates } from '../../lib/sync-state';
import type { LoadedConfig } from '../../lib/config';
import { syncWorkflowId } from '../../lib/temporal-names';
import { COMPACT } from './query';
import { nextRuns } from './schedule';

/** What Temporal knows of a connection: its latest sync run and its schedule. */
export interface ConnectionRuns {
  lastRun?: { status: string; startTime: Date; closeTime?: Date; failure?: string };
  schedule?: { next?: Date; paused: boolean; note?: string };
}

function humanLag(seconds: number): string {
  if (seconds < 120) return `${Math.round(seconds)}s`;
  if (seconds < 7200) return `${Math.round(seconds / 60)}m`;
  if (seconds < 172_800) return `${Math.round(seconds / 3600)}h`;
  return `${Math.round(seconds / 86_400)}d`;
}

/** Reads each connection's latest sync run and schedule from Temporal. */
export async function connectionRuns(client: Client, connectionIds: string[]): Promise<Map<string, ConnectionRuns>> {
  const schedules = await nextRuns(client);
  const runs = new Map<string, ConnectionRuns>();
  for (const id of connectionIds) {
    const entry: ConnectionRuns = { schedule: schedules.get(id) };
    try {
      const d = await client.workflow.getHandle(syncWorkflowId(id)).describe();
      entry.lastRun = { status: d.status.name, startTime: d.startTime, closeTime: d.closeTime };
      if (d.status.name === 'FAILED') {
        await client.workflow
          .getHandle(syncWorkflowId(id))
          .result()
          .catch((err: Error & { cause?: Error }) => {
            entry.lastRun!.failure = err.cause?.message ?? err.message;
          });
      }
    } catch {
      // Never synced through this cluster.
    }
    runs.set(id, entry);
  }
  return runs;
}

/**
 * Per connection and stream: the last sync (mode, start, end, rows, quarantined), the committed
 * cursor and how far it lags behind now, any sync in progress, and what Temporal says of runs.
 */
export async function renderStatus(config: LoadedConfig, runs: Map<string, ConnectionRuns> | undefined, connectionId?: string, nowMs = Date.now()): Promise<string> {
  const out: string[] = [];
  for (const connection of config.connections.filter((c) => !connectionId || c.id === connectionId)) {
    const r = runs?.get(connection.id);
    const last = r?.lastRun
      ? `last run ${r.lastRun.status.toLowerCase()} (started ${r.lastRun.startTime.toISOString()})${r.lastRun.failure ? `: ${r.lastRun.failure}` : ''}`
      : runs
        ? 'no run yet'
        : 'Temporal not reachable';
    const schedule = r?.schedule
      ? r.schedule.paused
        ? `schedule paused${r.schedule.note ? `: ${r.schedule.note}` : ''}`
        : `next scheduled run ${r.schedule.next?.toISOString() ?? 'none'}`
      : runs
        ? 'no schedule'
        : '';
    out.push(`${connection.id} (${connection.source}, ${connection.environment}): ${[last, schedule].filter(Boolean).join('; ')}`);

    const states = await listStreamStates(config.layout.state, connection.id);
    if (states.length === 0) {
      out.push('  no stream has synced yet', '');
      continue;
    }
    const table = new Table({
      head: ['stream', 'mode', 'started', 'finished', 'rows', 'quarantined', 'cursor', 'lag', 'in progress'],
      style: { head: [], border: [] },
      chars: COMPACT,
    });
    for (const s of states) {
      table.push([
        s.stream,
        s.lastSync?.mode ?? '',
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
