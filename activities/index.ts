import path from 'node:path';
import type { LoadedConfig } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';
import { buildWarehouse, type BuildResult } from '../lib/warehouse/build-warehouse';
import { planSync, type PlanSyncInput, type SyncPlan } from './sync/plan-sync';
import { completeSlicedStream, type CompleteSlicedStreamInput } from './sync/complete-sliced-stream';
import type { LastSync } from '../lib/sync-state';
import { reportStep, type ReportStepInput, type ReportStepResult } from './sync/report-step';
import { syncStreamBatch, type SyncStreamBatchInput, type SyncStreamBatchResult } from './sync/sync-stream-batch';
import { Context } from '@temporalio/activity';
import type { Client } from '@temporalio/client';
import { pauseConnectionSchedule } from './control/schedules';
import { requestBuild } from './control/request-build';
import { materializeSegments, type MaterializeResult } from '../lib/segments/materialize';

export interface ActivityDeps {
  /** Reads the config afresh, so a worker picks up edited connections without a restart. */
  loadConfig: () => LoadedConfig;
  modelsDir?: string;
  /** A client of the cluster the worker serves, for activities that manage schedules. */
  temporalClient?: () => Promise<Client>;
}

/** Every activity the workflows call, bound to a config. Workflows import only its type. */
export function createActivities(deps: ActivityDeps) {
  const modelsDir = deps.modelsDir ?? path.join(PROJECT_ROOT, 'models');
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
    async requestBuild(input: { taskQueue: string }): Promise<void> {
      if (deps.temporalClient) await requestBuild(await deps.temporalClient(), input.taskQueue);
    },
    async pauseSchedule(input: { connectionId: string; note: string }): Promise<boolean> {
      if (!deps.temporalClient) return false;
      return pauseConnectionSchedule(await deps.temporalClient(), input.connectionId, input.note);
    },
    async buildWarehouse(): Promise<BuildResult> {
      const ctx = Context.current();
      return buildWarehouse(deps.loadConfig(), { modelsDir, onProgress: (model) => ctx.heartbeat(model) });
    },
    async materializeSegments(input: { names?: string[] }): Promise<MaterializeResult> {
      return materializeSegments(deps.loadConfig(), { names: input.names });
    },
  };
}

export type CdpActivities = ReturnType<typeof createActivities>;
export type { PlanSyncInput, SyncPlan, SyncStreamBatchInput, SyncStreamBatchResult, BuildResult, MaterializeResult };
