import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { CdpError } from '../errors';
import { withLake } from '../lake/lake-session';
import { lakeRelations } from '../lake/lake-tables';
import { inLakeTransaction, LAKE, openLake } from '../lake/open-lake';
import { sqlIdent, sqlString } from '../sql';

// A build publishes its models into the lake in one lake transaction, so that a reader attached to
// the lake (a machine without the warehouse file) sees the previous build's models until the
// commit, then all of the new ones: never half a build. Tables are copied, views created again
// with the SQL they were built with. What stays in the local file only: the build's copy of the
// raw tables (the lake's `raw` schema holds the landing tables themselves, which move on after the
// build's snapshot), the views over that copy, and the views over this machine's segment store.
// `lake.cdp.published_models` lists what the last build published, so the next one drops what it
// no longer builds and nothing else in the lake.

/** Schemas of a built warehouse that stay in its file. */
const LOCAL_SCHEMAS = ['raw', 'raw_latest', 'segments', 'main'];
/** The lake's list of the published models. */
export const PUBLISHED_MODELS = `${LAKE}.cdp.published_models`;

type Config = Pick<LoadedConfig, 'storage' | 'layout'>;

export interface PublishOptions {
  /** Called inside the lake transaction once every model is copied, before the commit. */
  beforeCommit?: () => Promise<void>;
  /** How long the files of replaced models stay for readers still on an older snapshot (default an hour). */
  keepReplacedMs?: number;
  /**
   * The tables (`schema.name`) a build made anew; the lake keeps its copy of the others. Every table
   * when absent. Views are created again in any case: they are only their SQL.
   */
  only?: ReadonlySet<string>;
  /** The lake snapshot the build read: later ones are kept, for the next build to read what landed after it. */
  readSnapshot?: bigint;
}

/** A reader that began on the previous build's snapshot has this long to finish before its files go. */
const KEEP_REPLACED_MS = 60 * 60 * 1000;

export interface PublishResult {
  tables: number;
  /** Of them, the tables copied into the lake this time (the others were kept). */
  copied: number;
  views: number;
  /** Models of the previous build that this one no longer has. */
  dropped: number;
  durationMs: number;
  /** Of it, the lake transaction's last attempt: what runs again when another writer commits meanwhile. */
  transactionMs: number;
}

interface BuiltModel {
  schema: string;
  name: string;
  kind: 'table' | 'view';
  /** A view's SELECT. */
  sql?: string;
}

const key = (m: { schema: string; name: string }) => `${m.schema}.${m.name}`;
const qualified = (m: { schema: string; name: string }) => `${LAKE}.${sqlIdent(m.schema)}.${sqlIdent(m.name)}`;

/** A view's SELECT from the CREATE VIEW statement DuckDB keeps for it. */
function viewSelect(schema: string, name: string, createSql: string): string {
  const ident = `(?:"(?:[^"]|"")*"|[^\\s."(]+)`;
  const match = new RegExp(`^CREATE\\s+(?:OR\\s+REPLACE\\s+)?VIEW\\s+${ident}(?:\\.${ident}){0,2}\\s+AS\\s+`, 'i').exec(createSql);
  if (!match) throw new CdpError(`view ${schema}.${name} cannot be published to the lake: its definition is not "CREATE VIEW name AS SELECT ..." (${createSql.slice(0, 80)})`);
  return createSql.slice(match[0].length).replace(/;\s*$/, '');
}

/** Whether a view's SQL names a relation of one of the given schemas or one of the given views. */
function readsAny(sql: string, schemas: string[], views: BuiltModel[]): boolean {
  const part = (s: string) => `(?:${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}|"${s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}")`;
  if (schemas.some((s) => new RegExp(`(?<![\\w."])${part(s)}\\s*\\.`, 'i').test(sql))) return true;
  return views.some((v) => new RegExp(`(?<![\\w."])${part(v.schema)}\\s*\\.\\s*${part(v.name)}(?![\\w"])`, 'i').test(sql));
}

