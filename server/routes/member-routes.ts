import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SegmentNotMaterializedError } from '../../app/errors';
import { exportSegment, memberPage, membershipHistory } from '../../app/segment-members';
import { exportFormatSchema } from '../../lib/segments/audience';
import { SEGMENT_NAME } from '../../lib/segments/definition';
import { MEMBER_SORT_COLUMNS } from '../../lib/segments/member-columns';
import { historyQuery, membersQuery, type HistoryPage, type HistoryRow, type MembersPage } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import { requireSegment } from '../segments/access';
import { hasWarehouse, jsonRows } from '../warehouse-read';

// A segment's materialized members, page by page, its membership history, and its exports as
// downloads. Readers may export: a grant to read shows every member, and an export is that list in
// the file an ad platform or email tool takes.

const nameParams = z.object({ name: z.string().regex(SEGMENT_NAME, 'a segment name') });
const exportQuery = z.object({ format: exportFormatSchema });

/** Registers the routes of a segment's members, history and exports. */
export function registerMemberRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const warehouseOrConflict = () => {
    if (!hasWarehouse(ctx.config)) throw new HttpError(409, 'no warehouse yet: run a sync and a build first');
  };

  /** A reader's query on a materialized segment. */
  const readMembership = async <T>(request: FastifyRequest, read: (name: string) => Promise<T>): Promise<T> => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'read');
    warehouseOrConflict();
    try {
      return await read(name);
    } catch (err) {
      if (err instanceof SegmentNotMaterializedError) throw new HttpError(409, `segment "${name}" has not been materialized yet`);
      throw err;
    }
  };

  app.get('/api/segments/:name/members', async (request): Promise<MembersPage> => {
    const q = parseInput(membersQuery, request.query);
    return readMembership(request, async (name) => {
      const { total, rows } = await memberPage(ctx.config, name, { page: q.page, size: q.size, sort: q.sort, dir: q.dir, filter: q.q });
      return { total, page: q.page, size: q.size, sort: q.sort, dir: q.dir, columns: [...MEMBER_SORT_COLUMNS], rows: jsonRows(rows) };
    });
  });

  app.get('/api/segments/:name/history', async (request): Promise<HistoryPage> => {
    const q = parseInput(historyQuery, request.query);
    return readMembership(request, async (name) => {
      const { total, rows } = await membershipHistory(ctx.config, name, q);
      return { total, page: q.page, size: q.size, rows: jsonRows(rows) as unknown as HistoryRow[] };
    });
  });

  // The CSV `cdp segment export` writes, sent as a download.
  app.get('/api/segments/:name/export', async (request, reply) => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'read');
    const { format } = parseInput(exportQuery, request.query);
    warehouseOrConflict();
    const { csv } = await exportSegment(ctx.config, name, format);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="${name}-${format}.csv"`)
      .send(csv);
  });
}
