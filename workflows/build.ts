import { proxyActivities } from '@temporalio/workflow';
import type { BuildResult, CdpActivities } from '../activities';
import { BUILD_TASK_QUEUE } from '../lib/temporal-names';
import { DUCKDB_BUILD } from './activity-presets';

// Builds run on their own queue, whose workers take one DuckDB build at a time.
const { buildWarehouse } = proxyActivities<CdpActivities>({ ...DUCKDB_BUILD, taskQueue: BUILD_TASK_QUEUE });

/** Rebuilds every model into a new warehouse file and swaps it in. */
export async function buildModelsWorkflow(): Promise<BuildResult> {
  return buildWarehouse();
}
