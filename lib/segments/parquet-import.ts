import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';
import { columnNames, countRows, emptySelect, HISTORY_COLUMNS, RUNS_COLUMNS, staysOf, STORE } from './segment-store';

// Before the lake, the segment store was Parquet files under data/segments/: the history as a base
// file and one file per later run (`membership_history[-<time>].parquet`), each segment's members in
// `segment_members/<base64url id>.parquet`, the member keys in `customer_keys[-<time>].parquet` (each
// file naming its key set in its metadata) and the run log in `materializations.parquet` (which
// build each members file came from in its metadata). The first open of the store in the lake
// imports them, in the transaction that creates the tables; the files are left where they are.

/** Where the Parquet segment store of a data folder was. */
export interface ParquetSegmentStore {
  history: string;
  members: string;
  runs: string;
  keys: string;
}

export const parquetSegmentStore = (layout: DataLayout): ParquetSegmentStore => ({
  history: path.join(layout.segments, 'membership_history.parquet'),
  members: path.join(layout.segments, 'segment_members'),
  runs: path.join(layout.segments, 'materializations.parquet'),
  keys: path.join(layout.segments, 'customer_keys.parquet'),
});

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

/**
 * Stored files (a path, glob or list) as a relation with every one of `columns`. Files written
 * before segments had ids have no `segment_id`: their rows belong to the segment's name, which is
 * the id of a file without one, so existing history stays with its segment.
 */
export function storedRelation(files: string | string[], columns: string): string {
  const source = Array.isArray(files) ? `[${files.map(sqlString).join(', ')}]` : sqlString(files);
  return `(SELECT * REPLACE (coalesce(segment_id, segment) AS segment_id) FROM (${emptySelect(columns)} UNION ALL BY NAME SELECT * FROM read_parquet(${source}, union_by_name = true)))`;
}

/** A value of a Parquet file's key-value metadata; undefined when it has none under that key. */
async function parquetMetadata(db: DuckDBConnection, file: string, key: string): Promise<string | undefined> {
  const rows = (await db.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(file)}) WHERE decode(key) = ${sqlString(key)}`)).getRowObjectsJS();
  return rows.length ? String(rows[0]!.v) : undefined;
}

/** Each segment id's build, from the run log's `members_built_at` metadata. */
async function storedBuilds(db: DuckDBConnection, runs: string): Promise<[string, string][]> {
  try {
    const parsed = JSON.parse((await parquetMetadata(db, runs, 'members_built_at')) ?? '{}') as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return [];
    return Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string');
  } catch {
    return [];
  }
}

/** Whether the data folder holds a Parquet segment store. */
export function hasParquetStore(layout: DataLayout): boolean {
  const store = parquetSegmentStore(layout);
  return baseAndLaterFiles(store.history).length > 0 || fs.existsSync(store.runs) || fs.existsSync(store.members);
}

/**
 * Copies a Parquet segment store into the lake's empty store tables, in the caller's transaction.
 * Keys are kept when their files are of one key set; every member without a key then gets one, so
 * each members row has the key of its person. A segment with runs but no members file (a history
 * from before those files) gets its open stays as members.
 */
export async function importParquetStore(db: DuckDBConnection, layout: DataLayout): Promise<void> {
  const store = parquetSegmentStore(layout);
  const historyFiles = baseAndLaterFiles(store.history);
  if (historyFiles.length > 0) {
    await db.run(`INSERT INTO ${STORE.history} SELECT ${columnNames(HISTORY_COLUMNS)} FROM ${storedRelation(historyFiles, HISTORY_COLUMNS)}`);
  }
  if (fs.existsSync(store.runs)) {
    await db.run(`INSERT INTO ${STORE.runs} SELECT ${columnNames(RUNS_COLUMNS)} FROM ${storedRelation(store.runs, RUNS_COLUMNS)}`);
    for (const [segmentId, builtAt] of await storedBuilds(db, store.runs)) await db.run(`INSERT INTO ${STORE.builds} VALUES (?, ?)`, [segmentId, builtAt]);
  }
  const keyFiles = baseAndLaterFiles(store.keys);
  const keySets = new Set<string | undefined>();
  for (const f of keyFiles) keySets.add(await parquetMetadata(db, f, 'customer_keys'));
  if (keyFiles.length > 0 && keySets.size === 1 && [...keySets][0] !== undefined && fs.existsSync(store.keys)) {
    await db.run(`INSERT INTO ${STORE.keys} SELECT DISTINCT customer_id, member_key FROM read_parquet([${keyFiles.map(sqlString).join(', ')}])`);
  }

  // Members: each members file's rows under its segment's id, and the open stays of segments with runs but no file.
  const memberFiles = fs.existsSync(store.members) ? fs.readdirSync(store.members).filter((f) => f.endsWith('.parquet')) : [];
  const filed = memberFiles.map((f) => ({ id: Buffer.from(f.slice(0, -'.parquet'.length), 'base64url').toString(), file: path.join(store.members, f) }));
  await db.run(`CREATE OR REPLACE TEMP TABLE imported_members AS ${emptySelect(HISTORY_COLUMNS)}`);
  for (const { id, file } of filed) {
    await db.run(`INSERT INTO imported_members SELECT * REPLACE (?::VARCHAR AS segment_id) FROM (SELECT ${columnNames(HISTORY_COLUMNS)} FROM ${storedRelation(file, HISTORY_COLUMNS)})`, [id]);
  }
  if (historyFiles.length > 0) {
    await db.run(
      `INSERT INTO imported_members
       SELECT * FROM ${staysOf(STORE.history)} AS h
       WHERE exited_at IS NULL AND segment_id IN (SELECT segment_id FROM ${STORE.runs}) AND NOT list_contains([${filed.map((f) => sqlString(f.id)).join(', ')}]::VARCHAR[], segment_id)`,
    );
  }
  if ((await countRows(db, 'imported_members')) === 0) return;
  await db.run(
    `INSERT INTO ${STORE.keys}
     SELECT customer_id, ((SELECT coalesce(max(member_key), -1) FROM ${STORE.keys}) + row_number() OVER ())::INTEGER
     FROM (SELECT DISTINCT customer_id FROM imported_members WHERE customer_id NOT IN (SELECT customer_id FROM ${STORE.keys}))`,
  );
  await db.run(`INSERT INTO ${STORE.members} SELECT m.*, k.member_key FROM imported_members AS m JOIN ${STORE.keys} AS k USING (customer_id)`);
  await db.run('DROP TABLE imported_members');
}
