import { ActivityFailure, ApplicationFailure, continueAsNew, defineQuery, proxyActivities, setHandler, sleep, uuid4, workflowInfo } from '@temporalio/workflow';
import type { CdpActivities, SyncPlan } from '../activities';
import type { ScheduledRun } from '../activities/sync/plan-sync';
import type { StreamPosition, SyncMode } from '../lib/sync-state';
import { ERROR_NAMES } from '../lib/errors';
import { stateKey } from '../lib/stream-keys';
import { buildQueueFor } from '../lib/temporal-names';
import { PAGE_BATCH, SHORT } from './activity-presets';

const { planSync, pauseSchedule, completeSlicedStream, requestBuild } = proxyActivities<CdpActivities>(SHORT);

// Well below Temporal's 50k-event limit, so a backfill of any length carries on in a fresh run.
const HISTORY_EVENTS_BEFORE_CONTINUE = 5_000;

export interface SyncWorkflowInput {
  connectionId: string;
  mode: SyncMode;
  /** ISO date: a manual sync from here instead of the last high-water mark. */
  since?: string;
  /** A scheduled run: when it was due and its interval; one due before what was read is a backfill of its interval. */
  scheduled?: ScheduledRun;
  /** Carried over by continue-as-new: the plan with every stream's latest position. */
  plan?: SyncPlan;
  /** Carried over by continue-as-new: streams already finished. */
  finished?: string[];
  /** Whether a successful sync asks for a model build (default yes). */
  buildAfter?: boolean;
  /** Operational settings from the config's `sync` section. */
  tuning?: {
    rowsPerFile?: number;
    heartbeatTimeoutMs?: number;
    /** How long one activity pages before handing back to the workflow. */
    batchBudgetMs?: number;
    historyEventsBeforeContinue?: number;
    /** The first wait before asking whether a requested report is built; later waits double. */
    reportPollSeconds?: number;
    /** The longest wait between two questions about one report. */
    reportMaxPollSeconds?: number;
  };
}

export interface SyncWorkflowResult {
  connectionId: string;
  mode: SyncMode;
  streams: StreamPosition[];
}

export interface SyncProgress {
  connectionId: string;
  mode: SyncMode;
  streams: (StreamPosition & { done: boolean })[];
}

/** Answers `cdp sync`'s progress display while the sync runs. */
export const progressQuery = defineQuery<SyncProgress>('progress');

function newSyncId(): string {
  const started = workflowInfo().startTime.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
  return `${started}-${uuid4().slice(0, 8)}`;
}

/** Failures a rerun cannot fix until a person updates a credential. */
const CREDENTIAL_FAILURES: readonly string[] = [ERROR_NAMES.sourceAuth, ERROR_NAMES.credentialMissing];

function credentialProblem(err: unknown): string | undefined {
  if (err instanceof ActivityFailure && err.cause instanceof ApplicationFailure && CREDENTIAL_FAILURES.includes(err.cause.type ?? '')) {
    return err.cause.message;
  }
  return undefined;
}

/**
 * Syncs one connection: plans where each stream starts, then pages every stream concurrently in
 * heartbeating batches that land Parquet and commit their cursor, continuing as new before the
 * history grows large. Only ids, cursors and counts pass through here, never records or secrets.
 */
export async function syncWorkflow(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  try {
    return await runSync(input);
  } catch (err) {
    const problem = credentialProblem(err);
    if (!problem) throw err;
    // Retrying cannot help: pause the schedule with the reason, and fail with what to do.
    await pauseSchedule({ connectionId: input.connectionId, note: problem });
    throw ApplicationFailure.nonRetryable(problem, 'CredentialsRejected');
  }
}

