import { type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { commitFile } from '../fs-atomic';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';

// Segment membership outlives warehouse rebuilds: it lives in Parquet files under data/segments/,
// which the warehouse reads through views. Rows hang on the segment's id (`segment_id`); `segment`
// is its name, for people reading the tables.
//
// The membership history is append-only: `membership_history.parquet` (the base: the first
// materialization's entries, or a history written before this layout) and one
// `membership_history-<time>.parquet` per later materialization that changed anything, holding
// that run's entries (a row with no `exited_at`) and exits (the entry's row again, closed). A
// person's stay is its entry row, or its exit row once there is one. Each segment's current
// members (its open stays) are also kept in `segment_members/<id>.parquet`, rewritten only when
// they change, so a run compares with them and a member list reads them without the history. A
// members file also holds each member's `member_key`, from `customer_keys*.parquet` (see
// member-keys.ts), and the run log says which build of the warehouse each members file was last
// computed from (see member-builds.ts).

export const HISTORY_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, customer_id VARCHAR, entered_at TIMESTAMPTZ, exited_at TIMESTAMPTZ, from_backfill BOOLEAN, initial BOOLEAN`;
export const RUNS_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, materialized_at TIMESTAMPTZ, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT`;

export interface SegmentStore {
  /** The base history file. */
  history: string;
  /** Every history file: the base and the changes since, as a glob. */
  historyGlob: string;
  /** The folder of each segment's current members. */
  members: string;
  runs: string;
  /** The base file of the people's member keys (see member-keys.ts). */
  keys: string;
}

export const segmentStore = (layout: DataLayout): SegmentStore => ({
  history: path.join(layout.segments, 'membership_history.parquet'),
  historyGlob: path.join(layout.segments, 'membership_history*.parquet'),
  members: path.join(layout.segments, 'segment_members'),
  runs: path.join(layout.segments, 'materializations.parquet'),
  keys: path.join(layout.segments, 'customer_keys.parquet'),
});

/** Where a run's changes go: a new file after the base, named so that names sort in time. */
export function changeFile(store: SegmentStore, at: Date): string {
  return path.join(path.dirname(store.history), `membership_history-${at.toISOString().replaceAll(':', '')}-${process.pid}.parquet`);
}

/** The file of a segment's current members; the id is encoded so any id is a plain file name. */
export const membersFile = (store: SegmentStore, segmentId: string) => path.join(store.members, `${Buffer.from(segmentId).toString('base64url')}.parquet`);

/** A base file (`<name>.parquet`) and the later ones beside it (`<name>-<time>.parquet`): the base first, then the others in the order they were written. */
export function baseAndLaterFiles(base: string): string[] {
  const dir = path.dirname(base);
  if (!fs.existsSync(dir)) return [];
  const prefix = `${path.basename(base, '.parquet')}-`;
  const later = fs
    .readdirSync(dir)
    .filter((f) => f.startsWith(prefix) && f.endsWith('.parquet'))
    .sort()
    .map((f) => path.join(dir, f));
  return [...(fs.existsSync(base) ? [base] : []), ...later];
}

/** Every history file there is: the base first, then the changes in the order they were written. */
export const historyFiles = (store: SegmentStore): string[] => baseAndLaterFiles(store.history);

/** `SELECT` of no rows with the given columns, e.g. `NULL::VARCHAR AS segment, ...`. */
export function emptySelect(columns: string): string {
  const list = columns.split(',').map((c) => {
    const [name, type] = c.trim().split(/\s+/);
    return `NULL::${type} AS ${name}`;
  });
  return `SELECT ${list.join(', ')} WHERE false`;
}

/** How segment files are written: zstd at its fastest level, which compresses text ids as well as the default level and in half the time. */
export const SEGMENT_PARQUET = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

/** Writes a query's rows as Parquet (with any further `COPY` options) next to `target` and commits it into place atomically. */
export async function replaceParquet(db: DuckDBConnection, query: string, target: string, params: (string | number)[] = [], options = ''): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  await db.run(`COPY (${query}) TO ${sqlString(tmp)} (${SEGMENT_PARQUET}${options ? `, ${options}` : ''})`, params);
  await commitFile(tmp, target);
}

/**
 * Stored files (a path, glob or list) as a relation with every one of `columns`. Files written
 * before segments had ids have no `segment_id`: their rows belong to the segment's name, which is
 * the id of a file without one, so existing history stays with its segment.
 */
