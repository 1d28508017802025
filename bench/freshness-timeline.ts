// Where a change's way from the source to a segment spent its time: the sync that first landed it
// (found in the lake's change feed by the record's key, with the commit that landed it), then the
// build and the segments' materialization that put the person in (found in the build chain's
// history by the time the person entered).
import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import { withLake } from '../lib/lake/lake-session';
import { LAKE, openLake } from '../lib/lake/open-lake';
import { RAW_SCHEMA, rawTableName } from '../lib/lake/raw-tables';
import { sqlString } from '../lib/sql';
import { BUILD_WORKFLOW_ID, syncWorkflowId } from '../lib/temporal-names';
import { completedActivities, runsStartedBetween, type ActivitySpan, type RunSpan } from './workflow-timeline';

/** A change's latency in consecutive parts (ms) that add up to the whole. */
export interface ChangeTimeline {
  /** From the change to the start of the sync that landed it (0 when a running sync read it). */
  toSyncMs: number;
  /** From then until the sync committed the batch holding the change (its streams share the source's rate). */
  syncMs: number;
  /** From that commit to the start of the build that read it: a build already running is waited for. */
  toBuildMs: number;
  buildMs: number;
  /** From the build's end to the end of the segments' materialization that moved the person. */
  segmentsMs: number;
  /** From that materialization's end to the bench seeing the member. */
  seenMs: number;
  totalMs: number;
  /** The whole sync that landed the change, start to end (not a part: builds may start before it ends). */
  wholeSyncMs: number;
}

/** The start of a sync from its id (`20261207T231536Z-1a2b3c4d`), to the second. */
function syncIdStartMs(syncId: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z-/.exec(syncId);
  if (!m) throw new Error(`a sync id of an unknown shape: ${syncId}`);
  return Date.parse(`${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6]}Z`);
}

/** The sync of `connectionId` that first landed ActiveCampaign contact tag `contactTagId`: its start and end, and when the batch holding the tag was committed. */
async function syncThatLanded(client: Client, config: LoadedConfig, connectionId: string, contactTagId: string): Promise<{ startMs: number; closeMs: number; landedMs: number }> {
  const landing = await withLake(await openLake(config.storage, config.layout), async (db) => {
    const last = Number((await db.runAndReadAll(`select max(snapshot_id) from ${LAKE}.snapshots()`)).getRows()[0]![0]);
    // The lake's change feed names the snapshot (the commit) each row came in with.
    const reader = await db.runAndReadAll(
      `select c.sync_id, s.snapshot_time
       from ducklake_table_changes(${sqlString(LAKE)}, ${sqlString(RAW_SCHEMA)}, ${sqlString(rawTableName('activecampaign', 'contact_tags'))}, 0, ${last}) as c
       join ${LAKE}.snapshots() as s using (snapshot_id)
       where c.change_type = 'insert' and c.connection = ? and c.primary_key = ?
       order by c.snapshot_id limit 1`,
      [connectionId, contactTagId],
    );
    const row = reader.getRowObjectsJS()[0];
    return row && { syncId: String(row.sync_id), landedMs: (row.snapshot_time as Date).getTime() };
  });
  if (!landing) throw new Error(`contact tag ${contactTagId} was never landed`);
  const second = syncIdStartMs(landing.syncId);
  const run = (await runsStartedBetween(client, syncWorkflowId(connectionId), second, second + 1000))[0];
  if (!run?.closeMs) throw new Error(`no closed run of ${syncWorkflowId(connectionId)} started at ${new Date(second).toISOString()} (sync ${landing.syncId})`);
  return { startMs: run.startMs, closeMs: run.closeMs, landedMs: landing.landedMs };
}