/** Views in an order where each comes after the views it reads (DuckDB's oids say nothing of it once the file is reopened). */
function inDependencyOrder(views: BuiltModel[]): BuiltModel[] {
  const reads = new Map(views.map((v) => [v, views.filter((other) => other !== v && readsAny(v.sql!, [], [other]))]));
  const ordered: BuiltModel[] = [];
  const placed = new Set<BuiltModel>();
  while (ordered.length < views.length) {
    const next = views.filter((v) => !placed.has(v) && reads.get(v)!.every((r) => placed.has(r)));
    if (next.length === 0) throw new CdpError(`views that read one another in a circle cannot be published: ${views.filter((v) => !placed.has(v)).map(key).join(', ')}`);
    for (const v of next) {
      placed.add(v);
      ordered.push(v);
    }
  }
  return ordered;
}

/**
 * The models of the built warehouse attached as `catalog`, tables then views (each after the views
 * it reads), without the local schemas and the views that read them.
 */
export async function builtModels(db: DuckDBConnection, catalog: string): Promise<BuiltModel[]> {
  const c = sqlString(catalog);
  const local = LOCAL_SCHEMAS.map(sqlString).join(', ');
  const tables = (await db.runAndReadAll(`SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = ${c} AND schema_name NOT IN (${local}) ORDER BY ALL`))
    .getRowObjectsJS()
    .map((r): BuiltModel => ({ schema: String(r.schema_name), name: String(r.table_name), kind: 'table' }));
  const views = (
    await db.runAndReadAll(`SELECT schema_name, view_name, sql FROM duckdb_views() WHERE database_name = ${c} AND NOT internal AND schema_name NOT IN (${local}) ORDER BY ALL`)
  )
    .getRowObjectsJS()
    .map((r): BuiltModel => ({ schema: String(r.schema_name), name: String(r.view_name), kind: 'view', sql: viewSelect(String(r.schema_name), String(r.view_name), String(r.sql)) }));
  const published: BuiltModel[] = [];
  const staying: BuiltModel[] = [];
  for (const view of inDependencyOrder(views)) {
    (readsAny(view.sql!, LOCAL_SCHEMAS.filter((s) => s !== 'main'), staying) ? staying : published).push(view);
  }
  return [...tables, ...published];
}

/** The lake's tables and views, by `schema.name`. */
async function lakeRelationsByKey(db: DuckDBConnection): Promise<Map<string, 'table' | 'view'>> {
  return new Map((await lakeRelations(db)).map((r) => [`${r.schema}.${r.name}`, r.kind]));
}

/** Where a published table's data file goes: under the lake's data path, where DuckLake keeps the table's own. */
function dataFile(dataPath: string, m: BuiltModel, publishId: string): string {
  const separator = dataPath.startsWith('s3://') ? '/' : path.sep;
  return `${dataPath}${m.schema}${separator}${m.name}${separator}cdp-publish-${publishId}.parquet`;
}

/**
 * Copies the models of the built warehouse attached to `db` as `catalog` into the lake attached as
 * `lake` (data path `dataPath`), in one lake transaction: tables as data files written before it
 * and added to the lake in it, views by their SQL, the previous build's models that this one lacks
 * dropped. The files are written outside the transaction so that it stays short: a sync that
 * commits while it is open makes it run again (inLakeTransaction), and only the catalog work reruns.
 */
