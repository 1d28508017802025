import { defineSignal, proxyActivities, setHandler, workflowInfo } from '@temporalio/workflow';
import type { BuildResult, CdpActivities } from '../activities';
import { buildQueueFor } from '../lib/temporal-names';
import { DUCKDB_BUILD } from './activity-presets';

/** Asks for a build; requests that arrive while one runs collapse into a single next build. */
export const requestBuildSignal = defineSignal('requestBuild');

/**
 * Rebuilds every model into a new warehouse file and swaps it in, then again while new requests
 * came in meanwhile: at most one build runs and at most one waits, however many syncs finish.
 */
export async function buildModelsWorkflow(): Promise<BuildResult> {
  // Builds run on their own queue, whose workers take one DuckDB build at a time.
  const { buildWarehouse } = proxyActivities<CdpActivities>({ ...DUCKDB_BUILD, taskQueue: buildQueueFor(workflowInfo().taskQueue) });
  let requested = true;
  setHandler(requestBuildSignal, () => {
    requested = true;
  });
  let result: BuildResult | undefined;
  while (requested) {
    requested = false;
    result = await buildWarehouse();
  }
  return result!;
}
