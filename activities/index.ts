// The activities' types for workflows (which import only types) and the deps a worker binds them to.
// The code lives in two modules, one per task queue, so a worker loads only the queue it serves.
import type { BuildActivities, BuildActivityDeps } from './build-activities';
import type { SyncActivities, SyncActivityDeps } from './sync-activities';

/** What a worker binds its activities to: the config and, for syncs, a Temporal client. */
export type ActivityDeps = SyncActivityDeps & BuildActivityDeps;

/** Every activity the workflows call, on either queue. */
export type CdpActivities = SyncActivities & BuildActivities;

export type { BuildActivities, SyncActivities };
export type { BuildResult, MaterializeResult } from './build-activities';
export type { PlanSyncInput, SyncPlan, SyncStreamBatchInput, SyncStreamBatchResult } from './sync-activities';
