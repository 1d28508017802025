import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import { sqlString } from '../sql';
import type { CompiledSql } from './compile';
import { keyedParquet, keySetOf, type MemberKeys } from './member-keys';
import { currentMembersSource, emptySelect, HISTORY_COLUMNS, membersFile, type SegmentStore } from './segment-store';

// One segment's run against the temp table of people. A segment's first run writes its members
// file straight from its query: every member enters, and the history takes that file's rows. A
// later run compares its members now with its members file as two bitmaps of member keys: equal
// bitmaps mean nothing to write, without a join; a change appends the entries and exits to the
// temp table `changes` and writes the new members file (stays as they were, entries as new rows).
// A members file is written beside the old one, for the caller to commit after the history.

/** The columns of a members file: a history row (an open stay) and the person's member key. */
const MEMBER_FILE_COLUMNS = `${HISTORY_COLUMNS}, member_key INTEGER`;
const columnNames = (columns: string) => columns.split(',').map((c) => c.trim().split(/\s+/)[0]!).join(', ');
const HISTORY_NAMES = columnNames(HISTORY_COLUMNS);
const MEMBER_FILE_NAMES = columnNames(MEMBER_FILE_COLUMNS);

export interface SegmentRun {
  id: string;
  name: string;
  /** The segment's members query, compiled against the people table. */
  compiled: CompiledSql;
  /** The name its last run had: a renamed segment's members file is written again under its new name. */
  priorName: string | undefined;
  at: string;
}

export interface SegmentDiff {
  members: number;
  entered: number;
  exited: number;
  /** The new members file written beside the old one, to commit. */
  pending: string;
}

/** Writes the members file of a segment's first run (every member an initial entry) from its query. */
export async function writeFirstMembers(db: DuckDBConnection, store: SegmentStore, keys: MemberKeys, run: SegmentRun): Promise<SegmentDiff> {
  const tmp = pendingMembersFile(store, run.id);
  try {
    const members = (
      await db.run(
        `COPY (
           SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, x.environment, x.customer_id, ?::TIMESTAMPTZ AS entered_at, NULL::TIMESTAMPTZ AS exited_at,
                  coalesce(x.from_backfill, false) AS from_backfill, true AS initial, x.member_key
           FROM (${run.compiled.sql}) AS x
         ) TO ${sqlString(tmp)} (${keyedParquet(keys.id)})`,
        [run.id, run.name, run.at, ...run.compiled.params],
      )
    ).rowsChanged;
    return { members, entered: members, exited: 0, pending: tmp };
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    throw err;
  }
}

/** The rows of a first run's members file as history rows (its entries). */
export const entriesOfFirstRun = (files: string[]) => `SELECT ${HISTORY_NAMES} FROM read_parquet([${files.map(sqlString).join(', ')}])`;

function pendingMembersFile(store: SegmentStore, segmentId: string): string {
  fs.mkdirSync(store.members, { recursive: true });
  return `${membersFile(store, segmentId)}.tmp-${process.pid}`;
}

/**
 * The previous members as a relation with member keys: the members file when it is of this key
 * set, else its rows (or, before members files, the open stays of the history) given their keys
 * by text id, a key NULL for a person no longer in the warehouse.
 */