export async function publishAttached(
  db: DuckDBConnection,
  catalog: string,
  dataPath: string,
  opts: PublishOptions & { inSession?: <T>(work: (db: DuckDBConnection) => Promise<T>) => Promise<T> } = {},
): Promise<PublishResult> {
  const startedMs = Date.now();
  const models = await builtModels(db, catalog);
  const names = new Set(models.map(key));
  const schemas = [...new Set(models.map((m) => m.schema))];
  const built = (m: BuiltModel) => `${sqlIdent(catalog)}.${sqlIdent(m.schema)}.${sqlIdent(m.name)}`;
  const publishId = randomUUID();
  const tables = models.filter((m) => m.kind === 'table');
  const inSession = opts.inSession ?? ((work) => work(db));
  // A table the build did not make anew stays as the lake has it, unless the lake lacks it.
  const inLake = opts.only ? await inSession(lakeRelationsByKey) : new Map<string, 'table' | 'view'>();
  const replaced = (m: BuiltModel) => m.kind === 'view' || !opts.only || opts.only.has(key(m)) || inLake.get(key(m)) !== 'table';
  // Parquet keeps no 128-bit integer (DuckDB writes a DOUBLE), so a table with one is copied inside the transaction.
  const wide = new Set(
    (await db.runAndReadAll(`SELECT DISTINCT schema_name || '.' || table_name AS model FROM duckdb_columns() WHERE database_name = ${sqlString(catalog)} AND data_type LIKE '%HUGEINT%'`))
      .getRowObjectsJS()
      .map((r) => String(r.model)),
  );
  const filed = tables.filter((m) => replaced(m) && !wide.has(key(m)));
  // A model's rows have no order to keep, and writing them in any order is a quarter cheaper.
  await db.run('SET SESSION preserve_insertion_order = false');
  for (const m of filed) {
    const file = dataFile(dataPath, m, publishId);
    // Outside the lake's transaction: a file no snapshot names yet, invisible to readers.
    if (!file.startsWith('s3://')) await fs.mkdir(path.dirname(file), { recursive: true });
    await db.run(`COPY (SELECT * FROM ${built(m)}) TO ${sqlString(file)} (FORMAT parquet)`);
  }
  const files = filed.map((m) => dataFile(dataPath, m, publishId));
  let transactionStartMs = 0;
  let copied = 0;
  const dropped = await inSession((db) => inLakeTransaction(db, async () => {
    transactionStartMs = Date.now();
    await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.cdp`);
    await db.run(`CREATE TABLE IF NOT EXISTS ${PUBLISHED_MODELS} (schema_name VARCHAR NOT NULL, model_name VARCHAR NOT NULL, kind VARCHAR NOT NULL, published_at TIMESTAMPTZ NOT NULL)`);
    const previous = (await db.runAndReadAll(`SELECT schema_name, model_name FROM ${PUBLISHED_MODELS}`)).getRowObjectsJS().map((r) => ({ schema: String(r.schema_name), name: String(r.model_name) }));
    const existing = await lakeRelationsByKey(db);
    // What this build replaces, and what the previous build published that this one no longer has.
    const gone = previous.filter((p) => !names.has(key(p)));
    // A kept table that another writer dropped since it was looked for is copied after all.
    const kept = models.filter((m) => !replaced(m) && existing.get(key(m)) === 'table');
    const replacing = models.filter((m) => !kept.includes(m));
    copied = replacing.filter((m) => m.kind === 'table').length;
    for (const m of [...replacing, ...gone]) {
      const kind = existing.get(key(m));
      if (kind) await db.run(`DROP ${kind === 'table' ? 'TABLE' : 'VIEW'} ${qualified(m)}`);
    }
    for (const schema of schemas) await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.${sqlIdent(schema)}`);
    for (const m of replacing) {
      if (m.kind === 'view') {
        await db.run(`CREATE VIEW ${qualified(m)} AS ${m.sql}`);
        continue;
      }
      if (wide.has(key(m)) || !filed.includes(m)) {
        await db.run(`CREATE TABLE ${qualified(m)} AS SELECT * FROM ${built(m)}`);
        continue;
      }
      // The table's columns as built (without the file's keys: the lake has none), then its rows as the file written above.
      await db.run(`CREATE TABLE ${qualified(m)} AS SELECT * FROM ${built(m)} LIMIT 0`);
      await db.run(`CALL ducklake_add_data_files(${sqlString(LAKE)}, ${sqlString(m.name)}, ${sqlString(files[filed.indexOf(m)]!)}, schema => ${sqlString(m.schema)})`);
    }
    // A schema the previous build published and this one has no model in goes, unless something else lives there.
    const published = new Set([...models, ...gone].map(key));
    const left = [...existing.keys()].filter((k) => !published.has(k));
    for (const schema of new Set(gone.map((g) => g.schema))) {
      if (schemas.includes(schema) || left.some((k) => k.startsWith(`${schema}.`))) continue;
      await db.run(`DROP SCHEMA IF EXISTS ${LAKE}.${sqlIdent(schema)}`);
    }
    await db.run(`DELETE FROM ${PUBLISHED_MODELS}`);
    await db.run(
      `INSERT INTO ${PUBLISHED_MODELS} SELECT m.schema_name, m.model_name, m.kind, now() FROM (SELECT unnest(from_json(?::JSON, '[{"schema_name":"VARCHAR","model_name":"VARCHAR","kind":"VARCHAR"}]'), recursive := true)) AS m`,
      [JSON.stringify(models.map((m) => ({ schema_name: m.schema, model_name: m.name, kind: m.kind })))],
    );
    await opts.beforeCommit?.();
    return gone.length;
  })).catch(async (err: unknown) => {
    // Files no snapshot names; on S3 they stay until the lake's orphan clean-up.
    await Promise.all(files.filter((f) => !f.startsWith('s3://')).map((f) => fs.rm(f, { force: true })));
    throw err;
  });
  const endMs = Date.now();
  return { tables: tables.length, copied, views: models.length - tables.length, dropped, durationMs: endMs - startedMs, transactionMs: endMs - transactionStartMs };
}

