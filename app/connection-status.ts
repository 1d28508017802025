import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import type { ConnectionConfig } from '../lib/config-schema';
import { withLake } from '../lib/lake/lake-session';
import { openLake } from '../lib/lake/open-lake';
import { listStreamStates, type StreamState } from '../lib/sync-state';
import { scheduleId, syncWorkflowId } from '../lib/temporal-names';
import { syncFailureMessage } from './failure-message';
import { nextRuns } from './schedules';

/** What Temporal knows of a connection: its latest sync run and its schedule. */
export interface ConnectionRuns {
  lastRun?: { status: string; startTime: Date; closeTime?: Date; failure?: string };
  schedule?: { next?: Date; paused: boolean; note?: string; waiting?: number };
}

/** A connection with what Temporal says of its runs (none when Temporal was not asked) and each stream's committed state. */
export interface ConnectionStatus {
  connection: ConnectionConfig;
  runs?: ConnectionRuns;
  streams: StreamState[];
}

/** The values of the connections' credentials that this process can see, to keep out of any message it shows. */
export function credentialValues(connections: readonly ConnectionConfig[]): string[] {
  const names = connections.flatMap((c) => [c.credential_env, c.lwa?.client_id_env, c.lwa?.client_secret_env, c.lwa?.refresh_token_env]);
  return names.flatMap((name) => (name && process.env[name] ? [process.env[name]] : []));
}

/**
 * Reads each connection's latest sync run and schedule from Temporal; a failed run says its innermost
 * cause, with `secrets` (and anything that looks like a credential) taken out.
 */
export async function connectionRuns(client: Client, connectionIds: string[], secrets: readonly string[] = []): Promise<Map<string, ConnectionRuns>> {
  const schedules = await nextRuns(client);
  const runs = new Map<string, ConnectionRuns>();
  for (const id of connectionIds) {
    const entry: ConnectionRuns = { schedule: schedules.get(id) };
    if (entry.schedule) {
      // Runs buffered behind the running one: a backfill's, or one that came due while a sync ran.
      const described = await client.schedule.getHandle(scheduleId(id)).describe();
      entry.schedule = { ...entry.schedule, waiting: Number(described.raw.info?.bufferSize ?? 0) };
    }
    try {
      const d = await client.workflow.getHandle(syncWorkflowId(id)).describe();
      entry.lastRun = { status: d.status.name, startTime: d.startTime, closeTime: d.closeTime };
      if (d.status.name === 'FAILED') {
        await client.workflow
          .getHandle(syncWorkflowId(id))
          .result()
          .catch((err: unknown) => {
            entry.lastRun!.failure = syncFailureMessage(err, id, secrets);
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
 * Every connection (or the one named) with its streams' last sync, cursor and sync in progress as
 * committed in the lake, beside what Temporal says of its runs; the lake part is there while Temporal is down.
 */
export async function connectionStatuses(config: LoadedConfig, runs: Map<string, ConnectionRuns> | undefined, connectionId?: string): Promise<ConnectionStatus[]> {
  const connections = config.connections.filter((c) => !connectionId || c.id === connectionId);
  return withLake(await openLake(config.storage, config.layout), async (db) => {
    const statuses: ConnectionStatus[] = [];
    for (const connection of connections) statuses.push({ connection, runs: runs?.get(connection.id), streams: await listStreamStates(db, connection.id) });
    return statuses;
  });
}
