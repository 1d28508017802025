import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../lib/config';
import { audienceCsv, type ExportFormat } from '../lib/segments/audience';
import { segmentIdOf } from '../lib/segments/definition';
import { findSegment } from '../lib/segments/files';
import { EXTENDED_COLUMNS, MEMBER_COLUMNS, type MemberSortColumn } from '../lib/segments/member-columns';
import { historySource, runsSource, segmentStore } from '../lib/segments/segment-store';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';
import { SegmentNotMaterializedError } from './errors';

// A materialized segment's members and its membership history, read from the stored history
// joined with the warehouse's people; the exports are these members in a tool's CSV format. Rows
// are read by the segment's id: a segment never sees those of an earlier one of the same name.

type Row = Record<string, unknown>;

/** Reads a materialized segment on a read-only warehouse connection; an error when it was never materialized. */
async function readMaterialized<T>(config: LoadedConfig, name: string, read: (db: DuckDBConnection, history: string, segmentId: string) => Promise<T>): Promise<T> {
  const segmentId = segmentIdOf(findSegment(config, name).definition);
  const store = segmentStore(config.layout);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    const runs = (await db.runAndReadAll(`SELECT count(*) AS n FROM ${runsSource(store)} WHERE segment_id = ?`, [segmentId])).getRowObjectsJS();
    if (Number(runs[0]!.n) === 0) throw new SegmentNotMaterializedError(name);
    return await read(db, historySource(store), segmentId);
  } finally {
    close();
  }
}

/** The materialized members of a segment with the given columns (SQL over `c` and `m`), and when each entered. */
export async function materializedMembers(config: LoadedConfig, name: string, columns: string, opts: { limit?: number; orderBy?: string } = {}): Promise<{ columns: string[]; rows: Row[] }> {
  return readMaterialized(config, name, async (db, history, segmentId) => {
    const limit = opts.limit ? ` LIMIT ${Math.trunc(opts.limit)}` : '';
    const reader = await db.runAndReadAll(
      `SELECT ${columns}, h.entered_at AS member_since, h.from_backfill
       FROM ${history} AS h
       JOIN core.customers AS c USING (customer_id)
       JOIN marts.customer_metrics AS m USING (customer_id)
       WHERE h.segment_id = ? AND h.exited_at IS NULL
       ORDER BY ${opts.orderBy ?? 'c.customer_id'}${limit}`,
      [segmentId],
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

/** One page of a segment's members (the member-list columns), sorted and filtered, with the total that match. */
export async function memberPage(config: LoadedConfig, name: string, q: MemberPageQuery): Promise<{ total: number; rows: Row[] }> {
  return readMaterialized(config, name, async (db, history, segmentId) => {
    const filter = q.filter?.trim() ? q.filter.trim() : null;
    // The sort column and direction are typed: one of the listed names, never text from a request.
    const reader = await db.runAndReadAll(
      `select *, count(*) over () as total from (
         select ${MEMBER_COLUMNS}, h.entered_at as member_since, h.from_backfill
         from ${history} as h
         join core.customers as c using (customer_id)
         join marts.customer_metrics as m using (customer_id)
         where h.segment_id = ? and h.exited_at is null
       )
       where ?::varchar is null or contains(lower(concat_ws(' ', name, email, zip)), lower(?::varchar))
       order by ${q.sort} ${q.dir === 'asc' ? 'asc' : 'desc'} nulls last, customer_id
       limit ? offset ?`,
      [segmentId, filter, filter, q.size, (q.page - 1) * q.size] as never,
    );
    return withoutTotal(reader.getRowObjectsJS());
  });
}

/** One page of who entered and left a segment, newest change first, with the total of entries. */
export async function membershipHistory(config: LoadedConfig, name: string, q: { page: number; size: number }): Promise<{ total: number; rows: Row[] }> {
  return readMaterialized(config, name, async (db, history, segmentId) => {
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
