import type { DuckDBConnection } from '@duckdb/node-api';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';
import { historySource, segmentStore } from '../../lib/segments/segment-store';
import { exportSegment, MEMBER_COLUMNS } from '../../cli/commands/segment';
import { exportFormatSchema } from '../../lib/segments/audience';
import { SEGMENT_NAME } from '../../lib/segments/definition';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import { requireSegment } from '../segments/access';
import { hasWarehouse, jsonRows, readWarehouse } from '../warehouse-read';

// A segment's materialized members, page by page, its membership history, and its exports as
// downloads. Readers may export: a grant to read shows every member, and an export is that list in
// the file an ad platform or email tool takes.

/** Columns a person can sort the member table by; anything else is refused, never spliced into SQL. */
export const SORTABLE = ['name', 'email', 'zip', 'amount_spent', 'discount_received', 'promo_codes_used', 'negative_feedbacks', 'returned_items', 'last_order_at', 'member_since'] as const;

const nameParams = z.object({ name: z.string().regex(SEGMENT_NAME, 'a segment name') });
const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  size: z.coerce.number().int().min(1).max(500).default(50),
};
const membersQuery = z.object({
  ...pageQuery,
  sort: z.enum(SORTABLE).default('amount_spent'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.string().max(200).optional(),
});
const historyQuery = z.object(pageQuery);
const exportQuery = z.object({ format: exportFormatSchema });

async function wasMaterialized(db: DuckDBConnection, name: string): Promise<boolean> {
  const rows = (await db.runAndReadAll('select count(*)::int as n from segments.segments where segment = ?', [name])).getRowObjectsJS();
  return Number(rows[0]!.n) > 0;
}

export function registerMemberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const store = () => segmentStore(ctx.config.layout);
  const warehouseOrConflict = () => {
    if (!hasWarehouse(ctx.config)) throw new HttpError(409, 'no warehouse yet: run a sync and a build first');
  };

  /** A reader's query on a materialized segment, on a read-only warehouse connection. */
  const readMembership = <T>(request: FastifyRequest, read: (db: DuckDBConnection, name: string) => Promise<T>): Promise<T> => {
    const { name } = parseInput(nameParams, request.params);
    requireSegment(ctx, request.user!, name, 'read');
    warehouseOrConflict();
    return readWarehouse(ctx.config, async (db) => {
      if (!(await wasMaterialized(db, name))) throw new HttpError(409, `segment "${name}" has not been materialized yet`);
      return read(db, name);
    });
  };

  app.get('/api/segments/:name/members', async (request) => {
    const q = parseInput(membersQuery, request.query);
    return readMembership(request, async (db, name) => {
      const filter = q.q?.trim() ? q.q.trim() : null;
      const reader = await db.runAndReadAll(
        `select *, count(*) over () as total from (
           select ${MEMBER_COLUMNS}, h.entered_at as member_since, h.from_backfill
           from ${historySource(store())} as h
           join core.customers as c using (customer_id)
           join marts.customer_metrics as m using (customer_id)
           where h.segment = ? and h.exited_at is null
         )
         where ?::varchar is null or contains(lower(concat_ws(' ', name, email, zip)), lower(?::varchar))
         order by ${q.sort} ${q.dir} nulls last, customer_id
         limit ? offset ?`,
        [name, filter, filter, q.size, (q.page - 1) * q.size] as never,
      );
      const rows = jsonRows(reader.getRowObjectsJS());
      const total = rows.length ? Number(rows[0]!.total) : 0;
      return { total, page: q.page, size: q.size, sort: q.sort, dir: q.dir, columns: [...SORTABLE], rows: rows.map(({ total: _, ...r }) => r) };
    });
  });

  app.get('/api/segments/:name/history', async (request) => {
    const q = parseInput(historyQuery, request.query);
    return readMembership(request, async (db, name) => {
      const reader = await db.runAndReadAll(
        `select h.customer_id, trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.email, h.entered_at, h.exited_at, h.from_backfill, h.initial,
                count(*) over () as total
         from ${historySource(store())} as h
         left join core.customers as c using (customer_id)
         where h.segment = ?
         order by greatest(h.entered_at, coalesce(h.exited_at, h.entered_at)) desc, h.customer_id
         limit ? offset ?`,
        [name, q.size, (q.page - 1) * q.size],
      );
      const rows = jsonRows(reader.getRowObjectsJS());
      return { total: rows.length ? Number(rows[0]!.total) : 0, page: q.page, size: q.size, rows: rows.map(({ total: _, ...r }) => r) };
    });
  });

  // The CSV `cdp segment export` writes, sent as a download.
  app.get('/api/segments/:name/export', async (request, reply) => {
    const { name } = parseInput(nameParams, request.params);
    requireSegment(ctx, request.user!, name, 'read');
    const { format } = parseInput(exportQuery, request.query);
    warehouseOrConflict();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-serve-export-'));
    try {
      const file = path.join(dir, 'members.csv');
      await exportSegment(ctx.config, name, format, file);
      const csv = fs.readFileSync(file);
      return reply
        .header('content-type', 'text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${name}-${format}.csv"`)
        .send(csv);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
}
