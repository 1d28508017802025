import type { DuckDBConnection } from '@duckdb/node-api';
import type { CompiledSql } from './compile';
import type { MemberKeys } from './member-keys';
import { columnNames, currentMembersSource, HISTORY_COLUMNS, MEMBER_COLUMNS, STORE } from './segment-store';

// One segment's run against the temp table of people, inside the run's lake transaction. A
// segment's first run inserts its members straight from its query: every member enters, and the
// history takes those rows. A later run compares its members now with its stored members as two
// bitmaps of member keys: equal bitmaps mean nothing to write, without a join; a change appends the
// entries and exits to the temp table `changes` and replaces the segment's members (stays as they
// were, entries as new rows).

const HISTORY_NAMES = columnNames(HISTORY_COLUMNS);
const MEMBER_NAMES = columnNames(MEMBER_COLUMNS);

export interface SegmentRun {
  id: string;
  name: string;
  /** The segment's members query, compiled against the people table. */
  compiled: CompiledSql;
  /** The name its last run had: a renamed segment's members are written again under its new name. */
  priorName: string | undefined;
  at: string;
}

export interface SegmentDiff {
  members: number;
  entered: number;
  exited: number;
}

/** Inserts the members of a segment's first run (every member an initial entry) from its query. */
export async function writeFirstMembers(db: DuckDBConnection, run: SegmentRun): Promise<SegmentDiff> {
  // Rows a purge left behind cannot be, but a first run starts from nothing in any case.
  await db.run(`DELETE FROM ${STORE.members} WHERE segment_id = ?`, [run.id]);
  const members = (
    await db.run(
      `INSERT INTO ${STORE.members}
       SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, x.environment, x.customer_id, ?::TIMESTAMPTZ AS entered_at, NULL::TIMESTAMPTZ AS exited_at,
              coalesce(x.from_backfill, false) AS from_backfill, true AS initial, x.member_key
       FROM (${run.compiled.sql}) AS x`,
      [run.id, run.name, run.at, ...run.compiled.params],
    )
  ).rowsChanged;
  return { members, entered: members, exited: 0 };
}

/** The members rows of first runs (segment ids in the temp table `tableOfIds`) as history rows (their entries). */
export const entriesOfFirstRuns = (tableOfIds: string) => `SELECT ${HISTORY_NAMES} FROM ${STORE.members} WHERE segment_id IN (SELECT segment_id FROM ${tableOfIds})`;

/** The outcome of comparing a segment's members now with its previous ones. */
export interface SegmentComparison {
  members: number;
  /** Nothing to write: the same people under the same name. */
  unchanged: boolean;
  prev: string;
}

/**
 * Runs the segment's query on the people table into a bitmap of member keys, beside the bitmap of
 * its stored members (the temp table `bits`). This is the step a segment's own rules can fail.
 */
export async function compareSegment(db: DuckDBConnection, keys: MemberKeys, run: SegmentRun): Promise<SegmentComparison> {
  const prev = currentMembersSource(run.id);
  const top = Math.max(0, keys.maxKey);
  await db.run(
    `CREATE OR REPLACE TEMP TABLE bits AS
     SELECT cur.bits AS cur, cur.n AS cur_n, prev.bits AS prev, prev.n AS prev_n
     FROM (SELECT bitstring_agg(member_key, 0, ${top}) AS bits, count(*) AS n FROM (${run.compiled.sql})) AS cur,
          (SELECT bitstring_agg(member_key, 0, ${top}) FILTER (WHERE member_key IS NOT NULL) AS bits, count(*) AS n FROM ${prev}) AS prev`,
    run.compiled.params,
  );
  const b = (await db.runAndReadAll('SELECT cur_n, prev_n, cur IS NOT DISTINCT FROM prev AS same FROM bits')).getRowObjectsJS()[0]!;
  const members = Number(b.cur_n);
  // Equal bitmaps of as many rows: the same people (every previous row has a key, one each).
  const same = b.same === true && members === Number(b.prev_n);
  return { members, unchanged: same && run.priorName === run.name, prev };
}

/** Appends a compared segment's entries and exits to the temp table `changes` and replaces its stored members; returns the counts. */
export async function applySegmentChanges(db: DuckDBConnection, run: SegmentRun, compared: SegmentComparison): Promise<SegmentDiff> {
  const prev = compared.prev;
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
  // Leavers: previous members whose key is not among the members now.
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
  await db.run(
    `CREATE OR REPLACE TEMP TABLE next_members AS
     SELECT ?::VARCHAR AS segment_id, ?::VARCHAR AS segment, p.environment, p.customer_id, p.entered_at, NULL::TIMESTAMPTZ AS exited_at, p.from_backfill, p.initial, p.member_key
     FROM ${prev} AS p, bits WHERE coalesce(get_bit(bits.cur, p.member_key::INTEGER) = 1, false)
     UNION ALL
     SELECT ${MEMBER_NAMES} FROM entered`,
    [run.id, run.name],
  );
  await db.run(`DELETE FROM ${STORE.members} WHERE segment_id = ?`, [run.id]);
  await db.run(`INSERT INTO ${STORE.members} SELECT ${MEMBER_NAMES} FROM next_members`);
  await db.run('DROP TABLE next_members');
  return { members: compared.members, entered, exited };
}
