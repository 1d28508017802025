import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../lib/config';
import { audienceCsv, type ExportFormat } from '../lib/segments/audience';
import { segmentIdOf } from '../lib/segments/definition';
import { findSegment } from '../lib/segments/files';
import { currencyFactorSql } from '../lib/segments/catalog';
import { AMOUNT_SPENT, EXTENDED_COLUMNS, MEMBER_COLUMNS, type MemberSortColumn } from '../lib/segments/member-columns';
import { membersOfThisBuild } from '../lib/segments/member-builds';
import { openSegmentStore } from '../lib/segments/open-segment-store';
import { countRows, currentMembersSource, historySource, STORE } from '../lib/segments/segment-store';
import { SegmentNotMaterializedError } from './errors';

// A materialized segment's members, read from its current members in the lake's segment store, and
// its membership history, read from the stored history, each joined with the warehouse's people; the exports are these members in a tool's CSV format. Rows
// are read by the segment's id: a segment never sees those of an earlier one of the same name.

type Row = Record<string, unknown>;

/** Reads a materialized segment on a read-only warehouse connection; an error when it was never materialized. */
async function readMaterialized<T>(config: LoadedConfig, name: string, read: (db: DuckDBConnection, segmentId: string) => Promise<T>): Promise<T> {
  const segmentId = segmentIdOf(findSegment(config, name).definition);
  const { db, close } = await openSegmentStore(config);
  try {
    const runs = (await db.runAndReadAll(`SELECT count(*) AS n FROM ${STORE.runs} WHERE segment_id = ?`, [segmentId])).getRowObjectsJS();
    if (Number(runs[0]!.n) === 0) throw new SegmentNotMaterializedError(name);
    return await read(db, segmentId);
  } finally {
    close();
  }
}

/** The materialized members of a segment with the given columns (SQL over `c` and `m`), and when each entered. */
export async function materializedMembers(config: LoadedConfig, name: string, columns: string, opts: { limit?: number; orderBy?: string } = {}): Promise<{ columns: string[]; rows: Row[] }> {
  return readMaterialized(config, name, async (db, segmentId) => {
    const limit = opts.limit ? ` LIMIT ${Math.trunc(opts.limit)}` : '';
    const reader = await db.runAndReadAll(
      `SELECT ${columns}, h.entered_at AS member_since, h.from_backfill
       FROM ${currentMembersSource(segmentId)} AS h
       JOIN core.customers AS c USING (customer_id)
       JOIN marts.customer_metrics AS m USING (customer_id)
       ORDER BY ${opts.orderBy ?? 'c.customer_id'}${limit}`,
    );
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() };
  });
}

export interface MemberPageQuery {
  page: number;
  size: number;
  sort: MemberSortColumn;
  dir: 'asc' | 'desc';
  /** Only members whose name, email or zip contains this (any case). */
  filter?: string;
}

// Each sort column as SQL over the one relation it needs: the segment's members (h), `core.customers`
// (c) or `marts.customer_metrics` (m). A page without a filter is found on that column alone and
// only its rows are joined for the other columns: the joins of every member are what a million
// members would wait for.
const SORT_KEYS: Record<MemberSortColumn, { on: 'h' | 'c' | 'm'; sql: string }> = {
  name: { on: 'c', sql: "trim(concat_ws(' ', c.first_name, c.last_name))" },
  email: { on: 'c', sql: 'c.email' },
  zip: { on: 'c', sql: 'c.zip' },
  amount_spent: { on: 'm', sql: AMOUNT_SPENT },
  discount_received: { on: 'm', sql: `round(m.discount_received_minor / ${currencyFactorSql('m.currency')}, 2)` },
  promo_codes_used: { on: 'm', sql: 'm.promo_codes_used' },
  negative_feedbacks: { on: 'm', sql: 'm.negative_feedbacks' },
  returned_items: { on: 'm', sql: 'm.returned_items' },
  last_order_at: { on: 'm', sql: 'm.last_order_at' },
  loyalty_tier: { on: 'm', sql: 'm.loyalty_tier' },
  loyalty_points_active: { on: 'm', sql: 'm.loyalty_points_active' },
  member_since: { on: 'h', sql: 'h.entered_at' },
};

