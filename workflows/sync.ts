import { ActivityFailure, ApplicationFailure, continueAsNew, defineQuery, proxyActivities, setHandler, uuid4, workflowInfo } from '@temporalio/workflow';
import type { CdpActivities, SyncPlan } from '../activities';
import type { StreamPosition, SyncMode } from '../activities/state/sync-state';
import { PAGE_BATCH, SHORT } from './activity-presets';

const { planSync, pauseSchedule } = proxyActivities<CdpActivities>(SHORT);

// Well below Temporal's 50k-event limit, so a backfill of any length carries on in a fresh run.
const HISTORY_EVENTS_BEFORE_CONTINUE = 5_000;

export interface SyncWorkflowInput {
  connectionId: string;
  mode: SyncMode;
  /** ISO date: a manual sync from here instead of the last high-water mark. */
  since?: string;
  /** Carried over by continue-as-new: the plan with every stream's latest position. */
  plan?: SyncPlan;
  /** Carried over by continue-as-new: streams already finished. */
  finished?: string[];
  /** Operational settings from the config's `sync` section. */
  tuning?: {
    rowsPerFile?: number;
    heartbeatTimeoutMs?: number;
    /** How long one activity pages before handing back to the workflow. */
    batchBudgetMs?: number;
    historyEventsBeforeContinue?: number;
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
const CREDENTIAL_FAILURES = ['SourceAuthError', 'CredentialMissingError'];

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

async function runSync(input: SyncWorkflowInput): Promise<SyncWorkflowResult> {
  const plan =
    input.plan ??
    (await planSync({
      connectionId: input.connectionId,
      mode: input.mode,
      since: input.since,
      syncId: newSyncId(),
      startedAtMs: workflowInfo().startTime.getTime(),
    }));
  const positions = new Map(plan.streams.map((p) => [p.stream, p]));
  const finished = new Set(input.finished ?? []);
  setHandler(progressQuery, () => ({
    connectionId: plan.connectionId,
    mode: input.mode,
    streams: [...positions.values()].map((p) => ({ ...p, done: finished.has(p.stream) })),
  }));

  const { syncStreamBatch } = proxyActivities<CdpActivities>({
    ...PAGE_BATCH,
    heartbeatTimeout: input.tuning?.heartbeatTimeoutMs ?? PAGE_BATCH.heartbeatTimeout,
  });
  let handOver = false;
  await Promise.all(
    plan.streams
      .filter((s) => !finished.has(s.stream))
      .map(async (start) => {
        let position = start;
        while (!handOver) {
          const batch = await syncStreamBatch({ position, rowsPerFile: input.tuning?.rowsPerFile, budgetMs: input.tuning?.batchBudgetMs });
          position = batch.position;
          positions.set(position.stream, position);
          if (batch.done) {
            finished.add(position.stream);
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
  return { connectionId: plan.connectionId, mode: input.mode, streams: [...positions.values()] };
}
