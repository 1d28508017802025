import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { CdpError, ModelTestFailedError } from '../errors';
import { commitFile } from '../fs-atomic';
import { sqlIdent, sqlString } from '../sql';
import { landedStreams, rawTableName, streamDir } from '../raw-layout';
import { createSegmentViews } from '../segments/segment-store';
import { createConfigTables } from './config-tables';
import { computedModels } from './computed-models';
import { buildSettings, memoryLimitBytes } from './duckdb-settings';
import { LAYERS, orderModels, readModels, type ModelBatch, type ModelFile } from './model-files';

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
  /** Called as each model starts (the build activity heartbeats with it). */
  onProgress?: (model: string) => void;
  /** Called as each model and its tests finish. */
  onModelBuilt?: (timing: ModelTiming) => void;
}

export interface BuildResult {
  warehouse: string;
  models: ModelCount[];
  durationMs: number;
}

const EMPTY_RAW = `SELECT NULL::VARCHAR AS source, NULL::VARCHAR AS stream, NULL::VARCHAR AS connection, NULL::VARCHAR AS environment,
  NULL::VARCHAR AS primary_key, NULL::VARCHAR AS cursor_value, NULL::TIMESTAMPTZ AS synced_at, NULL::VARCHAR AS sync_id,
  NULL::VARCHAR AS sync_mode, NULL::INTEGER AS record_index, NULL::JSON AS payload WHERE false`;

async function hasParquet(dir: string): Promise<boolean> {
  const entries = await fs.readdir(dir, { recursive: true }).catch(() => [] as string[]);
  return entries.some((e) => e.endsWith('.parquet'));
}

/** The raw tables the models read (`raw.<source>__<stream>` or `raw_latest.…`), as `{ source, stream }`. */
function rawTablesRead(models: ModelFile[]): { source: string; stream: string }[] {
  const names = new Set<string>();
  for (const m of models) for (const match of (m.sql ?? '').matchAll(/\braw(?:_latest)?\.([a-z0-9]+(?:_[a-z0-9]+)*)__([a-z0-9_]+)/g)) names.add(`${match[1]}__${match[2]}`);
  return [...names].map((n) => ({ source: n.slice(0, n.indexOf('__')), stream: n.slice(n.indexOf('__') + 2) }));
}

/**
 * One view per stream that has landed or that a model reads, over its Parquet files (an empty typed
 * view where nothing has landed yet), and beside it in `raw_latest` the newest landed version of each
 * record: at-least-once landing and re-read streams land a record many times, and staging reads each once.
 */
async function createRawViews(db: DuckDBConnection, rawDir: string, models: ModelFile[]): Promise<void> {
  await db.run('CREATE SCHEMA raw');
  await db.run('CREATE SCHEMA raw_latest');
  const tables = new Map([...rawTablesRead(models), ...(await landedStreams(rawDir))].map((t) => [rawTableName(t.source, t.stream), t]));
  for (const [name, t] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
    const dir = streamDir(rawDir, t.source, t.stream);
    const glob = path.join(dir, 'connection=*', 'sync_id=*', '*.parquet');
    const body = (await hasParquet(dir)) ? `SELECT * FROM read_parquet(${sqlString(glob)}, hive_partitioning = false, union_by_name = true)` : EMPTY_RAW;
    const view = sqlIdent(name);
    await db.run(`CREATE VIEW raw.${view} AS ${body}`);
    await db.run(
      `CREATE VIEW raw_latest.${view} AS SELECT * FROM raw.${view}
       QUALIFY row_number() OVER (PARTITION BY environment, connection, primary_key ORDER BY synced_at DESC, sync_id DESC, record_index DESC) = 1`,
    );
  }
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
 * Builds every model into a new DuckDB file and swaps it in atomically, so readers see either the
 * previous warehouse or the complete new one. A failing model or model test leaves the old file in place.
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
      await createRawViews(db, config.layout.raw, models);
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
  await commitFile(building, target);
  return { warehouse: target, models: counts, durationMs: Date.now() - startedMs };
}