/**
 * A page without a filter of members computed from the warehouse there is now: every member is in
 * both relations, so the total is the members' row count, and the page is found among the first
 * rows of the relation its sort column comes from, in that order (the first rows of the members
 * themselves for `member_since`). Those first rows are a prefix of the order every member
 * is listed in, so the members among them are the first members; when they are fewer than the page
 * needs, a longer prefix is read, up to the whole relation.
 */
async function pageOfThisBuild(db: DuckDBConnection, segmentId: string, q: MemberPageQuery): Promise<{ total: number; rows: Row[] }> {
  const members = currentMembersSource(segmentId);
  const total = await countRows(db, members);
  const key = SORT_KEYS[q.sort];
  const dir = q.dir === 'asc' ? 'asc' : 'desc';
  const offset = (q.page - 1) * q.size;
  const wanted = Math.max(0, Math.min(q.size, total - offset));
  if (wanted === 0) return { total, rows: [] };
  // The page's rows with the members' columns (named apart from the relations' own), then
  // the columns of the relations it did not come from, for just those rows.
  const fromMembers = 'h.entered_at as member_entered_at, h.from_backfill as member_from_backfill';
  const page = async (pageRows: string, joins: string): Promise<Row[]> =>
    (
      await db.runAndReadAll(
        `with page as (${pageRows})
         select ${MEMBER_COLUMNS}, member_entered_at as member_since, member_from_backfill as from_backfill
         from ${joins}
         order by member_sort_key ${dir} nulls last, c.customer_id`,
        [q.size, offset],
      )
    ).getRowObjectsJS();
  const order = `order by member_sort_key ${dir} nulls last, customer_id limit ? offset ?`;
  if (key.on === 'h') {
    const rows = await page(
      `select h.customer_id, ${key.sql} as member_sort_key, ${fromMembers} from ${members} as h ${order}`,
      'page join core.customers as c using (customer_id) join marts.customer_metrics as m using (customer_id)',
    );
    return { total, rows };
  }
  // The relation's first rows carry all its columns (DuckDB reads them for those rows only).
  const relation = key.on === 'c' ? 'core.customers as c' : 'marts.customer_metrics as m';
  const joins = key.on === 'c' ? 'page as c join marts.customer_metrics as m using (customer_id)' : 'page as m join core.customers as c using (customer_id)';
  const people = Number((await db.runAndReadAll(`select count(*) as n from ${relation}`)).getRowObjectsJS()[0]!.n);
  // Enough of the relation's first rows to hold the page's members if they are spread evenly, and some more.
  let first = Math.min(people, Math.ceil(((offset + q.size) * people * 1.25) / total) + 100);
  for (;;) {
    const rows = await page(
      `select p.*, ${fromMembers}
       from (select ${key.on}.*, ${key.sql} as member_sort_key from ${relation} order by member_sort_key ${dir} nulls last, ${key.on}.customer_id limit ${first}) as p
       join ${members} as h using (customer_id) ${order}`,
      joins,
    );
    if (rows.length >= wanted || first >= people) return { total, rows };
    first = Math.min(people, first * 4);
  }
}

