import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { CdpError, ModelTestFailedError } from '../errors';
import { commitFile } from '../fs-atomic';
import { sqlIdent } from '../sql';
import { createSegmentViews } from '../segments/segment-store';
import { createConfigTables } from './config-tables';
import { computedModels } from './computed-models';
import { buildSettings, memoryLimitBytes } from './duckdb-settings';
import { LAYERS, orderModels, readModels, type ModelBatch, type ModelFile } from './model-files';
import { publishModels, type PublishResult } from './publish-models';
import { copyRawTables } from './raw-snapshot';

export interface ModelCount {
  model: string;
  rows: number;
}

/** How long one model took to build and to test, for profiling a build. */
export interface ModelTiming {
  model: string;
  buildMs: number;
  testMs: number;
  /** Rows of a table; null for a view. */
  rows: number | null;
}

export interface BuildOptions {
  modelsDir: string;
  /** Called as each model starts, first with `raw.*` and last with `lake.*`, the publishing (the build activity heartbeats with it). */
  onProgress?: (model: string) => void;
  /** Called as each model and its tests finish, first as the lake's raw tables are copied (`raw.*`), last as the models are published into the lake (`lake.*`). */
  onModelBuilt?: (timing: ModelTiming) => void;
  /** Called inside the lake transaction that publishes the models, once they are copied, before it commits. */
  beforePublishCommit?: () => Promise<void>;
}

export interface BuildResult {
  warehouse: string;
  models: ModelCount[];
  durationMs: number;
  /** Publishing the models into the lake, part of durationMs. */
  published: PublishResult;
}

async function runModelTests(db: DuckDBConnection, model: ModelFile): Promise<void> {
  const table = `${model.layer}.${sqlIdent(model.name)}`;
  for (const columns of model.unique) {
    const cols = columns.split(',').map((c) => sqlIdent(c.trim())).join(', ');
    const reader = await db.runAndReadAll(`SELECT count(*) AS n FROM (SELECT ${cols} FROM ${table} GROUP BY ALL HAVING count(*) > 1)`);
    const n = Number(reader.getRowObjectsJS()[0]!.n);
    if (n > 0) throw new ModelTestFailedError(`${model.file}: ${n} duplicate value(s) of (${columns}) in ${model.layer}.${model.name}`);
  }
  if (model.notNull.length === 0) return;
  // One scan counts the NULLs of every column: a view is computed once for all of them.
  const counts = model.notNull.map((column, i) => `count(*) FILTER (WHERE ${sqlIdent(column)} IS NULL) AS n${i}`).join(', ');
  const row = (await db.runAndReadAll(`SELECT ${counts} FROM ${table}`)).getRowObjectsJS()[0]!;
  model.notNull.forEach((column, i) => {
    const n = Number(row[`n${i}`]);
    if (n > 0) throw new ModelTestFailedError(`${model.file}: ${n} NULL value(s) in ${model.layer}.${model.name}.${column}`);
  });
}

/** Where a batched model's input is narrowed to one batch while the model runs over it. */
const BATCH_SCHEMA = 'build_batch';

/**
 * Creates a model's table or view. A model with a `-- batched by:` line whose input holds more rows than
 * the memory limit over the bytes it gives a row is run over one range of the input's key at a time,
 * each range appended to the table: the model reads the input through a view of that range.
 */
async function createModel(db: DuckDBConnection, model: ModelFile, memoryLimit: number): Promise<void> {
  const target = `${model.layer}.${sqlIdent(model.name)}`;
  const ranges = model.batch ? await batchRanges(db, model.batch, memoryLimit) : [];
  if (ranges.length <= 1) {
    await db.run(`CREATE ${model.materialized === 'view' ? 'VIEW' : 'TABLE'} ${target} AS ${model.sql}`);
    return;
  }
  const input = model.batch!.input;
  const view = `${BATCH_SCHEMA}.${sqlIdent(input.split('.')[1]!)}`;
  const sql = model.sql.replace(new RegExp(`\\b${input.replace('.', '\\.')}\\b`, 'g'), view);
  await db.run(`CREATE SCHEMA ${BATCH_SCHEMA}`);
  try {
    for (const [i, where] of ranges.entries()) {
      await db.run(`CREATE OR REPLACE VIEW ${view} AS SELECT * FROM ${input} WHERE ${where}`);
      await db.run(i === 0 ? `CREATE TABLE ${target} AS ${sql}` : `INSERT INTO ${target} ${sql}`);
    }
  } finally {
    await db.run(`DROP SCHEMA ${BATCH_SCHEMA} CASCADE`);
  }
}

/**
 * The filters that split a batched model's input into ranges of its integer key of equal width, as many
 * as its rows need at the model's bytes a row under the memory limit (rows without a key in the first).
 */