async function previousMembers(db: DuckDBConnection, store: SegmentStore, keys: MemberKeys, run: SegmentRun): Promise<{ sql: string; keyed: boolean }> {
  const file = membersFile(store, run.id);
  if (fs.existsSync(file) && (await keySetOf(db, file)) === keys.id) return { sql: `read_parquet(${sqlString(file)})`, keyed: true };
  const prev = currentMembersSource(store, run.id);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE prev AS SELECT p.* EXCLUDE (member_key), k.member_key
     FROM (${emptySelect(MEMBER_FILE_COLUMNS)} UNION ALL BY NAME SELECT * FROM ${prev.sql}) AS p LEFT JOIN ${keys.table} AS k USING (customer_id)`,
    prev.params,
  );
  return { sql: 'prev', keyed: false };
}

/** The outcome of comparing a segment's members now with its previous ones. */
export interface SegmentComparison {
  members: number;
  /** Nothing to write: the same people, in a members file of this key set, under the same name. */
  unchanged: boolean;
  prev: { sql: string; keyed: boolean };
}

/**
 * Runs the segment's query on the people table into a bitmap of member keys, beside the bitmap of
 * its previous members (the temp table `bits`). This is the step a segment's own rules can fail.
 */
export async function compareSegment(db: DuckDBConnection, store: SegmentStore, keys: MemberKeys, run: SegmentRun): Promise<SegmentComparison> {
  const prev = await previousMembers(db, store, keys, run);
  const top = Math.max(0, keys.maxKey);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE bits AS
     SELECT cur.bits AS cur, cur.n AS cur_n, prev.bits AS prev, prev.n AS prev_n
     FROM (SELECT bitstring_agg(member_key, 0, ${top}) AS bits, count(*) AS n FROM (${run.compiled.sql})) AS cur,
          (SELECT bitstring_agg(member_key, 0, ${top}) FILTER (WHERE member_key IS NOT NULL) AS bits, count(*) AS n FROM ${prev.sql}) AS prev`,
    run.compiled.params,
  );
  const b = (await db.runAndReadAll('SELECT cur_n, prev_n, cur IS NOT DISTINCT FROM prev AS same FROM bits')).getRowObjectsJS()[0]!;
  const members = Number(b.cur_n);
  // Equal bitmaps of as many rows: the same people (every previous row has a key, one each).
  const same = b.same === true && members === Number(b.prev_n);
  const unchanged = same && prev.keyed && fs.existsSync(membersFile(store, run.id)) && run.priorName === run.name;
  return { members, unchanged, prev };
}

/**
 * Appends a compared segment's entries and exits to the temp table `changes` and writes its new
 * members file beside the old one; returns the counts and that file, for the caller to commit
 * after the history.
 */
export async function applySegmentChanges(db: DuckDBConnection, store: SegmentStore, keys: MemberKeys, run: SegmentRun, compared: SegmentComparison): Promise<SegmentDiff> {
  const prev = compared.prev.sql;
  // Newcomers: members now whose key is not among the previous ones.
  await db.run(
    `CREATE OR REPLACE TEMP TABLE entered AS
     SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, x.environment, x.customer_id, ?::TIMESTAMPTZ AS entered_at, NULL::TIMESTAMPTZ AS exited_at,
            coalesce(x.from_backfill, false) AS from_backfill, false AS initial, x.member_key
     FROM (${run.compiled.sql}) AS x, bits
     WHERE NOT coalesce(get_bit(bits.prev, x.member_key::INTEGER) = 1, false)`,
    [run.id, run.name, run.at, ...run.compiled.params],
  );
  const entered = Number((await db.runAndReadAll('SELECT count(*) AS n FROM entered')).getRowObjectsJS()[0]!.n);
  // Leavers: previous members whose key is not among the members now, or who have none.
  const exited = (
    await db.run(
      `INSERT INTO changes BY NAME
       SELECT * REPLACE (?::TIMESTAMPTZ AS exited_at) FROM (SELECT ${HISTORY_NAMES} FROM ${prev} AS p, bits
       WHERE NOT coalesce(get_bit(bits.cur, p.member_key::INTEGER) = 1, false))`,
      [run.at],
    )
  ).rowsChanged;
  await db.run(`INSERT INTO changes BY NAME SELECT ${HISTORY_NAMES} FROM entered`);
  // A stay keeps its entry's row (under the segment's name now); the newcomers' rows are this run's entries.
  const tmp = pendingMembersFile(store, run.id);
  await db.run(
    `COPY (
       SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, p.environment, p.customer_id, p.entered_at, NULL::TIMESTAMPTZ AS exited_at, p.from_backfill, p.initial, p.member_key
       FROM ${prev} AS p, bits WHERE coalesce(get_bit(bits.cur, p.member_key::INTEGER) = 1, false)
       UNION ALL
       SELECT ${MEMBER_FILE_NAMES} FROM entered
     ) TO ${sqlString(tmp)} (${keyedParquet(keys.id)})`,
    [run.id, run.name],
  );
  return { members: compared.members, entered, exited, pending: tmp };
}
