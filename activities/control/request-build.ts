import type { Client } from '@temporalio/client';
import { BUILD_WORKFLOW_ID } from '../../lib/temporal-names';

/** Starts the build chain on the build queue `taskQueue`, or queues a build behind the one running (signal-with-start). */
export async function requestBuild(client: Client, taskQueue: string): Promise<void> {
  await client.workflow.signalWithStart('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue,
    args: [],
    signal: 'requestBuild',
    signalArgs: [],
  });
}
