import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { CdpError, ModelTestFailedError } from '../errors';
import { commitFile } from '../fs-atomic';
import { sqlIdent, sqlString } from '../sql';
import { createSegmentViews } from '../segments/segment-store';
import { openLake } from '../lake/open-lake';
import { readBuildInputs, writeBuildInputs, inputsFingerprint, type BuildInputs } from './build-inputs';
import { configRows, createConfigTables, CONFIG_TABLES } from './config-tables';
import { computedModels } from './computed-models';
import { buildSettings, memoryLimitBytes } from './duckdb-settings';
import { LAYERS, orderModels, readModels, type ModelBatch, type ModelFile } from './model-files';
import { publishModels, type PublishResult } from './publish-models';
import { appendRawChanges, copyPreviousRawTables, copyRawTables, rawChangesSince, type RawRead } from './raw-snapshot';

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
  /** Copy every raw table and make every model, whatever the previous build read (`cdp build --full`). */
  full?: boolean;
  /** The time models compute as of (`config.settings.built_at`); now when absent. */
  builtAt?: Date;
}

export interface BuildResult {
  warehouse: string;
  /** Full: every model from a full copy of the raw tables; incremental: what changed; unchanged: nothing landed, nothing done. */
  mode: BuildMode;
  /** Why the build was full or unchanged, or what made it incremental. */
  reason: string;
  /** Every table model's rows. */
  models: ModelCount[];
  /** The models (`layer.name`) made this time: every one in a full build. */
  rebuilt: string[];
  /** Rows read from the lake's raw tables: all of them in a full build, those landed since in an incremental one. */
  rawRows: number;
  durationMs: number;
  /** Publishing the models into the lake, part of durationMs; none when unchanged. */
  published?: PublishResult;
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

/** Where an incremental build reads the previous warehouse. */
const PREVIOUS = 'previous_build';

/** The lake expired the snapshots an incremental build was to read: it builds in full instead. */
class SnapshotsExpired extends Error {}

/** How a build went about it. */
export type BuildMode = 'full' | 'incremental' | 'unchanged';

/** What a build is to do, decided from what the previous one was built from. */
type BuildPlan = { mode: 'full'; reason: string } | { mode: 'incremental' | 'unchanged'; reason: string; previous: BuildInputs };

/**
 * Whether the warehouse can be brought up to date from what its previous build read: the same lake,
 * models and settings, and the snapshots since still in the lake. Unchanged when nothing landed
 * since and the models that compute as of the build's time are younger than the settings allow.
 */
async function planBuild(config: LoadedConfig, fingerprint: string, builtAt: Date, full: boolean): Promise<BuildPlan> {
  if (full) return { mode: 'full', reason: 'a full build was asked for' };
  const previous = await readBuildInputs(config.layout.warehouse);
  if (!previous) return { mode: 'full', reason: 'no previous build says what it read' };
  if (previous.fingerprint !== fingerprint) return { mode: 'full', reason: 'the models, the settings or cdp changed since the previous build' };
  const lake = await openLake(config.storage, config.layout);
  if (lake.id !== previous.lakeId) return { mode: 'full', reason: 'the previous build read another lake' };
  const db = await lake.connect();
  let changes: Awaited<ReturnType<typeof rawChangesSince>>;
  try {
    await db.run('BEGIN TRANSACTION');
    changes = await rawChangesSince(db, previous.snapshot);
    await db.run('COMMIT');
  } finally {
    db.closeSync();
  }
  if (!changes) return { mode: 'full', reason: `the lake no longer says what landed after snapshot ${previous.snapshot}` };
  const ageMs = builtAt.getTime() - previous.builtAt.getTime();
  const maxAgeMs = config.warehouse.as_of_max_age_minutes * 60_000;
  if (changes.changed.size > 0) return { mode: 'incremental', reason: `${changes.changed.size} raw table(s) got rows`, previous };
  if (ageMs >= maxAgeMs) return { mode: 'incremental', reason: 'nothing landed, but the models computed as of the build are older than warehouse.as_of_max_age_minutes', previous };
  return { mode: 'unchanged', reason: `nothing landed since the build of ${previous.builtAt.toISOString()}`, previous };
}

/**
 * A digest of a table's rows in any order: its row count and the sum of every row's hash. Equal
 * digests before and after a model is made again say its rows are the same (a 64-bit hash per row).
 */
async function contentDigest(db: DuckDBConnection, model: ModelFile, catalog?: string): Promise<string> {
  const table = `${catalog ? `${catalog}.` : ''}${model.layer}.${sqlIdent(model.name)}`;
  const row = (await db.runAndReadAll(`SELECT count(*)::VARCHAR || ':' || coalesce(sum(hash(t)), 0)::VARCHAR AS digest FROM ${table} AS t`)).getRowObjectsJS()[0]!;
  return String(row.digest);
}

/**
 * Builds the warehouse into a new DuckDB file, publishes its models into the lake in one lake
 * transaction, then swaps the file in atomically: readers of the file and readers of the lake see
 * either the previous models or the complete new ones. A failing model or model test leaves the
 * previous file and the previous published models in place.
 *
 * A build is incremental when it can be: the previous warehouse's tables are copied into the new
 * file, the rows the lake's raw tables got since the snapshot it read are appended to its raw copy,
 * and only the models that read
 * what changed (and those computing as of the build's time) are made again, and published; a model
 * made again with the same rows stops the change there. When
 * nothing landed it changes nothing. A full build copies every raw table and makes every model: the
 * first build, after the models or settings change, when asked (`full`), or when the lake cannot say
 * what landed since.
 */
export async function buildWarehouse(config: LoadedConfig, opts: BuildOptions): Promise<BuildResult> {
  const startedMs = Date.now();
  const target = config.layout.warehouse;
  // A computed model joins when its file is there (a models folder may hold only some layers).
  const models = orderModels(readModels(opts.modelsDir, computedModels()));
  const rows = configRows(config);
  const fingerprint = inputsFingerprint(models, rows);
  const builtAt = opts.builtAt ?? new Date();
  const plan = await planBuild(config, fingerprint, builtAt, opts.full ?? false);
  if (plan.mode === 'unchanged') {
    const counts = await tableCounts(target, models);
    return { warehouse: target, mode: 'unchanged', reason: plan.reason, models: counts, rebuilt: [], rawRows: 0, durationMs: Date.now() - startedMs };
  }
  await fs.mkdir(path.dirname(target), { recursive: true });
  const building = `${target}.building-${process.pid}`;
  await fs.rm(building, { force: true });
  await fs.rm(`${building}.wal`, { force: true });
  const discard = async () => {
    await fs.rm(building, { force: true });
    await fs.rm(`${building}.wal`, { force: true });
  };

  const settings = buildSettings(config);
  // DuckDB creates only the last folder of its temp path when it first spills.
  await fs.mkdir(settings.temp_directory!, { recursive: true });
  const instance = await DuckDBInstance.create(building, settings);
  const counts: ModelCount[] = [];
  const mode = plan.mode;
  const reason = plan.reason;
  let raw: RawRead | undefined;
  let rebuilt: Set<string>;
  try {
    const db = await instance.connect();
    try {
      // Session setting: models compute in UTC whatever the machine's zone.
      await db.run("SET TimeZone = 'UTC'");
      // The raw copy is reported as one step, `raw.*`, before the models.
      opts.onProgress?.('raw.*');
      const rawStart = performance.now();
      if (plan.mode === 'incremental') {
        // A new file, with what the previous build made copied from it: the file keeps to the size of
        // its rows, where dropping tables in a copy of the previous file left it growing.
        await db.run(`ATTACH ${sqlString(target)} AS ${PREVIOUS} (READ_ONLY)`);
        await copyPreviousRawTables(db, PREVIOUS);
        raw = await appendRawChanges(db, config, plan.previous.snapshot);
        // The snapshots after the previous build's went between the plan and now.
        if (!raw) throw new SnapshotsExpired();
      } else {
        raw = await copyRawTables(db, config, models);
      }
      opts.onModelBuilt?.({ model: 'raw.*', buildMs: performance.now() - rawStart, testMs: 0, rows: raw.rows });
      await createConfigTables(db, rows, builtAt);
      for (const layer of LAYERS) await db.run(`CREATE SCHEMA IF NOT EXISTS ${layer}`);
      // An incremental build makes again a model that reads a raw table that got rows, computes as of
      // the build's time, or reads a model whose rows changed; a table made again with the same rows as
      // before (its digest) changes nothing for the models that read it.
      rebuilt = new Set<string>();
      const changed = new Set<string>();
      const read = new Set(models.flatMap((m) => m.dependsOn));
      const readsChange = (m: ModelFile) => m.readsBuildTime || m.rawInputs.some((t) => raw!.changed.has(t)) || m.dependsOn.some((d) => changed.has(d));
      for (const model of models) {
        const name = `${model.layer}.${model.name}`;
        const kind = model.materialized === 'view' ? 'VIEW' : 'TABLE';
        if (mode === 'full' || readsChange(model)) {
          opts.onProgress?.(name);
          const modelStart = performance.now();
          const before = mode === 'incremental' && kind === 'TABLE' && read.has(name) ? await contentDigest(db, model, PREVIOUS) : undefined;
          try {
            if (model.compute) await model.compute(db);
            else await createModel(db, model, memoryLimitBytes(config.warehouse.memory_limit));
          } catch (err) {
            throw new CdpError(`${model.file}${model.computedIn ? ` (computed in ${model.computedIn})` : ''}: ${(err as Error).message}`);
          }
          const testStart = performance.now();
          await runModelTests(db, model);
          rebuilt.add(name);
          if (before === undefined || (await contentDigest(db, model)) !== before) changed.add(name);
          const rowCount = kind === 'TABLE' ? await countRows(db, model) : null;
          opts.onModelBuilt?.({ model: name, buildMs: testStart - modelStart, testMs: performance.now() - testStart, rows: rowCount });
          if (rowCount !== null) counts.push({ model: name, rows: rowCount });
        } else if (kind === 'TABLE') {
          // Its rows as the previous build made them.
          await db.run(`CREATE TABLE ${model.layer}.${sqlIdent(model.name)} AS SELECT * FROM ${PREVIOUS}.${model.layer}.${sqlIdent(model.name)}`);
          counts.push({ model: name, rows: await countRows(db, model) });
        } else {
          await createModel(db, model, memoryLimitBytes(config.warehouse.memory_limit));
        }
      }
      if (mode === 'incremental') await db.run(`DETACH ${PREVIOUS}`);
      await createSegmentViews(db, config.layout);
      await writeBuildInputs(db, { lakeId: (await openLake(config.storage, config.layout)).id, snapshot: raw.snapshot, fingerprint, builtAt });
      await db.run('CHECKPOINT');
    } finally {
      db.closeSync();
    }
  } catch (err) {
    instance.closeSync();
    await discard();
    if (err instanceof SnapshotsExpired) return buildWarehouse(config, { ...opts, full: true, builtAt });
    throw err;
  }
  instance.closeSync();
  let published: PublishResult;
  try {
    // The lake first: a build whose models the lake refuses leaves the previous ones everywhere.
    // Reported as one step, `lake.*`, after the models. The config tables are made anew every build.
    opts.onProgress?.('lake.*');
    const publishStart = performance.now();
    const only = mode === 'incremental' ? new Set([...rebuilt, ...CONFIG_TABLES]) : undefined;
    published = await publishModels(config, building, { beforeCommit: opts.beforePublishCommit, only, readSnapshot: raw.snapshot });
    opts.onModelBuilt?.({ model: 'lake.*', buildMs: performance.now() - publishStart, testMs: 0, rows: null });
  } catch (err) {
    await discard();
    throw err;
  }
  await commitFile(building, target);
  return { warehouse: target, mode, reason, models: counts, rebuilt: [...rebuilt], rawRows: raw.rows, durationMs: Date.now() - startedMs, published };
}

/** Every table model's rows in a built warehouse file, in build order. */
async function tableCounts(warehouse: string, models: readonly ModelFile[]): Promise<ModelCount[]> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  try {
    const db = await instance.connect();
    try {
      const counts: ModelCount[] = [];
      for (const m of models) if (m.materialized === 'table') counts.push({ model: `${m.layer}.${m.name}`, rows: await countRows(db, m) });
      return counts;
    } finally {
      db.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

async function countRows(db: DuckDBConnection, model: ModelFile): Promise<number> {
  const reader = await db.runAndReadAll(`SELECT count(*) AS n FROM ${model.layer}.${sqlIdent(model.name)}`);
  return Number(reader.getRowObjectsJS()[0]!.n);
}
