import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { attachLake, LAKE, lakeLocation, openLake } from '../lake/open-lake';
import { landedStreams, RAW_COLUMNS, RAW_SCHEMA, rawTable, rawTableName } from '../lake/raw-tables';
import { sqlIdent, sqlString } from '../sql';
import type { ModelFile } from './model-files';

// The build's raw input is a copy of the lake's raw tables, taken in one read of one lake snapshot
// at the start of the build. A copy, not views over the lake: the finished warehouse must answer
// `raw.*` in any DuckDB client, with no extension and no access to the lake's catalog or its (maybe
// s3://) data path, and keep answering after the lake compacts or expires the files of that snapshot.

/** The raw tables the models read, as `{ source, stream }`. */
function rawTablesRead(models: ModelFile[]): { source: string; stream: string }[] {
  const names = new Set(models.flatMap((m) => m.rawInputs));
  return [...names].map((n) => ({ source: n.slice(0, n.indexOf('__')), stream: n.slice(n.indexOf('__') + 2) }));
}

/** What a build took from the lake's raw tables. */
export interface RawRead {
  /** Rows copied (a full build) or appended (an incremental one). */
  rows: number;
  /** The lake snapshot read: the next incremental build reads what landed after it. */
  snapshot: bigint;
  /** The raw tables (`<source>__<stream>`) that got rows: every landed one in a full copy. */
  changed: Set<string>;
}

const latestView = (table: string) =>
  `CREATE OR REPLACE VIEW raw_latest.${table} AS SELECT * FROM raw.${table}
   QUALIFY row_number() OVER (PARTITION BY environment, connection, primary_key ORDER BY synced_at DESC, sync_id DESC, batch_seq DESC, record_index DESC) = 1`;

/**
 * Runs `work` on one snapshot of the lake attached read-only to `db` (a sync committing meanwhile is
 * in all or none of what it reads), with that snapshot's id; detaches the lake after.
 */