/** One page of a segment's members (the member-list columns), sorted and filtered, with the total that match. */
export async function memberPage(config: LoadedConfig, name: string, q: MemberPageQuery): Promise<{ total: number; rows: Row[] }> {
  return readMaterialized(config, name, async (db, segmentId) => {
    const filter = q.filter?.trim() ? q.filter.trim() : null;
    const members = { sql: currentMembersSource(segmentId), params: [] as string[] };
    // The sort column and direction are typed: one of the listed names, never text from a request.
    const dir = q.dir === 'asc' ? 'asc' : 'desc';
    const page = [q.size, (q.page - 1) * q.size];
    if (filter === null && (await membersOfThisBuild(db, segmentId))) {
      return pageOfThisBuild(db, segmentId, q);
    }
    if (filter === null) {
      // A member is listed when the warehouse has the person (in both relations).
      const listed = (h: string, but?: 'c' | 'm') =>
        [
          but === 'c' ? '' : `${h}.customer_id in (select customer_id from core.customers)`,
          but === 'm' ? '' : `${h}.customer_id in (select customer_id from marts.customer_metrics)`,
        ].filter(Boolean).join(' and ');
      const total = Number((await db.runAndReadAll(`select count(*) as n from ${members.sql} as h where ${listed('h')}`, members.params as never)).getRowObjectsJS()[0]!.n);
      const key = SORT_KEYS[q.sort];
      const keyFrom =
        key.on === 'h'
          ? `${members.sql} as h where ${listed('h')}`
          : `${members.sql} as h join ${key.on === 'c' ? 'core.customers as c' : 'marts.customer_metrics as m'} using (customer_id) where ${listed('h', key.on)}`;
      const reader = await db.runAndReadAll(
        `with page_keys as (
           select h.customer_id, ${key.sql} as sort_key from ${keyFrom}
           order by sort_key ${dir} nulls last, h.customer_id limit ? offset ?
         )
         select ${MEMBER_COLUMNS}, h.entered_at as member_since, h.from_backfill
         from page_keys as p
         join ${members.sql} as h using (customer_id)
         join core.customers as c using (customer_id)
         join marts.customer_metrics as m using (customer_id)
         order by p.sort_key ${dir} nulls last, c.customer_id`,
        [...members.params, ...page, ...members.params] as never,
      );
      return { total, rows: reader.getRowObjectsJS() };
    }
    const matching = `select * from (
         select ${MEMBER_COLUMNS}, h.entered_at as member_since, h.from_backfill
         from ${members.sql} as h
         join core.customers as c using (customer_id)
         join marts.customer_metrics as m using (customer_id)
       )
       where contains(lower(concat_ws(' ', name, email, zip)), lower(?::varchar))`;
    const params = [...members.params, filter];
    // The total is counted apart: a window over every matching row would keep them all to sort one page.
    const total = Number((await db.runAndReadAll(`select count(*) as n from (${matching})`, params as never)).getRowObjectsJS()[0]!.n);
    const reader = await db.runAndReadAll(`${matching} order by ${q.sort} ${dir} nulls last, customer_id limit ? offset ?`, [...params, ...page] as never);
    return { total, rows: reader.getRowObjectsJS() };
  });
}

/** One page of who entered and left a segment, newest change first, with the total of entries. */
export async function membershipHistory(config: LoadedConfig, name: string, q: { page: number; size: number }): Promise<{ total: number; rows: Row[] }> {
  return readMaterialized(config, name, async (db, segmentId) => {
    const history = historySource();
    const reader = await db.runAndReadAll(
      `select h.customer_id, trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.email, h.entered_at, h.exited_at, h.from_backfill, h.initial,
              count(*) over () as total
       from ${history} as h
       left join core.customers as c using (customer_id)
       where h.segment_id = ?
       order by greatest(h.entered_at, coalesce(h.exited_at, h.entered_at)) desc, h.customer_id
       limit ? offset ?`,
      [segmentId, q.size, (q.page - 1) * q.size],
    );
    return withoutTotal(reader.getRowObjectsJS());
  });
}

function withoutTotal(rows: Row[]): { total: number; rows: Row[] } {
  return { total: rows.length ? Number(rows[0]!.total) : 0, rows: rows.map(({ total: _, ...r }) => r) };
}

/** A segment's members as the CSV a tool takes (basic, extended, facebook or email), and how many they are. */
export async function exportSegment(config: LoadedConfig, name: string, format: ExportFormat): Promise<{ csv: string; members: number }> {
  const { columns, rows } = await materializedMembers(config, name, EXTENDED_COLUMNS);
  return { csv: audienceCsv(format, rows, columns), members: rows.length };
}