/**
 * Publishes the models of a built warehouse file into the configured lake in one lake transaction
 * (see publishAttached). The file is attached read-only: build it, close it, then publish it.
 */
export async function publishModels(config: Config, builtFile: string, opts: PublishOptions = {}): Promise<PublishResult> {
  // Opening the lake once creates it (catalog, data folder, identity) when nothing has yet.
  const lake = await openLake(config.storage, config.layout);
  const db = await lake.connect();
  const catalog = 'cdp_built';
  try {
    await db.run(`ATTACH ${sqlString(builtFile)} AS ${catalog} (READ_ONLY)`);
    let result: PublishResult;
    try {
      // The tables' files are written on a connection of this publish; the catalog work takes its
      // turn with the process's other lake sessions (a worker landing syncs as well).
      result = await publishAttached(db, catalog, lake.location.dataPath, { ...opts, inSession: (work) => withLake(lake, work) });
    } finally {
      await db.run(`DETACH ${catalog}`);
    }
    await withLake(lake, (session) => deleteReplacedFiles(session, opts.keepReplacedMs ?? KEEP_REPLACED_MS, opts.readSnapshot));
    return result;
  } finally {
    db.closeSync();
  }
}

/**
 * Every build writes its tables anew, so without this the lake's data path would grow by a whole
 * warehouse a build. The snapshots before the one that was the newest `keepMs` ago are expired, and
 * then the files only they needed are deleted: a reader that began on an older snapshot had `keepMs`
 * to finish; the snapshots after the one the build read stay, for the next build to read what landed
 * since (appendRawChanges). Landed rows are never in such files, as expiring a snapshot frees only what a later one
 * replaced or deleted. Best effort: a failure (another process's maintenance at the same moment)
 * leaves the files for the next build.
 */
async function deleteReplacedFiles(db: DuckDBConnection, keepMs: number, readSnapshot?: bigint): Promise<void> {
  // The snapshots are picked here, not by ducklake_expire_snapshots' older_than: over the embedded
  // catalog it compares times as text, and every snapshot of the same day looked older.
  const before = `now() - INTERVAL ${sqlString(`${Math.max(0, Math.round(keepMs))} milliseconds`)}`;
  try {
    const row = (
      await db.runAndReadAll(
        `WITH snapshots AS (SELECT snapshot_id, snapshot_time FROM ducklake_snapshots(${sqlString(LAKE)}))
         SELECT list(snapshot_id ORDER BY snapshot_id) AS expired FROM snapshots
         WHERE snapshot_id < (SELECT max(snapshot_id) FROM snapshots WHERE snapshot_time <= ${before})${readSnapshot === undefined ? '' : ` AND snapshot_id <= ${readSnapshot}`}`,
      )
    ).getRowObjectsJS()[0];
    const expired = (row?.expired as bigint[] | null) ?? [];
    if (expired.length > 0) {
      await db.run(`CALL ducklake_expire_snapshots(${sqlString(LAKE)}, versions => [${expired.join(', ')}])`);
      await db.run(`CALL ducklake_cleanup_old_files(${sqlString(LAKE)}, cleanup_all => true)`);
    }
    // Files no snapshot ever named: a landing or a publish that died before its commit. An hour on,
    // no writer still in flight can be about to commit one.
    await db.run(`CALL ducklake_delete_orphaned_files(${sqlString(LAKE)}, older_than => ${before})`);
  } catch {
    // Left for the next build.
  }
}
