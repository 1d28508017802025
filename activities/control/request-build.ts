import type { Client } from '@temporalio/client';
import { BUILD_WORKFLOW_ID } from '../../lib/temporal-names';

/** Starts the model build, or queues one behind the build that is running (signal-with-start). */
export async function requestBuild(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.signalWithStart('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue,
    args: [],
    signal: 'requestBuild',
    signalArgs: [],
  });
}