async function batchRanges(db: DuckDBConnection, batch: ModelBatch, memoryLimit: number): Promise<string[]> {
  const column = sqlIdent(batch.column);
  let stats: { n: bigint; lo: bigint | null; hi: bigint | null };
  try {
    const reader = await db.runAndReadAll(`SELECT count(*) AS n, min(${column})::BIGINT AS lo, max(${column})::BIGINT AS hi FROM ${batch.input}`);
    stats = reader.getRowObjects()[0] as typeof stats;
  } catch (err) {
    throw new Error(`"-- batched by:" needs an integer key, and ${batch.input}.${batch.column} is not one (${(err as Error).message})`);
  }
  const perBatch = BigInt(Math.max(1, Math.floor(memoryLimit / batch.bytesPerRow)));
  const count = (stats.n + perBatch - 1n) / perBatch;
  if (count <= 1n || stats.lo === null || stats.hi === null) return [];
  const width = stats.hi - stats.lo + 1n;
  const bound = (i: bigint) => stats.lo! + (width * i) / count;
  const ranges: string[] = [];
  for (let i = 0n; i < count; i++) {
    const range = `${column} >= ${bound(i)} AND ${column} < ${bound(i + 1n)}`;
    ranges.push(i === 0n ? `(${range} OR ${column} IS NULL)` : range);
  }
  return ranges;
}

/**
 * Builds every model into a new DuckDB file, publishes its models into the lake in one lake
 * transaction, then swaps the file in atomically: readers of the file and readers of the lake see
 * either the previous models or the complete new ones. A failing model or model test leaves the
 * previous file and the previous published models in place.
 */
export async function buildWarehouse(config: LoadedConfig, opts: BuildOptions): Promise<BuildResult> {
  const startedMs = Date.now();
  const target = config.layout.warehouse;
  await fs.mkdir(path.dirname(target), { recursive: true });
  const building = `${target}.building-${process.pid}`;
  await fs.rm(building, { force: true });
  await fs.rm(`${building}.wal`, { force: true });

  // A computed model joins when its file is there (a models folder may hold only some layers).
  const models = orderModels(readModels(opts.modelsDir, computedModels()));
  const settings = buildSettings(config);
  // DuckDB creates only the last folder of its temp path when it first spills.
  await fs.mkdir(settings.temp_directory!, { recursive: true });
  const instance = await DuckDBInstance.create(building, settings);
  const counts: ModelCount[] = [];
  try {
    const db = await instance.connect();
    try {
      // Session setting: models compute in UTC whatever the machine's zone.
      await db.run("SET TimeZone = 'UTC'");
      // The raw copy is reported as one step, `raw.*`, before the models.
      opts.onProgress?.('raw.*');
      const rawStart = performance.now();
      const rawRows = await copyRawTables(db, config, models);
      opts.onModelBuilt?.({ model: 'raw.*', buildMs: performance.now() - rawStart, testMs: 0, rows: rawRows });
      await createConfigTables(db, config);
      for (const layer of LAYERS) await db.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
      for (const model of models) {
        opts.onProgress?.(`${model.layer}.${model.name}`);
        const kind = model.materialized === 'view' ? 'VIEW' : 'TABLE';
        const modelStart = performance.now();
        try {
          if (model.compute) await model.compute(db);
          else await createModel(db, model, memoryLimitBytes(config.warehouse.memory_limit));
        } catch (err) {
          throw new CdpError(`${model.file}${model.computedIn ? ` (computed in ${model.computedIn})` : ''}: ${(err as Error).message}`);
        }
        const testStart = performance.now();
        await runModelTests(db, model);
        let rows: number | null = null;
        if (kind === 'TABLE') {
          const reader = await db.runAndReadAll(`SELECT count(*) AS n FROM ${model.layer}.${sqlIdent(model.name)}`);
          rows = Number(reader.getRowObjectsJS()[0]!.n);
          counts.push({ model: `${model.layer}.${model.name}`, rows });
        }
        opts.onModelBuilt?.({ model: `${model.layer}.${model.name}`, buildMs: testStart - modelStart, testMs: performance.now() - testStart, rows });
      }
      await createSegmentViews(db, config.layout);
      await db.run('CHECKPOINT');
    } finally {
      db.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    await fs.rm(building, { force: true });
    await fs.rm(`${building}.wal`, { force: true });
    throw err;
  }
  instance.closeSync();
  let published: PublishResult;
  try {
    // The lake first: a build whose models the lake refuses leaves the previous ones everywhere.
    // Reported as one step, `lake.*`, after the models.
    opts.onProgress?.('lake.*');
    const publishStart = performance.now();
    published = await publishModels(config, building, { beforeCommit: opts.beforePublishCommit });
    opts.onModelBuilt?.({ model: 'lake.*', buildMs: performance.now() - publishStart, testMs: 0, rows: null });
  } catch (err) {
    await fs.rm(building, { force: true });
    throw err;
  }
  await commitFile(building, target);
  return { warehouse: target, models: counts, durationMs: Date.now() - startedMs, published };
}
