import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, expect } from 'vitest';
import { allSourceSpecs } from '../../activities/sources/registry';
import { readPath } from '../../activities/sources/read-path';
import { queryWarehouse } from '../../app/query';
import { PROJECT_ROOT } from '../../lib/paths';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { makeWorkspace } from './workspace';
import { landRawRows } from './raw-lake';

/** The staging models built over one source's official example responses. */
export interface ExampleStaging {
  /** The one row a query on the staging models answers. */
  one(query: string): Promise<Record<string, unknown>>;
}

/**
 * In the calling suite, before its tests: lands every example response of a source
 * (`test/fixtures/<folder>/<stream>.json`, the folder named as under `activities/sources/`) as
 * raw and builds the staging models alone over it; after them, removes it.
 */
export function buildExamplesBeforeAll(sourceName: string): ExampleStaging {
  let examples: (ExampleStaging & { cleanup(): void }) | undefined;
  beforeAll(async () => {
    examples = await buildOverExamples(sourceName);
  });
  afterAll(() => examples?.cleanup());
  return {
    one: (query) => {
      if (!examples) throw new Error('the examples warehouse is not built yet; query it inside a test');
      return examples.one(query);
    },
  };
}

async function buildOverExamples(sourceName: string): Promise<ExampleStaging & { cleanup(): void }> {
  const source = allSourceSpecs().find((s) => s.name === sourceName);
  if (!source) throw new Error(`no source named ${sourceName}; use a name from activities/sources/registry.ts`);
  const folder = sourceName.replaceAll('_', '-');
  const ws = makeWorkspace([]);
  try {
    const config = ws.config();
    // Only staging: the examples are not a coherent business, and core models are not under test here.
    const modelsDir = path.join(ws.dir, 'models');
    fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
    for (const f of fs.readdirSync(path.join(PROJECT_ROOT, 'models', 'staging'))) fs.copyFileSync(path.join(PROJECT_ROOT, 'models', 'staging', f), path.join(modelsDir, 'staging', f));
    for (const stream of source.streams) {
      const file = path.join(PROJECT_ROOT, 'test', 'fixtures', folder, `${stream.name}.json`);
      if (!fs.existsSync(file)) continue;
      const body = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
      // A list answer holds its records at the stream's path; a node (an ad account) is the one record.
      const found = stream.recordsPath ? readPath(body, stream.recordsPath) : body;
      const records = (Array.isArray(found) ? found : [found]) as Record<string, unknown>[];
      const target = { source: source.name, stream: stream.name, connection: 'examples', environment: 'live', syncId: 'examples', syncMode: 'historical', seq: 0 };
      await landRawRows(
        config,
        target,
        records.map((r) => ({ primaryKey: String(readPath(r, stream.primaryKey) ?? ''), cursorValue: null, syncedAt: new Date('2026-01-01T00:00:00Z'), payload: r })),
      );
    }
    const { warehouse } = await buildWarehouse(config, { modelsDir });
    return {
      async one(query) {
        const { rows } = await queryWarehouse(warehouse, query);
        expect(rows).toHaveLength(1);
        return rows[0]!;
      },
      cleanup: ws.cleanup,
    };
  } catch (error) {
    ws.cleanup();
    throw error;
  }
}
