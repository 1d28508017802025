import type { DuckDBConnection } from '@duckdb/node-api';
import { countRows, STORE } from './segment-store';

// Every person a materialization has seen gets a small integer, `member_key`, that never changes:
// the members rows carry it beside the text `customer_id`, so a run compares a segment's members
// with its previous ones as two bitmaps of keys instead of joining a million text ids. The keys live
// in the lake's `segments_store.member_keys`, written in the same transaction as the members that
// use them, so a members row's key is always its person's.

export interface MemberKeys {
  /** The temp table of `customer_id`, `member_key` (every key, this run's new ones included). */
  table: string;
  /** The highest key (-1 when there is none). */
  maxKey: number;
}

/**
 * Reads the stored keys into the temp table `member_keys`. Keys deleted by hand while members are
 * stored are taken back from the members (in the caller's transaction), so the members' keys stay theirs.
 */
export async function loadMemberKeys(db: DuckDBConnection): Promise<MemberKeys> {
  await db.run(`CREATE OR REPLACE TEMP TABLE member_keys AS SELECT customer_id, member_key FROM ${STORE.keys}`);
  if ((await countRows(db, 'member_keys')) === 0 && (await countRows(db, `(SELECT 1 FROM ${STORE.members} LIMIT 1)`)) > 0) {
    await db.run(`INSERT INTO member_keys SELECT DISTINCT customer_id, member_key FROM ${STORE.members} WHERE member_key IS NOT NULL`);
    await db.run(`INSERT INTO ${STORE.keys} SELECT * FROM member_keys`);
  }
  const max = (await db.runAndReadAll('SELECT coalesce(max(member_key), -1) AS n FROM member_keys')).getRowObjectsJS()[0]!.n;
  return { table: 'member_keys', maxKey: Number(max) };
}

/**
 * Gives a key to every `customer_id` the query `unkeyed` lists (the people who have none yet), after
 * the highest, stores them in the lake (in the caller's transaction) and adds them to `member_keys`.
 * Returns the keys with their new highest key and the number of keys added.
 */
export async function addMemberKeys(db: DuckDBConnection, keys: MemberKeys, unkeyed: string): Promise<{ keys: MemberKeys; added: number }> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE new_member_keys AS
     SELECT customer_id, (${Math.trunc(keys.maxKey)} + row_number() OVER ())::INTEGER AS member_key FROM (${unkeyed})`,
  );
  const added = Number((await db.runAndReadAll('SELECT count(*) AS n FROM new_member_keys')).getRowObjectsJS()[0]!.n);
  if (added === 0) return { keys, added };
  await db.run(`INSERT INTO ${STORE.keys} SELECT * FROM new_member_keys`);
  await db.run('INSERT INTO member_keys SELECT * FROM new_member_keys');
  return { keys: { ...keys, maxKey: keys.maxKey + added }, added };
}
