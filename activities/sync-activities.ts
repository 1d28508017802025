import type { Client } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import type { LastSync } from '../lib/sync-state';
import { pauseConnectionSchedule } from './control/schedules';
import { requestBuild } from './control/request-build';
import { completeSlicedStream, type CompleteSlicedStreamInput } from './sync/complete-sliced-stream';
import { planSync, type PlanSyncInput, type SyncPlan } from './sync/plan-sync';
import { reportStep, type ReportStepInput, type ReportStepResult } from './sync/report-step';
import { syncStreamBatch, type SyncStreamBatchInput, type SyncStreamBatchResult } from './sync/sync-stream-batch';

export interface SyncActivityDeps {
  /** Reads the config afresh, so a worker picks up edited connections without a restart. */
  loadConfig: () => LoadedConfig;
  /** A client of the cluster the worker serves, for activities that manage schedules and ask for builds. */
  temporalClient?: () => Promise<Client>;
}

/**
 * The activities of the sync queue: HTTP paging, Parquet landing and bookkeeping. Nothing here reaches
 * the model or segment builds, so a worker that only syncs never loads them.
 */
export function createSyncActivities(deps: SyncActivityDeps) {
  return {
    async planSync(input: PlanSyncInput): Promise<SyncPlan> {
      return planSync(deps.loadConfig(), input);
    },
    async syncStreamBatch(input: SyncStreamBatchInput): Promise<SyncStreamBatchResult> {
      return syncStreamBatch(deps.loadConfig(), input);
    },
    async reportStep(input: ReportStepInput): Promise<ReportStepResult> {
      return reportStep(deps.loadConfig(), input);
    },
    async completeSlicedStream(input: CompleteSlicedStreamInput): Promise<LastSync> {
      return completeSlicedStream(deps.loadConfig(), input);
    },
    /** Starts or queues the build chain on `buildQueue`, the queue build workers poll. */
    async requestBuild(input: { buildQueue: string }): Promise<void> {
      if (deps.temporalClient) await requestBuild(await deps.temporalClient(), input.buildQueue);
    },
    async pauseSchedule(input: { connectionId: string; note: string }): Promise<boolean> {
      if (!deps.temporalClient) return false;
      return pauseConnectionSchedule(await deps.temporalClient(), input.connectionId, input.note);
    },
  };
}

export type SyncActivities = ReturnType<typeof createSyncActivities>;
export type { PlanSyncInput, SyncPlan, SyncStreamBatchInput, SyncStreamBatchResult };
