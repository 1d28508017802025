import type { DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { commitFile } from '../fs-atomic';
import { sqlString } from '../sql';
import { baseAndLaterFiles, SEGMENT_PARQUET, type SegmentStore } from './segment-store';

// Every person a materialization has seen gets a small integer, `member_key`, that never changes:
// the members files carry it beside the text `customer_id`, so a run compares a segment's members
// with its previous ones as two bitmaps of keys instead of joining a million text ids. The keys
// live in `customer_keys.parquet` and one `customer_keys-<time>.parquet` per later run that met new
// people. Each file names the key set it belongs to (its `customer_keys` metadata), and so does
// each members file: a members file of another key set (written before keys, or before the key
// files were deleted) is compared by its text ids once and rewritten with keys.

/** The Parquet metadata key naming the key set a key or members file belongs to. */
export const KEY_SET_METADATA = 'customer_keys';

/** A compaction rewrites the key files into one when there are more than this. */
const MAX_KEY_FILES = 16;

export interface MemberKeys {
  /** The key set's id, written into every members file that uses its keys. */
  id: string;
  /** The temp table of `customer_id`, `member_key` (every key, this run's new ones included). */
  table: string;
  /** The highest key (-1 when there is none). */
  maxKey: number;
}

/** The key files: the base first, then the later ones in the order they were written. */
const keyFiles = (store: SegmentStore): string[] => baseAndLaterFiles(store.keys);

/** The key set a Parquet file belongs to, from its metadata; undefined when it names none. */
export async function keySetOf(db: DuckDBConnection, file: string): Promise<string | undefined> {
  const rows = (
    await db.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(file)}) WHERE decode(key) = ${sqlString(KEY_SET_METADATA)}`)
  ).getRowObjectsJS();
  return rows.length ? String(rows[0]!.v) : undefined;
}

/** `COPY` options that write a Parquet file of the key set `id`. */
export const keyedParquet = (id: string) => `${SEGMENT_PARQUET}, KV_METADATA {${KEY_SET_METADATA}: ${sqlString(id)}}`;

async function writeKeyFile(db: DuckDBConnection, query: string, target: string, id: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await db.run(`COPY (${query}) TO ${sqlString(tmp)} (${keyedParquet(id)})`);
    await commitFile(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/**
 * Reads the stored keys into the temp table `member_keys`. Files of different key sets (a base
 * deleted by hand, a stray file) start a new key set: every file is deleted, and the members files
 * of the old one are compared by text ids once.
 */
export async function loadMemberKeys(db: DuckDBConnection, store: SegmentStore): Promise<MemberKeys> {
  let files = keyFiles(store);
  const ids = new Set<string | undefined>();
  for (const f of files) ids.add(await keySetOf(db, f));
  let id = [...ids][0];
  if (files.length > 0 && (ids.size !== 1 || id === undefined || !fs.existsSync(store.keys))) {
    for (const f of files) fs.rmSync(f, { force: true });
    files = [];
  }
  if (files.length === 0) id = randomUUID();
  const source = files.length ? `read_parquet([${files.map(sqlString).join(', ')}])` : '(SELECT NULL::VARCHAR AS customer_id, NULL::INTEGER AS member_key WHERE false)';
  // DISTINCT: a compaction cut short leaves a later file's keys in the base too, with the same values.
  await db.run(`CREATE OR REPLACE TEMP TABLE member_keys AS SELECT ${files.length > 1 ? 'DISTINCT ' : ''}customer_id, member_key FROM ${source}`);
  const max = (await db.runAndReadAll('SELECT coalesce(max(member_key), -1) AS n FROM member_keys')).getRowObjectsJS()[0]!.n;
  return { id: id!, table: 'member_keys', maxKey: Number(max) };
}

/**
 * Gives a key to every `customer_id` the query `unkeyed` lists (the people who have none yet), after
 * the highest, stores them (a file of the new ones, or the base when there is none yet) and adds
 * them to `member_keys` and the temp table `new_member_keys`. Returns the key set with its new
 * highest key and the number of keys added.
 */
export async function addMemberKeys(db: DuckDBConnection, store: SegmentStore, keys: MemberKeys, unkeyed: string, at: Date): Promise<{ keys: MemberKeys; added: number }> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE new_member_keys AS
     SELECT customer_id, (${Math.trunc(keys.maxKey)} + row_number() OVER ())::INTEGER AS member_key FROM (${unkeyed})`,
  );
  const added = Number((await db.runAndReadAll('SELECT count(*) AS n FROM new_member_keys')).getRowObjectsJS()[0]!.n);
  if (added === 0) return { keys, added };
  const files = keyFiles(store);
  if (files.length === 0) await writeKeyFile(db, 'SELECT * FROM new_member_keys', store.keys, keys.id);
  else if (files.length >= MAX_KEY_FILES) {
    // The base rewritten whole, then the later files it now holds deleted: a crash between the two
    // leaves keys twice, with the same values, which reads the same.
    await writeKeyFile(db, 'SELECT * FROM member_keys UNION ALL SELECT * FROM new_member_keys', store.keys, keys.id);
    for (const f of files.slice(1)) fs.rmSync(f, { force: true });
  } else {
    const file = path.join(path.dirname(store.keys), `customer_keys-${at.toISOString().replaceAll(':', '')}-${process.pid}.parquet`);
    await writeKeyFile(db, 'SELECT * FROM new_member_keys', file, keys.id);
  }
  await db.run('INSERT INTO member_keys SELECT * FROM new_member_keys');
  return { keys: { ...keys, maxKey: keys.maxKey + added }, added };
}
