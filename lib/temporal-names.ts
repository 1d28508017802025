// Names shared by the CLI, the worker and workflow code. Pure constants: safe to import from workflows.

/** The queue workflows and HTTP/Parquet activities run on, unless --task-queue / CDP_TASK_QUEUE names another. */
export const SYNC_TASK_QUEUE = 'cdp-sync';

/** The queue of DuckDB builds that pairs with a sync queue: `cdp-sync` -> `cdp-build`, `x` -> `x-build`. */
export function buildQueueFor(syncQueue: string): string {
  return syncQueue.endsWith('-sync') ? `${syncQueue.slice(0, -'-sync'.length)}-build` : `${syncQueue}-build`;
}

/** What one `cdp worker` polls: the sync queue, its build twin, or both (one process for the demo and a single machine). */
export const WORKER_QUEUES = ['sync', 'build', 'both'] as const;
export type WorkerQueues = (typeof WORKER_QUEUES)[number];

/** Search attributes registered on the dev server so runs can be filtered by them. */
export const SEARCH_ATTRIBUTE_NAMES = ['CdpConnection', 'CdpSource', 'CdpMode', 'CdpEnvironment'] as const;

export const syncWorkflowId = (connectionId: string): string => `sync:${connectionId}`;
export const BUILD_WORKFLOW_ID = 'build:warehouse';

/** The schedule that keeps a connection fresh, and the id prefix of the runs it starts. */
export const scheduleId = (connectionId: string): string => `schedule:${connectionId}`;
export const scheduledRunId = (connectionId: string): string => `scheduled-sync:${connectionId}`;
