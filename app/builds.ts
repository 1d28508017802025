import type { Client } from '@temporalio/client';
import path from 'node:path';
import type { LoadedConfig } from '../lib/config';
import { CdpError } from '../lib/errors';
import { PROJECT_ROOT } from '../lib/paths';
import { materializeSegments, type MaterializeResult } from '../lib/segments/materialize';
import { BUILD_WORKFLOW_ID, SYNC_TASK_QUEUE, buildQueueFor } from '../lib/temporal-names';
import { buildWarehouse, type BuildResult } from '../lib/warehouse/build-warehouse';
import type { buildModelsWorkflow } from '../workflows';

// The build chain: models, then segments. Through Temporal it is the `build:` workflow on the build
// queue (the sync queue's -build twin, which build workers poll), which coalesces requests with a
// running or queued build; locally it is the same two steps in this process.

/** A build's models and, when the chain got that far, its segments. */
export type BuildOutcome = BuildResult & { segments?: MaterializeResult };

/**
 * Asks for a model build (coalescing with a running or queued one) on the build twin of `syncQueue`
 * and waits for a build that includes it; `full` makes that build copy and make everything anew.
 */
export async function runBuild(client: Client, syncQueue: string = SYNC_TASK_QUEUE, opts: { full?: boolean } = {}): Promise<BuildOutcome> {
  const handle = await client.workflow.signalWithStart<typeof buildModelsWorkflow, [{ full?: boolean }?]>('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue: buildQueueFor(syncQueue),
    args: [],
    signal: 'requestBuild',
    signalArgs: [{ full: opts.full ?? false }],
  });
  const result = await handle.result();
  if (!result.build) throw new CdpError(`${BUILD_WORKFLOW_ID} ended without a build`);
  return { ...result.build, segments: result.segments };
}

/** The same chain as the build workflow, in this process: models, then every segment. */
export async function buildLocally(config: LoadedConfig, opts: { full?: boolean } = {}): Promise<BuildOutcome> {
  const build = await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models'), full: opts.full });
  return { ...build, segments: await materializeSegments(config) };
}

/** Materializes segments (some, or all) through the build chain on the build twin of `syncQueue`, behind any build that runs. */
export async function runMaterializeSegments(client: Client, names: string[] | undefined, syncQueue: string = SYNC_TASK_QUEUE): Promise<MaterializeResult> {
  const handle = await client.workflow.signalWithStart<typeof buildModelsWorkflow, [{ names?: string[] }]>('buildModelsWorkflow', {
    workflowId: BUILD_WORKFLOW_ID,
    taskQueue: buildQueueFor(syncQueue),
    args: [],
    signal: 'requestSegments',
    signalArgs: [{ names }],
  });
  const result = await handle.result();
  if (!result.segments) throw new CdpError(`${BUILD_WORKFLOW_ID} ended without materializing segments`);
  return result.segments;
}

/** Materializes segments (some, or all) in this process. */
export function materializeLocally(config: LoadedConfig, names?: string[]): Promise<MaterializeResult> {
  return materializeSegments(config, { names });
}