async function onLakeSnapshot<T>(db: DuckDBConnection, config: Pick<LoadedConfig, 'storage' | 'layout'>, work: (snapshot: bigint) => Promise<T>): Promise<T> {
  // Opening the lake once creates it (catalog, data folder, identity) when no sync has yet.
  await openLake(config.storage, config.layout);
  await attachLake(db, config.storage, lakeLocation(config.storage, config.layout), { readOnly: true });
  try {
    await db.run('BEGIN TRANSACTION');
    const result = await work(await currentSnapshot(db));
    await db.run('COMMIT');
    return result;
  } catch (err) {
    await db.run('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await db.run(`DETACH ${LAKE}`);
  }
}

/** The snapshot the open transaction on the attached lake reads. */
async function currentSnapshot(db: DuckDBConnection): Promise<bigint> {
  return BigInt((await db.runAndReadAll(`SELECT id FROM ${LAKE}.current_snapshot()`)).getRowObjectsJS()[0]!.id as bigint);
}

/**
 * Copies into `raw.<source>__<stream>` every raw table of the lake and creates an empty one for each
 * stream a model reads that has not landed yet; beside each, in `raw_latest`, a view of the newest
 * landed version of each record: at-least-once landing and re-read streams land a record many times,
 * and staging reads each once. The lake is attached read-only for the copy and detached after it.
 */
export async function copyRawTables(db: DuckDBConnection, config: Pick<LoadedConfig, 'storage' | 'layout'>, models: ModelFile[]): Promise<RawRead> {
  await db.run('CREATE SCHEMA raw');
  await db.run('CREATE SCHEMA raw_latest');
  return onLakeSnapshot(db, config, async (snapshot) => {
    const streams = await landedStreams(db);
    const landed = new Set(streams.map((t) => rawTableName(t.source, t.stream)));
    const tables = new Map([...rawTablesRead(models), ...streams].map((t) => [rawTableName(t.source, t.stream), t]));
    let rows = 0;
    for (const [name, t] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
      const table = sqlIdent(name);
      if (landed.has(name)) {
        const reader = await db.runAndReadAll(`CREATE TABLE raw.${table} AS SELECT * FROM ${rawTable(t.source, t.stream)}`);
        rows += Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
      } else {
        await db.run(`CREATE TABLE raw.${table} (${RAW_COLUMNS})`);
      }
      await db.run(latestView(table));
    }
    return { rows, snapshot, changed: landed };
  });
}

/**
 * Copies the raw tables of a previous build's warehouse attached as `catalog` into `raw.*`, each
 * with its `raw_latest` view; returns the rows copied. appendRawChanges then brings them up to date.
 */
export async function copyPreviousRawTables(db: DuckDBConnection, catalog: string): Promise<number> {
  await db.run('CREATE SCHEMA raw');
  await db.run('CREATE SCHEMA raw_latest');
  const tables = (await db.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = ${sqlString(catalog)} AND schema_name = 'raw' ORDER BY 1`))
    .getRowObjectsJS()
    .map((r) => sqlIdent(String(r.table_name)));
  let rows = 0;
  for (const table of tables) {
    const reader = await db.runAndReadAll(`CREATE TABLE raw.${table} AS SELECT * FROM ${sqlIdent(catalog)}.raw.${table}`);
    rows += Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
    await db.run(latestView(table));
  }
  return rows;
}

/**
 * The rows each raw table of the lake attached to `db` got after snapshot `since` up to the snapshot
 * the open transaction reads, by table (`<source>__<stream>`, only those that got any), with that
 * snapshot. Undefined when an append cannot bring a copy taken at `since` up to date: the lake no
 * longer holds the snapshot after it (expired), or rows were deleted from a raw table since (raw
 * tables are append-only; a rewrite of their files would have to be told apart from new rows here).
 */
export async function rawChangesSince(db: DuckDBConnection, since: bigint): Promise<{ snapshot: bigint; changed: Map<string, number> } | undefined> {
  const snapshot = await currentSnapshot(db);
  if (snapshot === since) return { snapshot, changed: new Map() };
  const next = (await db.runAndReadAll(`SELECT count(*) AS n FROM ${LAKE}.snapshots() WHERE snapshot_id = ${since + 1n}`)).getRowObjectsJS()[0]!;
  if (snapshot < since || Number(next.n) === 0) return undefined;
  const streams = await landedStreams(db);
  if (streams.length === 0) return { snapshot, changed: new Map() };
  const range = (name: string) => `${sqlString(LAKE)}, ${sqlString(RAW_SCHEMA)}, ${sqlString(name)}, ${since + 1n}, ${snapshot}`;
  const counts = streams.map((t) => {
    const name = rawTableName(t.source, t.stream);
    return `SELECT ${sqlString(name)} AS name,
      (SELECT count(*) FROM ducklake_table_insertions(${range(name)})) AS inserted,
      (SELECT count(*) FROM ducklake_table_deletions(${range(name)})) AS deleted`;
  });
  const rows = (await db.runAndReadAll(counts.join(' UNION ALL '))).getRowObjectsJS();
  if (rows.some((r) => Number(r.deleted) > 0)) return undefined;
  return { snapshot, changed: new Map(rows.filter((r) => Number(r.inserted) > 0).map((r) => [String(r.name), Number(r.inserted)])) };
}

/**
 * Brings the raw copy of a warehouse built from lake snapshot `since` up to the lake's current
 * snapshot: appends to each `raw.<source>__<stream>` the rows its lake table got after `since`, and
 * creates the tables (and their `raw_latest` views) of streams that landed since. Undefined when the
 * lake cannot say what landed since (see rawChangesSince): the build then copies everything.
 */
export async function appendRawChanges(db: DuckDBConnection, config: Pick<LoadedConfig, 'storage' | 'layout'>, since: bigint): Promise<RawRead | undefined> {
  return onLakeSnapshot(db, config, async () => {
    const changes = await rawChangesSince(db, since);
    if (!changes) return undefined;
    const present = new Set(
      (await db.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE database_name = current_database() AND schema_name = 'raw'")).getRowObjectsJS().map((r) => String(r.table_name)),
    );
    let rows = 0;
    for (const name of [...changes.changed.keys()].sort()) {
      const table = sqlIdent(name);
      if (!present.has(name)) {
        await db.run(`CREATE TABLE raw.${table} (${RAW_COLUMNS})`);
        await db.run(latestView(table));
      }
      const inserted = `ducklake_table_insertions(${sqlString(LAKE)}, ${sqlString(RAW_SCHEMA)}, ${sqlString(name)}, ${since + 1n}, ${changes.snapshot})`;
      const reader = await db.runAndReadAll(`INSERT INTO raw.${table} BY NAME SELECT * FROM ${inserted}`);
      rows += Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
    }
    return { rows, snapshot: changes.snapshot, changed: new Set(changes.changed.keys()) };
  });
}
