import { findConnection, type LoadedConfig } from '../../lib/config';
import type { Environment, SourceName } from '../../lib/config-schema';
import { requireCredential } from '../sources/credentials';
import { selectStreams, sourceSpec } from '../sources/registry';
import type { SourceSpec, StreamSpec } from '../sources/spec';
import { openLakeToWrite, withLake } from '../../lib/lake/lake-session';
import { emptyState, listStreamStates, type StreamPosition, type StreamState, type SyncMode } from '../../lib/sync-state';

export interface PlanSyncInput {
  connectionId: string;
  mode: SyncMode;
  /** ISO date: a manual sync from here instead of the last high-water mark. */
  since?: string;
  /** A scheduled run: when it was due, and the length of the schedule's interval. */
  scheduled?: ScheduledRun;
  syncId: string;
  /** When the sync started (workflow time): the exclusive upper edge of its window. */
  startedAtMs: number;
}

export interface ScheduledRun {
  atMs: number;
  windowSeconds: number;
}

export interface SyncPlan {
  connectionId: string;
  source: SourceName;
  environment: Environment;
  streams: StreamPosition[];
}

/** Splits [beginning, to) into recent windows of equal length and one that reaches back to the beginning. */
export function sliceWindows(to: number, count: number, sliceSeconds: number): StreamPosition['window'][] {
  const windows: StreamPosition['window'][] = [];
  for (let i = 0; i < count - 1; i++) windows.push({ from: to - (i + 1) * sliceSeconds, to: to - i * sliceSeconds });
  windows.push({ from: null, to: to - (count - 1) * sliceSeconds });
  return windows;
}

/** How far in the past a stream's window must end: its own window's rule, or that of the parent it is read through. */
function settleSeconds(source: SourceSpec, stream: StreamSpec): number {
  let settle = 0;
  for (let s: StreamSpec | undefined = stream, depth = 0; s && depth <= source.streams.length; depth++) {
    settle = Math.max(settle, s.window?.settleSeconds ?? 0);
    s = s.parent ? source.streams.find((p) => p.name === s!.parent!.stream) : undefined;
  }
  return settle;
}

/** Whether a window of the stream is read as reports: always for a report stream, unless it is short enough to page. */
function readAsReports(stream: StreamSpec, window: StreamPosition['window']): boolean {
  if (!stream.report) return false;
  const most = stream.report.syncMaxWindowDays;
  return most === undefined || window.from === null || window.to - window.from > most * 86_400;
}

/** The unfinished slices of an interrupted sliced sync, or undefined when there is none to resume. */
function resumeSlices(states: readonly StreamState[], stream: string): StreamPosition[] | undefined {
  const slices = states.filter((s) => s.stream.startsWith(`${stream}~`));
  const running = slices.find((s) => s.inProgress?.mode === 'historical')?.inProgress;
  if (!running) return undefined;
  // Slices of that sync that already finished are left out; the rest carry on from their cursors.
  return slices.flatMap((s) => (s.inProgress?.syncId === running.syncId ? [s.inProgress] : []));
}

/**
 * Decides where each stream of a connection starts: a stream whose last sync of the same mode
 * did not finish resumes from its committed position; otherwise the window follows the mode.
 */
export async function planSync(config: LoadedConfig, input: PlanSyncInput): Promise<SyncPlan> {
  const connection = findConnection(config, input.connectionId);
  // Fail before anything runs if the worker cannot authenticate; the value itself never leaves this process.
  requireCredential(connection);
  const source = sourceSpec(connection.source);
  const streams = selectStreams(source, connection.streams, `${config.file}: connections.${connection.id}.streams`, connection);
  const to = Math.floor(input.startedAtMs / 1000);
  const sinceSec = input.since === undefined ? undefined : Math.floor(Date.parse(input.since) / 1000);

  const fresh = (stream: StreamSpec, window: StreamPosition['window'], slice?: StreamPosition['slice']): StreamPosition => ({
    connection: connection.id,
    stream: stream.name,
    ...(slice ? { slice } : {}),
    ...(readAsReports(stream, window) ? { report: true } : {}),
    syncId: input.syncId,
    mode: input.mode,
    window,
    pageToken: null,
    seq: 0,
    pages: 0,
    rows: 0,
    quarantined: 0,
    firstCursor: null,
    lastCursor: null,
    startedAt: new Date(input.startedAtMs).toISOString(),
  });

  // Only a window bounded on both sides can be cut into slices that do not overlap.
  const isSliced = (stream: StreamSpec) => input.mode === 'historical' && stream.window?.toParam !== undefined && config.sync.historical_slices > 1;
  // What each stream has committed, and the slices of an interrupted sliced sync, read in one session.
  const lake = await openLakeToWrite(config.storage, config.layout);
  const states = await withLake(lake, (db) => listStreamStates(db, connection.id, { withSlices: true }));
  const committed = new Map<string, { state: StreamState; resumed?: StreamPosition[] }>();
  for (const stream of streams) {
    const resumed = isSliced(stream) && input.since === undefined ? resumeSlices(states, stream.name) : undefined;
    committed.set(stream.name, { state: states.find((s) => s.stream === stream.name) ?? emptyState(connection.id, stream.name), resumed });
  }

  const positions = streams.map((stream): StreamPosition[] => {
    const { state, resumed } = committed.get(stream.name)!;
    const sliced = isSliced(stream);
    if (resumed) return resumed;
    // An API that wants its upper bound settled in the past is read up to there; the next sync goes on from it.
    const end = to - settleSeconds(source, stream);
    // A scheduled run due before what this stream has already read is a backfill: it reads its own
    // interval again, up to when it was due. A run due after it (on time, or catching up after an
    // outage) reads on from the high-water mark, so no outage leaves a gap.
    const dueSec = input.scheduled === undefined ? undefined : Math.floor(input.scheduled.atMs / 1000);
    if (input.mode !== 'historical' && dueSec !== undefined && state.highWaterMark !== null && dueSec < state.highWaterMark) {
      return [fresh(stream, { from: Math.max(0, dueSec - input.scheduled!.windowSeconds), to: Math.min(dueSec, end) })];
    }
    if (state.inProgress && state.inProgress.mode === input.mode && input.since === undefined) {
      return [state.inProgress];
    }
    if (sliced) {
      return sliceWindows(end, config.sync.historical_slices, config.sync.historical_slice_days * 86_400).map((window, index, all) =>
        fresh(stream, window, { index, count: all.length }),
      );
    }
    // A stream's own lookback (records that change for weeks, like returns) is a floor no connection setting lowers.
    const lookback = Math.max(stream.lookbackSeconds ?? 0, connection.lookback_seconds ?? source.lookbackSeconds);
    let from: number | null = null;
    if (input.mode !== 'historical') {
      from = sinceSec ?? (state.highWaterMark === null ? null : Math.max(0, state.highWaterMark - lookback));
    }
    return [fresh(stream, { from: from === null ? null : Math.min(from, end), to: end })];
  });
  // Every step of the sync lands in this lake, whichever worker runs it.
  const streamsInLake = positions.flat().map((p) => ({ ...p, lakeId: lake.id }));
  return { connectionId: connection.id, source: connection.source, environment: connection.environment, streams: streamsInLake };
}
