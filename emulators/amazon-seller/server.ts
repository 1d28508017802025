import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createEmulatorApp, registerControlReads } from '../http/emulator-app.js';
import { firstProblem } from '../http/mutation-input.js';
import type { RateLimitStats } from '../http/rate-limit-watch.js';
import { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from '../http/service-faults.js';
import { asSpApiError, invalidInput, notFound, quotaExceeded, serverError, type SpApiError, unauthorized } from './errors.js';
import { computeAmazonSellerTruth, type AmazonSellerGroundTruth } from './ground-truth.js';
import { hashedChars, uuidOf } from './ids.js';
import { applyAmazonSellerMutation, amazonSellerMutationSchema } from './mutations.js';
import { registerOrdersRoutes } from './orders-routes.js';
import { PresignedUrls } from './presigned-urls.js';
import { ReportStore, type ReportFaults, type ReportStats } from './reports.js';
import { registerReportsRoutes } from './reports-routes.js';
import type { SellerAccount } from './types.js';
import { rateLimitHeader, UsagePlanLimiter, type SpOperation } from './usage-plans.js';

/**
 * Error injection, the outage window, report outcomes, the multiplier of every operation's rate (0: no limits) and
 * a cap on every operation's burst (null: the documented bursts).
 */
export interface AmazonSellerFaultSettings extends ServiceFaultSettings, ReportFaults {
  rateScale: number;
  burstCap: number | null;
}

/** Rate-limit manners and report use, as `GET /_emulator/stats` answers. */
export interface AmazonSellerStats extends RateLimitStats, ReportStats {}

export interface AmazonSellerServerOptions {
  account: SellerAccount;
  accessToken: string;
  rateScale: number;
  reportProcessingMs: number;
  documentUrlTtlMs: number;
  faults: Partial<ServiceFaultSettings>;
}

const faultPatchSchema = serviceFaultPatchSchema.extend({
  fatalNextReports: z.number().int().min(0).optional(),
  cancelNextReports: z.number().int().min(0).optional(),
  rateScale: z.number().min(0).optional(),
  burstCap: z.number().int().min(1).nullable().optional(),
});

/** Route templates of the operations, as Fastify names them. */
const OPERATIONS: Readonly<Record<string, SpOperation>> = {
  'GET /orders/v0/orders': 'getOrders',
  'GET /orders/v0/orders/:orderId/orderItems': 'getOrderItems',
  'POST /reports/2021-06-30/reports': 'createReport',
  'GET /reports/2021-06-30/reports/:reportId': 'getReport',
  'GET /reports/2021-06-30/documents/:reportDocumentId': 'getReportDocument',
};
/** `x-amzn-RateLimit-Limit` accompanies these answers only; never a throttled or unauthorized one. */
const carriesRateHeader = (status: number): boolean => (status >= 200 && status < 300) || status === 400 || status === 404;

function send(reply: FastifyReply, error: SpApiError): FastifyReply {
  return reply.code(error.status).type('application/json').send(JSON.stringify(error.body()));
}

/** Builds (but does not start) the Fastify app that answers like the Selling Partner API for one seller. */
export function createAmazonSellerServer(opts: AmazonSellerServerOptions) {
  const { account } = opts;
  const anchorMs = Date.parse(account.anchor);
  // The account's clock never runs behind its data, even on a machine whose clock is before the anchor.
  const nowMs = (): number => Math.max(Date.now(), anchorMs);
  const serviceFaults = new ServiceFaults(account.seed, opts.faults);
  const limiter = new UsagePlanLimiter(opts.rateScale);
  const reports = new ReportStore(account, opts.reportProcessingMs);
  const urls = new PresignedUrls(account.seed, opts.documentUrlTtlMs);
  const operations = new WeakMap<FastifyRequest, SpOperation>();
  const bucketPrefix = `/tortuga-prod-${account.marketplace.region}/`;
  let requestNumber = 0;
  let asOfMs = anchorMs;
  let truth: AmazonSellerGroundTruth | null = null;

  const faults = (): AmazonSellerFaultSettings => ({
    ...serviceFaults.current(),
    ...reports.currentFaults(),
    rateScale: limiter.scaleInForce(),
    burstCap: limiter.burstCapInForce(),
  });
  const setFaults = ({ rateScale, burstCap, fatalNextReports, cancelNextReports, ...rest }: Partial<AmazonSellerFaultSettings>): AmazonSellerFaultSettings => {
    if (rateScale !== undefined || burstCap !== undefined) limiter.configure({ scale: rateScale, burstCap });
    reports.setFaults({ ...(fatalNextReports === undefined ? {} : { fatalNextReports }), ...(cancelNextReports === undefined ? {} : { cancelNextReports }) });
    serviceFaults.update(rest);
    return faults();
  };
  const stats = (): AmazonSellerStats => ({ ...limiter.stats(), ...reports.stats() });
  const currentTruth = (): AmazonSellerGroundTruth => (truth ??= computeAmazonSellerTruth(account, asOfMs));
  const s3RequestId = (): string => hashedChars(account.seed, 's3-request', requestNumber++, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

  // Orders and their lines are named by Amazon's own ids; no record has a plain `id`.
  const app = createEmulatorApp({ recordIdFields: ['AmazonOrderId', 'OrderItemId'] });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/_emulator/')) return;
    if (request.url.startsWith(bucketPrefix)) {
      reply.header('x-amz-request-id', s3RequestId());
      return;
    }
    reply.header('x-amzn-RequestId', uuidOf(account.seed, 'request', requestNumber++));
    const token = request.headers['x-amz-access-token'];
    if (token !== opts.accessToken) throw unauthorized();
    const operation = OPERATIONS[`${request.method} ${request.routeOptions.url ?? ''}`];
    if (operation === undefined) return;
    if (!limiter.admit(token, operation)) throw quotaExceeded();
    operations.set(request, operation);
    const outage = serviceFaults.outage();
    if (outage !== null) throw serverError(outage);
    const failure = await serviceFaults.nextFault();
    if (failure !== null) throw serverError(failure);
  });

  app.addHook('onSend', async (request, reply, payload) => {
    const operation = operations.get(request);
    if (operation !== undefined && carriesRateHeader(reply.statusCode)) reply.header('x-amzn-RateLimit-Limit', rateLimitHeader(limiter.rate(operation)));
    return payload;
  });

  app.setErrorHandler((error, _request, reply) => send(reply, asSpApiError(error)));
  app.setNotFoundHandler((request, reply) => send(reply, notFound(`No operation at ${request.method} ${request.url.split('?')[0]}.`)));

  registerOrdersRoutes(app, account, nowMs);
  registerReportsRoutes(app, account, reports, urls, nowMs);

  registerControlReads(app, {
    health: () => ({ status: 'ok', seed: account.seed, scale: account.scale, anchor: account.anchor, marketplace_id: account.marketplace.id, seller_id: account.sellerId }),
    truth: currentTruth,
    stats,
  });
  app.post('/_emulator/mutate', async (request, reply) => {
    const parsed = amazonSellerMutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) return send(reply, invalidInput(firstProblem(parsed.error).detail));
    const changedMs = Math.floor(nowMs() / 1000) * 1000;
    const result = applyAmazonSellerMutation(account, parsed.data, changedMs);
    asOfMs = Math.max(asOfMs, changedMs);
    truth = null;
    return reply.type('application/json').send(JSON.stringify(result));
  });
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return send(reply, invalidInput(`Invalid fault settings: ${firstProblem(parsed.error).message}`, firstProblem(parsed.error).field));
    return reply.send(setFaults(parsed.data));
  });

  return { app, setFaults, faults, truth: currentTruth, stats };
}

/** The app and what the emulator's handle reaches through to it. */
export type AmazonSellerServer = ReturnType<typeof createAmazonSellerServer>;
