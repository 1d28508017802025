import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BuildActivities, BuildResult, MaterializeResult } from '../activities';
import { DUCKDB_BUILD } from './activity-presets';

/** Asks for a build; requests that arrive while one runs collapse into a single next build. */
export const requestBuildSignal = defineSignal('requestBuild');

/** Asks for segments to be materialized without a build: some by name, or all with none named. */
export const requestSegmentsSignal = defineSignal<[{ names?: string[] }]>('requestSegments');

export interface BuildChainResult {
  /** The last build of this run, when one ran. */
  build?: BuildResult;
  /** The last segment materialization of this run. */
  segments?: MaterializeResult;
}

/**
 * The build chain: rebuild every model into a new warehouse file and swap it in, then materialize
 * every segment against it; again while new requests came in meanwhile. At most one chain runs and
 * at most one waits, however many syncs finish. A request for segments alone skips the build.
 */
export async function buildModelsWorkflow(): Promise<BuildChainResult> {
  // The chain is started on the build queue, and its activities stay there: only build workers,
  // which take one DuckDB activity at a time, register them.
  const { buildWarehouse, materializeSegments } = proxyActivities<BuildActivities>(DUCKDB_BUILD);
  let buildRequested = false;
  // Segment names asked for; 'all' wins over any list.
  let segmentsRequested: Set<string> | 'all' | undefined;
  setHandler(requestBuildSignal, () => {
    buildRequested = true;
  });
  setHandler(requestSegmentsSignal, ({ names }) => {
    if (!names || names.length === 0) segmentsRequested = 'all';
    else if (segmentsRequested !== 'all') segmentsRequested = new Set([...(segmentsRequested ?? []), ...names]);
  });
  const result: BuildChainResult = {};
  // Every run is started with a signal (signal-with-start) that says what to do; a run started
  // without one (from the Temporal UI) builds.
  if (!(await condition(() => buildRequested || segmentsRequested !== undefined, '1 minute'))) buildRequested = true;
  while (buildRequested || segmentsRequested) {
    if (buildRequested) {
      buildRequested = false;
      segmentsRequested = undefined;
      result.build = await buildWarehouse();
      result.segments = await materializeSegments({});
    } else {
      const names = segmentsRequested === 'all' ? undefined : [...segmentsRequested!];
      segmentsRequested = undefined;
      result.segments = await materializeSegments({ names });
    }
  }
  return result;
}