/** The materialization that ran at `enteredMs` (the time it gave the entries) and the build before it, from the build chain's histories. */
async function buildThatMoved(client: Client, fromMs: number, enteredMs: number): Promise<{ build: ActivitySpan; segments: ActivitySpan }> {
  // The member can be read a moment before the activity's completion is in the history.
  for (let tries = 0; tries < 60; tries++) {
    const runs = await runsStartedBetween(client, BUILD_WORKFLOW_ID, fromMs, Date.now() + 1000);
    const spans = (await Promise.all(runs.map((r) => completedActivities(client, r)))).flat().sort((a, b) => a.startedMs - b.startedMs);
    const segments = spans.find((s) => s.activity === 'materializeSegments' && s.startedMs <= enteredMs + 1000 && enteredMs <= s.completedMs);
    const build = segments && spans.filter((s) => s.activity === 'buildWarehouse' && s.completedMs <= segments.startedMs + 1000).at(-1);
    if (segments && build) return { build, segments };
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
  throw new Error(`no materialization of segments ran at ${new Date(enteredMs).toISOString()} in ${BUILD_WORKFLOW_ID}`);
}

/** Splits the time from `changedMs` (the change at the source) to `seenMs` (the member seen) by the sync, build and materialization that carried it. */
export async function changeTimeline(
  client: Client,
  config: LoadedConfig,
  change: { changedMs: number; seenMs: number; enteredMs: number; connectionId: string; contactTagId: string },
): Promise<ChangeTimeline> {
  const sync = await syncThatLanded(client, config, change.connectionId, change.contactTagId);
  // A build chain run can start long before the change: it loops while requests keep coming.
  const { build, segments } = await buildThatMoved(client, change.changedMs - 3_600_000, change.enteredMs);
  const syncFromMs = Math.max(sync.startMs, change.changedMs);
  return {
    toSyncMs: syncFromMs - change.changedMs,
    syncMs: sync.landedMs - syncFromMs,
    toBuildMs: build.startedMs - sync.landedMs,
    buildMs: build.completedMs - build.startedMs,
    segmentsMs: segments.completedMs - build.completedMs,
    seenMs: change.seenMs - segments.completedMs,
    totalMs: change.seenMs - change.changedMs,
    wholeSyncMs: sync.closeMs - sync.startMs,
  };
}

/** The middle value (the mean of the two middle ones for an even count). */
export const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length === 0 ? NaN : s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

/** What the schedule kept running in [fromMs, toMs): each connection's syncs and the build chain's builds, with their median and longest durations. */
export interface SteadyState {
  syncs: { connectionId: string; runs: number; medianMs: number; maxMs: number }[];
  builds: { runs: number; medianMs: number; maxMs: number };
  /** Runs of the build chain's workflow in the period, and the longest history among them (events). */
  chain: { runs: number; longestHistory: number };
  segments: { runs: number; medianMs: number };
  /** The share of the period the build worker spent building or materializing. */
  buildBusy: number;
  /** Runs that failed, timed out or were terminated, as `workflowId: status`. */
  failed: string[];
}

/** A run's history length; visibility counts it only once the run has closed. */
async function historyLength(client: Client, run: RunSpan): Promise<number> {
  return run.closeMs ? run.historyLength : (await client.workflow.getHandle(run.workflowId, run.runId).describe()).historyLength;
}

/** The syncs and builds the schedule ran in [fromMs, toMs), and any run that did not complete. */
export async function steadyState(client: Client, connectionIds: string[], fromMs: number, toMs: number): Promise<SteadyState> {
  const syncs = [];
  for (const id of connectionIds) {
    const durations = (await runsStartedBetween(client, syncWorkflowId(id), fromMs, toMs)).filter((r) => r.closeMs).map((r) => r.closeMs! - r.startMs);
    syncs.push({ connectionId: id, runs: durations.length, medianMs: median(durations), maxMs: Math.max(...durations) });
  }
  const runs = await runsStartedBetween(client, BUILD_WORKFLOW_ID, fromMs - 3_600_000, toMs);
  const spans = (await Promise.all(runs.map((r) => completedActivities(client, r)))).flat().filter((s) => s.startedMs >= fromMs && s.completedMs < toMs);
  const durations = (activity: string) => spans.filter((s) => s.activity === activity).map((s) => s.completedMs - s.startedMs);
  const builds = durations('buildWarehouse');
  const materializations = durations('materializeSegments');
  const failed: string[] = [];
  const since = new Date(fromMs).toISOString();
  for await (const w of client.workflow.list({ query: `StartTime >= '${since}' AND ExecutionStatus != 'Running' AND ExecutionStatus != 'Completed' AND ExecutionStatus != 'ContinuedAsNew'` })) {
    failed.push(`${w.workflowId}: ${w.status.name}`);
  }
  return {
    syncs,
    builds: { runs: builds.length, medianMs: median(builds), maxMs: Math.max(...builds) },
    chain: { runs: runs.filter((r) => (r.closeMs ?? toMs) > fromMs).length, longestHistory: Math.max(0, ...(await Promise.all(runs.map((r) => historyLength(client, r))))) },
    segments: { runs: materializations.length, medianMs: median(materializations) },
    buildBusy: [...builds, ...materializations].reduce((a, b) => a + b, 0) / (toMs - fromMs),
    failed,
  };
}
