import { findConnection, type LoadedConfig } from '../../lib/config';
import type { Environment, SourceName } from '../../lib/config-schema';
import { CredentialMissingError } from '../../lib/errors';
import { selectStreams, sourceSpec } from '../sources/registry';
import { readStreamState, type StreamPosition, type SyncMode } from '../state/sync-state';

export interface PlanSyncInput {
  connectionId: string;
  mode: SyncMode;
  /** ISO date: a manual sync from here instead of the last high-water mark. */
  since?: string;
  syncId: string;
  /** When the sync started (workflow time): the exclusive upper edge of its window. */
  startedAtMs: number;
}

export interface SyncPlan {
  connectionId: string;
  source: SourceName;
  environment: Environment;
  streams: StreamPosition[];
}

/**
 * Decides where each stream of a connection starts: a stream whose last sync of the same mode
 * did not finish resumes from its committed position; otherwise the window follows the mode.
 */
export async function planSync(config: LoadedConfig, input: PlanSyncInput): Promise<SyncPlan> {
  const connection = findConnection(config, input.connectionId);
  // Fail before anything runs if the worker cannot authenticate; the value itself never leaves this process.
  if (!process.env[connection.credential_env]) {
    throw new CredentialMissingError(connection.id, connection.credential_env);
  }
  const source = sourceSpec(connection.source);
  const streams = selectStreams(source, connection.streams, `${config.file}: connections.${connection.id}.streams`);
  const to = Math.floor(input.startedAtMs / 1000);
  const sinceSec = input.since === undefined ? undefined : Math.floor(Date.parse(input.since) / 1000);
  const lookback = connection.lookback_seconds ?? source.lookbackSeconds;

  const positions = await Promise.all(
    streams.map(async (stream): Promise<StreamPosition> => {
      const state = await readStreamState(config.layout.state, connection.id, stream.name);
      if (state.inProgress && state.inProgress.mode === input.mode && input.since === undefined) {
        return state.inProgress;
      }
      let from: number | null = null;
      if (input.mode !== 'historical') {
        from = sinceSec ?? (state.highWaterMark === null ? null : Math.max(0, state.highWaterMark - lookback));
      }
      return {
        connection: connection.id,
        stream: stream.name,
        syncId: input.syncId,
        mode: input.mode,
        window: { from, to },
        pageToken: null,
        seq: 0,
        pages: 0,
        rows: 0,
        quarantined: 0,
        firstCursor: null,
        lastCursor: null,
        startedAt: new Date(input.startedAtMs).toISOString(),
      };
    }),
  );
  return { connectionId: connection.id, source: connection.source, environment: connection.environment, streams: positions };
}
