import type { DuckDBConnection } from '@duckdb/node-api';
import { lakeTableExists } from '../lake/lake-tables';
import { inLakeTransaction, LAKE } from '../lake/open-lake';
import { sqlString } from '../sql';

// Segment membership outlives warehouse rebuilds: it lives in the lake, in the schema
// `lake.segments_store`, so every machine that reaches the lake sees the same members. Rows hang on
// the segment's id (`segment_id`); `segment` is its name, for people reading the tables.
//
// The membership history is append-only: each materialization that changed anything appends that
// run's entries (a row with no `exited_at`) and exits (the entry's row again, closed). A person's
// stay is its entry row, or its exit row once there is one. Each segment's current members (its open
// stays) are also kept in `segment_members`, replaced only when they change, so a run compares with
// them and a member list reads them without the history. A members row also holds the person's
// `member_key` (see member-keys.ts), and `member_builds` says which build of the warehouse each
// segment's members were last computed from (see member-builds.ts). A materialization writes all of
// these in one lake transaction: a reader sees the run whole or not at all.

export const STORE_SCHEMA = `${LAKE}.segments_store`;

/** The store's tables in the lake. */
export const STORE = {
  history: `${STORE_SCHEMA}.membership_history`,
  members: `${STORE_SCHEMA}.segment_members`,
  keys: `${STORE_SCHEMA}.member_keys`,
  runs: `${STORE_SCHEMA}.materializations`,
  builds: `${STORE_SCHEMA}.member_builds`,
} as const;

export const HISTORY_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, customer_id VARCHAR, entered_at TIMESTAMPTZ, exited_at TIMESTAMPTZ, from_backfill BOOLEAN, initial BOOLEAN`;
export const RUNS_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, materialized_at TIMESTAMPTZ, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT`;
/** The columns of a members row: a history row (an open stay) and the person's member key. */
export const MEMBER_COLUMNS = `${HISTORY_COLUMNS}, member_key INTEGER`;
export const KEY_COLUMNS = 'customer_id VARCHAR, member_key INTEGER';
export const BUILD_COLUMNS = 'segment_id VARCHAR, built_at VARCHAR';

/** The names of a column list such as HISTORY_COLUMNS, comma-separated. */
export const columnNames = (columns: string) =>
  columns
    .split(',')
    .map((c) => c.trim().split(/\s+/)[0]!)
    .join(', ');

/** `SELECT` of no rows with the given columns, e.g. `NULL::VARCHAR AS segment, ...`. */
export function emptySelect(columns: string): string {
  const list = columns.split(',').map((c) => {
    const [name, type] = c.trim().split(/\s+/);
    return `NULL::${type} AS ${name}`;
  });
  return `SELECT ${list.join(', ')} WHERE false`;
}

/** Stays from history rows: each entry row, or its exit row once the person has left. */
export function staysOf(rows: string): string {
  return `(WITH h AS (SELECT * FROM ${rows})
    SELECT * FROM h WHERE exited_at IS NOT NULL
    UNION ALL
    SELECT * FROM h AS o WHERE exited_at IS NULL AND NOT EXISTS (
      SELECT 1 FROM h AS x WHERE x.exited_at IS NOT NULL AND x.segment_id = o.segment_id AND x.customer_id = o.customer_id AND x.entered_at = o.entered_at))`;
}

/** The stored history as a relation of stays, one row per entry. */
export const historySource = (): string => staysOf(STORE.history);

/** The run log. */
export const runsSource = (): string => `(SELECT * FROM ${STORE.runs})`;

/** The current members of a segment (its open stays, with their member keys). Segment ids are checked names (SEGMENT_ID). */
export const currentMembersSource = (segmentId: string): string => `(SELECT * FROM ${STORE.members} WHERE segment_id = ${sqlString(segmentId)})`;

/** Whether the store's run log can be read: its tables are there (made together, in one transaction). Not for use inside a transaction, which a failed read would abort. */
export async function storeReadable(db: DuckDBConnection): Promise<boolean> {
  try {
    await db.run(`SELECT 1 FROM ${STORE.runs} LIMIT 0`);
    return true;
  } catch {
    return false;
  }
}

/** Whether the store's tables are in the lake, from the catalog's list of tables (safe inside a transaction). */
export function storeExists(db: DuckDBConnection): Promise<boolean> {
  return lakeTableExists(db, 'segments_store', 'materializations');
}

/**
 * Creates the store's schema, its files written with zstd at its fastest level: half the size of
 * DuckLake's default (snappy) on text ids, as the Parquet store had. A schema's settings cannot be
 * set in the transaction that creates it, so the schema commits first, then its settings.
 */
export async function createStoreSchema(db: DuckDBConnection): Promise<void> {
  await inLakeTransaction(db, () => db.run(`CREATE SCHEMA IF NOT EXISTS ${STORE_SCHEMA}`));
  await inLakeTransaction(db, async () => {
    await db.run(`CALL ${LAKE}.set_option('parquet_compression', 'zstd', schema => 'segments_store')`);
    await db.run(`CALL ${LAKE}.set_option('parquet_compression_level', '1', schema => 'segments_store')`);
  });
}

/**
 * Creates the store's tables in the lake (in the caller's transaction). History and members are
 * partitioned by segment, so a segment's rows are files of their own: reading or replacing one
 * segment's members touches only its files.
 */
export async function createStoreTables(db: DuckDBConnection): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${STORE_SCHEMA}`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${STORE.history} (${HISTORY_COLUMNS})`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${STORE.members} (${MEMBER_COLUMNS})`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${STORE.keys} (${KEY_COLUMNS})`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${STORE.builds} (${BUILD_COLUMNS})`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${STORE.runs} (${RUNS_COLUMNS})`);
  for (const table of [STORE.history, STORE.members]) await db.run(`ALTER TABLE ${table} SET PARTITIONED BY (segment_id)`);
}

/** The number of rows of a relation. */
export async function countRows(db: DuckDBConnection, relation: string): Promise<number> {
  return Number((await db.runAndReadAll(`SELECT count(*) AS n FROM ${relation}`)).getRowObjectsJS()[0]!.n);
}

// The build makes the warehouse's `segments` views with this (they read the store's warehouse copy).
export { createSegmentViews } from './warehouse-copy';
