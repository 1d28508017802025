import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths';
import { staticImportClosure } from '../support/import-graph';

// A sync worker stays small because it never loads the DuckDB model and segment builds: they are
// imported only when a worker polls the build queue.

const BUILD_CODE = [/^lib\/warehouse\//, /^lib\/segments\//, /^models\//, /^activities\/build-activities\.ts$/];

function buildCodeLoadedBy(entry: string): string[] {
  return [...staticImportClosure(path.join(PROJECT_ROOT, entry))]
    .map((file) => path.relative(PROJECT_ROOT, file))
    .filter((file) => BUILD_CODE.some((pattern) => pattern.test(file)));
}

describe('what a sync worker loads', () => {
  it('the worker module and the sync activities import no build code', () => {
    expect(buildCodeLoadedBy('worker/run-worker.ts')).toEqual([]);
    expect(buildCodeLoadedBy('activities/sync-activities.ts')).toEqual([]);
    expect(buildCodeLoadedBy('cli/commands/worker.ts')).toEqual([]);
  });

  it('the build activities do import the builds, so the check above can see them', () => {
    expect(buildCodeLoadedBy('activities/build-activities.ts')).toEqual(
      expect.arrayContaining(['activities/build-activities.ts', 'lib/warehouse/build-warehouse.ts', 'lib/segments/materialize.ts']),
    );
  });
});
