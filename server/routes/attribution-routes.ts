import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ENVIRONMENTS } from '../../lib/config-schema';
import { attributionReport, daySchema, groupingSchema, parseModels, reportEnvironment } from '../../app/reports';
import { GROUPINGS, MODELS } from '../../lib/report/attribution-data';
import { renderAttributionHtml } from '../../lib/report/attribution-html';
import type { AttributionOptions } from '../api-schema';
import { environmentRights, requireEnvironment } from '../access/rights';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import { hasWarehouse } from '../warehouse-read';

// The attribution dashboard shows the attribution report itself, the page `cdp report attribution
// --format html` writes, computed live for the model, dates and grouping the controls choose. It
// is framed by the app in a sandbox without the app's origin, under the report's own policy: its
// inline scripts draw charts and can reach nothing else.

const reportQuery = z
  .object({
    models: z.string().max(500).optional(),
    from: daySchema.optional(),
    to: daySchema.optional(),
    by: groupingSchema.default('campaign'),
    environment: z.enum(ENVIRONMENTS).optional(),
  })
  .refine((q) => !(q.from && q.to && q.from > q.to), { message: 'from is after to', path: ['from'] });

export const REPORT_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; frame-ancestors 'self'; sandbox allow-scripts";

/** Registers the routes of the attribution dashboard's options and its live report page. */
export function registerAttributionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/attribution/options', async (request): Promise<AttributionOptions> => {
    const readable = await Promise.all(ENVIRONMENTS.map(async (e) => (await environmentRights(ctx, request.user!, e)).read));
    const environments = ENVIRONMENTS.filter((_, i) => readable[i]);
    const preferred = reportEnvironment(ctx.config) as (typeof ENVIRONMENTS)[number];
    return { models: MODELS, groupings: GROUPINGS, environment: environments.includes(preferred) ? preferred : (environments[0] ?? preferred), environments, available: hasWarehouse(ctx.config) };
  });

  // The report sums revenue of an environment's customers: it needs the right to read that environment.
  app.get('/reports/attribution', async (request, reply) => {
    const q = parseInput(reportQuery, request.query);
    const environment = reportEnvironment(ctx.config, q.environment);
    await requireEnvironment(ctx, request.user!, environment, 'read');
    if (!hasWarehouse(ctx.config)) throw new HttpError(409, 'no warehouse yet: run a sync and a build first');
    const data = await attributionReport(ctx.config, { environment, models: parseModels(q.models), by: q.by, from: q.from, to: q.to });
    return reply
      .header('content-security-policy', REPORT_CSP)
      .header('x-frame-options', 'SAMEORIGIN')
      .type('text/html; charset=utf-8')
      .send(renderAttributionHtml(data));
  });
}
