import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle, type WorkflowHandleWithFirstExecutionRunId } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import type { SyncMode } from '../lib/sync-state';
import type { LoadedConfig } from '../lib/config';
import type { ConnectionConfig } from '../lib/config-schema';
import { CdpError } from '../lib/errors';
import { SEARCH_ATTRIBUTES } from '../lib/search-attributes';
import { BUILD_WORKFLOW_ID, SYNC_TASK_QUEUE, syncWorkflowId } from '../lib/temporal-names';
import type { BuildResult, MaterializeResult } from '../activities';
import type { buildModelsWorkflow, syncWorkflow, SyncProgress, SyncWorkflowInput } from '../workflows';

export class SyncAlreadyRunningError extends CdpError {
  override readonly name = 'SyncAlreadyRunningError';
}

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
export async function waitForSync(
  handle: WorkflowHandle<typeof syncWorkflow>,
  onProgress: (p: SyncProgress) => void,
  intervalMs = 1000,
): Promise<Awaited<ReturnType<typeof syncWorkflow>>> {
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

/** Asks for a model build (coalescing with a running or queued one) and waits for a build that includes it. */
export async function runBuild(client: Client, taskQueue: string = SYNC_TASK_QUEUE): Promise<BuildResult & { segments?: MaterializeResult }> {
  const handle = await client.workflow.signalWithStart<typeof buildModelsWorkflow, []>('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue,
    args: [],
    signal: 'requestBuild',
    signalArgs: [],
  });
  const result = await handle.result();
  if (!result.build) throw new CdpError(`${BUILD_WORKFLOW_ID} ended without a build`);
  return { ...result.build, segments: result.segments };
}

/** Materializes segments (some, or all) through the build chain, behind any build that runs. */
export async function runMaterializeSegments(client: Client, names: string[] | undefined, taskQueue: string = SYNC_TASK_QUEUE): Promise<MaterializeResult> {
  const handle = await client.workflow.signalWithStart<typeof buildModelsWorkflow, [{ names?: string[] }]>('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue,
    args: [],
    signal: 'requestSegments',
    signalArgs: [{ names }],
  });
  const result = await handle.result();
  if (!result.segments) throw new CdpError(`${BUILD_WORKFLOW_ID} ended without materializing segments`);
  return result.segments;
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
