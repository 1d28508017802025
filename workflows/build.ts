import { proxyActivities, workflowInfo } from '@temporalio/workflow';
import type { BuildResult, CdpActivities } from '../activities';
import { buildQueueFor } from '../lib/temporal-names';
import { DUCKDB_BUILD } from './activity-presets';

/** Rebuilds every model into a new warehouse file and swaps it in. */
export async function buildModelsWorkflow(): Promise<BuildResult> {
  // Builds run on their own queue, whose workers take one DuckDB build at a time.
  const { buildWarehouse } = proxyActivities<CdpActivities>({ ...DUCKDB_BUILD, taskQueue: buildQueueFor(workflowInfo().taskQueue) });
  return buildWarehouse();
}
