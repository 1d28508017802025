import { condition, defineSignal, proxyActivities, setHandler } from '@temporalio/workflow';
import type { BuildActivities, BuildResult, MaterializeResult } from '../activities';
import { DUCKDB_BUILD } from './activity-presets';

/** Asks for a build (a full one with `full`); requests that arrive while one runs collapse into a single next build. */
export const requestBuildSignal = defineSignal<[{ full?: boolean }?]>('requestBuild');

/** Asks for segments to be materialized without a build: some by name, or all with none named. */
export const requestSegmentsSignal = defineSignal<[{ names?: string[] }]>('requestSegments');

export interface BuildChainResult {
  /** The last build of this run, when one ran. */
  build?: BuildResult;
  /** The last segment materialization of this run. */
  segments?: MaterializeResult;
}

/**
 * The build chain: bring the models up to date in a new warehouse file and swap it in, then materialize
 * every segment against it; again while new requests came in meanwhile. At most one chain runs and
 * at most one waits, however many syncs finish. A request for segments alone skips the build.
 */
export async function buildModelsWorkflow(): Promise<BuildChainResult> {
  // The chain is started on the build queue, and its activities stay there: only build workers,
  // which take one DuckDB activity at a time, register them.
  const { buildWarehouse, materializeSegments } = proxyActivities<BuildActivities>(DUCKDB_BUILD);
  let buildRequested = false;
  // Whether a request since the last build asked for a full one.
  let fullRequested = false;
  // Segment names asked for; 'all' wins over any list.
  let segmentsRequested: Set<string> | 'all' | undefined;
  setHandler(requestBuildSignal, (request) => {
    buildRequested = true;
    if (request?.full) fullRequested = true;
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
      const full = fullRequested;
      buildRequested = false;
      fullRequested = false;
      segmentsRequested = undefined;
      result.build = await buildWarehouse({ full });
      result.segments = await materializeSegments({});
    } else {
      const names = segmentsRequested === 'all' ? undefined : [...segmentsRequested!];
      segmentsRequested = undefined;
      result.segments = await materializeSegments({ names });
    }
  }
  return result;
}
