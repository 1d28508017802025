import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { LoadedConfig } from '../lib/config';
import type { ConnectionConfig } from '../lib/config-schema';
import { SEARCH_ATTRIBUTES } from '../lib/search-attributes';
import type { SyncMode } from '../lib/sync-state';
import { SYNC_TASK_QUEUE, syncWorkflowId } from '../lib/temporal-names';
import type { SyncProgress, SyncWorkflowInput, SyncWorkflowResult, syncWorkflow } from '../workflows';
import { SyncAlreadyRunningError } from './errors';

export interface StartSyncOptions {
  mode: SyncMode;
  since?: string;
  /** Attach to a sync of this connection that is already running instead of refusing. */
  attachToRunning?: boolean;
  taskQueue?: string;
  tuning?: SyncWorkflowInput['tuning'];
  /** Whether the sync asks for a build when it succeeds (default yes). */
  buildAfter?: boolean;
}

/** The operational sync settings of a config, as the sync workflow takes them. */
export function syncTuning(config: LoadedConfig): NonNullable<SyncWorkflowInput['tuning']> {
  return {
    rowsPerFile: config.sync.rows_per_file,
    heartbeatTimeoutMs: config.sync.heartbeat_timeout_seconds * 1000,
    reportPollSeconds: config.sync.report_poll_seconds,
    reportMaxPollSeconds: config.sync.report_max_poll_seconds,
  };
}

/** Starts `sync:<connection>`; one sync per connection at a time, enforced by the workflow id. */
export async function startSync(client: Client, connection: ConnectionConfig, opts: StartSyncOptions): Promise<WorkflowHandleWithFirstExecutionRunId<typeof syncWorkflow>> {
  const workflowId = syncWorkflowId(connection.id);
  try {
    return await client.workflow.start<typeof syncWorkflow>('syncWorkflow', {
      workflowId,
      taskQueue: opts.taskQueue ?? SYNC_TASK_QUEUE,
      args: [{ connectionId: connection.id, mode: opts.mode, since: opts.since, tuning: opts.tuning, ...(opts.buildAfter === false ? { buildAfter: false } : {}) }],
      workflowIdConflictPolicy: opts.attachToRunning ? 'USE_EXISTING' : 'FAIL',
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SEARCH_ATTRIBUTES.connection, value: connection.id },
        { key: SEARCH_ATTRIBUTES.source, value: connection.source },
        { key: SEARCH_ATTRIBUTES.mode, value: opts.mode },
        { key: SEARCH_ATTRIBUTES.environment, value: connection.environment },
      ]),
    });
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      const running = await client.workflow.getHandle(workflowId).describe();
      throw new SyncAlreadyRunningError(
        `a sync of "${connection.id}" is already running (workflow ${workflowId}, run ${running.runId}, started ${running.startTime.toISOString()}); ` +
          `wait for it with --wait, or watch it in the Temporal UI`,
      );
    }
    throw err;
  }
}

/** Waits for a sync, reporting its progress (from the workflow's query) every interval. */
export async function waitForSync(handle: WorkflowHandle<typeof syncWorkflow>, onProgress: (p: SyncProgress) => void, intervalMs = 1000): Promise<SyncWorkflowResult> {
  let finished = false;
  const result = handle.result().finally(() => {
    finished = true;
  });
  const poll = (async () => {
    while (!finished) {
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
      if (finished) break;
      try {
        onProgress(await handle.query<SyncProgress>('progress'));
      } catch {
        // Between runs (continue-as-new) or before the first task the query has no answer yet.
      }
    }
  })();
  const value = await result;
  await poll;
  return value;
}

/** Runs one connection's sync and waits for it, reporting progress when asked. */
export async function runSync(client: Client, connection: ConnectionConfig, opts: StartSyncOptions & { onProgress?: (p: SyncProgress) => void }): Promise<SyncWorkflowResult> {
  const handle = await startSync(client, connection, opts);
  return waitForSync(handle, opts.onProgress ?? (() => {}));
}

/** Where a connection's running sync stands; null when no sync answers (none runs, or it is between runs). */
export async function syncProgress(client: Client, connectionId: string): Promise<SyncProgress | null> {
  try {
    return await client.workflow.getHandle(syncWorkflowId(connectionId)).query<SyncProgress>('progress');
  } catch {
    // Before the first workflow task, or between runs of a continue-as-new, the query has no answer.
    return null;
  }
}

/** Whether any worker polls the sync queue; without one a started sync would wait silently. */
export async function workerIsPolling(client: Client, namespace: string, taskQueue: string = SYNC_TASK_QUEUE): Promise<boolean> {
  const response = await client.workflowService.describeTaskQueue({
    namespace,
    taskQueue: { name: taskQueue },
    taskQueueType: 1, // TASK_QUEUE_TYPE_WORKFLOW
  });
  return (response.pollers?.length ?? 0) > 0;
}
