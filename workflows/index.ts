export { syncWorkflow, progressQuery } from './sync';
export { buildModelsWorkflow, requestBuildSignal, requestSegmentsSignal } from './build';
export type { BuildChainResult } from './build';
export type { SyncProgress, SyncWorkflowInput, SyncWorkflowResult } from './sync';
export { scheduledSyncWorkflow } from './scheduled-sync';
export type { ScheduledSyncInput, ScheduledSyncResult } from './scheduled-sync';