/** One entry per stream: a sliced stream's slices added up. */
function perStream(positions: StreamPosition[]): StreamPosition[] {
  const byStream = new Map<string, StreamPosition>();
  for (const p of positions) {
    const seen = byStream.get(p.stream);
    if (!seen) {
      byStream.set(p.stream, { ...p, slice: undefined });
      continue;
    }
    byStream.set(p.stream, {
      ...seen,
      window: { from: seen.window.from === null || p.window.from === null ? null : Math.min(seen.window.from, p.window.from), to: Math.max(seen.window.to, p.window.to) },
      pages: seen.pages + p.pages,
      rows: seen.rows + p.rows,
      quarantined: seen.quarantined + p.quarantined,
      seq: seen.seq + p.seq,
    });
  }
  return [...byStream.values()];
}

async function runSync(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  const plan =
    input.plan ??
    (await planSync({
      connectionId: input.connectionId,
      mode: input.mode,
      since: input.since,
      scheduled: input.scheduled,
      syncId: newSyncId(),
      startedAtMs: workflowInfo().startTime.getTime(),
    }));
  const positions = new Map(plan.streams.map((p) => [stateKey(p), p]));
  const finished = new Set(input.finished ?? []);
  setHandler(progressQuery, () => ({
    connectionId: plan.connectionId,
    mode: input.mode,
    streams: [...positions.values()].map((p) => ({ ...p, done: finished.has(stateKey(p)) })),
  }));

  const { syncStreamBatch, reportStep } = proxyActivities<CdpActivities>({
    ...PAGE_BATCH,
    heartbeatTimeout: input.tuning?.heartbeatTimeoutMs ?? PAGE_BATCH.heartbeatTimeout,
  });
  // A report is requested, then asked about after a durable timer, never by an activity that sleeps.
  const reportStepOnce = async (position: StreamPosition) => {
    const step = await reportStep({
      position,
      rowsPerFile: input.tuning?.rowsPerFile,
      pollSeconds: input.tuning?.reportPollSeconds,
      maxPollSeconds: input.tuning?.reportMaxPollSeconds,
    });
    if (!step.done && step.waitSeconds > 0) await sleep(step.waitSeconds * 1000);
    return step;
  };
  // A sliced stream is complete when its last slice is; only then does its high-water mark move.
  const completeIfLastSlice = async (p: StreamPosition) => {
    if (!p.slice) return;
    const slices = plan.streams.filter((s) => s.stream === p.stream);
    if (slices.every((s) => finished.has(stateKey(s)))) {
      await completeSlicedStream({ connectionId: plan.connectionId, stream: p.stream, syncId: p.syncId, lakeId: p.lakeId });
    }
  };
  let handOver = false;
  await Promise.all(
    plan.streams
      .filter((s) => !finished.has(stateKey(s)))
      .map(async (start) => {
        let position = start;
        while (!handOver) {
          const batch = position.report
            ? await reportStepOnce(position)
            : await syncStreamBatch({ position, rowsPerFile: input.tuning?.rowsPerFile, budgetMs: input.tuning?.batchBudgetMs });
          position = batch.position;
          positions.set(stateKey(position), position);
          if (batch.done) {
            finished.add(stateKey(position));
            await completeIfLastSlice(position);
            return;
          }
          const info = workflowInfo();
          const limit = input.tuning?.historyEventsBeforeContinue ?? HISTORY_EVENTS_BEFORE_CONTINUE;
          if (info.continueAsNewSuggested || info.historyLength > limit) handOver = true;
        }
      }),
  );

  if (finished.size < plan.streams.length) {
    await continueAsNew<typeof syncWorkflow>({ ...input, plan: { ...plan, streams: [...positions.values()] }, finished: [...finished] });
  }
  // Fresh data makes the models stale: ask for a build, which coalesces with any already asked for. The
  // build chain runs on the build queue, so a worker that only syncs never holds a DuckDB build.
  if (input.buildAfter !== false) await requestBuild({ buildQueue: buildQueueFor(workflowInfo().taskQueue) });
  return { connectionId: plan.connectionId, mode: input.mode, streams: perStream([...positions.values()]) };
}
