export { syncWorkflow, progressQuery } from './sync';
export { buildModelsWorkflow } from './build';
export type { SyncProgress, SyncWorkflowInput, SyncWorkflowResult } from './sync';