export function storedRelation(files: string | string[], columns: string): string {
  const source = Array.isArray(files) ? `[${files.map(sqlString).join(', ')}]` : sqlString(files);
  return `(SELECT * REPLACE (coalesce(segment_id, segment) AS segment_id) FROM (${emptySelect(columns)} UNION ALL BY NAME SELECT * FROM read_parquet(${source}, union_by_name = true)))`;
}

/** Stays from history rows: each entry row, or its exit row once the person has left. */
export function staysOf(rows: string): string {
  return `(WITH h AS (SELECT * FROM ${rows})
    SELECT * FROM h WHERE exited_at IS NOT NULL
    UNION ALL
    SELECT * FROM h AS o WHERE exited_at IS NULL AND NOT EXISTS (
      SELECT 1 FROM h AS x WHERE x.exited_at IS NOT NULL AND x.segment_id = o.segment_id AND x.customer_id = o.customer_id AND x.entered_at = o.entered_at))`;
}

/** The stored history (or none yet) as a relation of stays, one row per entry. */
export function historySource(store: SegmentStore): string {
  const files = historyFiles(store);
  return files.length === 0 ? `(${emptySelect(HISTORY_COLUMNS)})` : staysOf(storedRelation(files, HISTORY_COLUMNS));
}

export const runsSource = (store: SegmentStore) => (fs.existsSync(store.runs) ? storedRelation(store.runs, RUNS_COLUMNS) : `(${emptySelect(RUNS_COLUMNS)})`);

/**
 * The current members of a segment (its open stays), from its members file, or from the history
 * when it has none (a history written before members files were kept).
 */
export function currentMembersSource(store: SegmentStore, segmentId: string): { sql: string; params: string[] } {
  const file = membersFile(store, segmentId);
  if (fs.existsSync(file)) return { sql: `(SELECT * FROM read_parquet(${sqlString(file)}))`, params: [] };
  return { sql: `(SELECT * FROM ${historySource(store)} WHERE segment_id = ? AND exited_at IS NULL)`, params: [segmentId] };
}

/** Whether the base history was written before segments had ids (it has no `segment_id` column). */
export async function isLegacyHistory(db: DuckDBConnection, store: SegmentStore): Promise<boolean> {
  if (!fs.existsSync(store.history)) return false;
  const rows = (await db.runAndReadAll(`SELECT count(*) AS n FROM parquet_schema(${sqlString(store.history)}) WHERE name = 'segment_id'`)).getRowObjectsJS();
  return Number(rows[0]!.n) === 0;
}

/** The number of rows of a Parquet file, from its footer. */
export async function parquetRowCount(db: DuckDBConnection, file: string): Promise<number> {
  const rows = (await db.runAndReadAll(`SELECT coalesce(sum(num_rows), 0) AS n FROM parquet_file_metadata(${sqlString(file)})`)).getRowObjectsJS();
  return Number(rows[0]!.n);
}

/**
 * The warehouse's `segments` schema: views over the stored files (the history through a glob, so
 * later changes files are read too), which are created empty when missing, so the views always
 * read the latest materialization without a rebuild.
 */
export async function createSegmentViews(db: DuckDBConnection, layout: DataLayout): Promise<void> {
  const store = segmentStore(layout);
  if (!fs.existsSync(store.history)) await replaceParquet(db, emptySelect(HISTORY_COLUMNS), store.history);
  if (!fs.existsSync(store.runs)) await replaceParquet(db, emptySelect(RUNS_COLUMNS), store.runs);
  const stays = staysOf(storedRelation(store.historyGlob, HISTORY_COLUMNS));
  await db.run('CREATE SCHEMA segments');
  await db.run(`CREATE VIEW segments.segment_membership_history AS SELECT * FROM ${stays}`);
  await db.run(
    `CREATE VIEW segments.segment_members AS SELECT segment_id, segment, environment, customer_id, entered_at AS since, from_backfill
     FROM ${stays} WHERE exited_at IS NULL`,
  );
  await db.run(`CREATE VIEW segments.segment_materializations AS SELECT * FROM ${runsSource(store)}`);
  await db.run(
    `CREATE VIEW segments.segments AS SELECT * FROM ${runsSource(store)}
     QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY materialized_at DESC) = 1`,
  );
}
