import { Context } from '@temporalio/activity';
import path from 'node:path';
import type { LoadedConfig } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';
import { materializeSegments, type MaterializeResult } from '../lib/segments/materialize';
import { buildWarehouse, type BuildResult } from '../lib/warehouse/build-warehouse';

export interface BuildActivityDeps {
  /** Reads the config afresh, so a build sees the connections and segments as they are now. */
  loadConfig: () => LoadedConfig;
  /** The SQL models; `models/` of the project by default. */
  modelsDir?: string;
}

/** The activities of the build queue: DuckDB model builds and segment materialization, one at a time. */
export function createBuildActivities(deps: BuildActivityDeps) {
  const modelsDir = deps.modelsDir ?? path.join(PROJECT_ROOT, 'models');
  return {
    async buildWarehouse(input: { full?: boolean } = {}): Promise<BuildResult> {
      const ctx = Context.current();
      return buildWarehouse(deps.loadConfig(), { modelsDir, full: input.full, onProgress: (model) => ctx.heartbeat(model) });
    },
    async materializeSegments(input: { names?: string[] }): Promise<MaterializeResult> {
      return materializeSegments(deps.loadConfig(), { names: input.names });
    },
  };
}

export type BuildActivities = ReturnType<typeof createBuildActivities>;
export type { BuildResult, MaterializeResult };
