import type { FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createEmulatorApp, registerControlReads } from '../http/emulator-app.js';
import { accountClock, toTheSecondMs } from '../http/account-clock.js';
import { firstProblem } from '../http/mutation-input.js';
import type { RateLimitStats } from '../http/rate-limit-watch.js';
import { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from '../http/service-faults.js';
import { asSpApiError, invalidInput, notFound, quotaExceeded, serverError, type SpApiError, unauthorized } from './errors.js';
import { computeAmazonSellerTruth, type AmazonSellerGroundTruth } from './ground-truth.js';
import { hashedChars, uuidOf } from './ids.js';
import { applyAmazonSellerMutation, amazonSellerMutationSchema } from './mutations.js';
import { registerOrdersRoutes } from './orders-routes.js';
import { PresignedUrls } from './presigned-urls.js';
import { LwaTokenIssuer, type LwaApplication, type LwaStats } from './lwa.js';
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

/** Rate-limit manners, report use and access tokens, as `GET /_emulator/stats` answers. */
export interface AmazonSellerStats extends RateLimitStats, ReportStats, LwaStats {}

export interface AmazonSellerServerOptions {
  account: SellerAccount;
  /** A token taken as issued when the server is built; it expires like any other. */
  accessToken: string;
  /** The application and seller authorization the token endpoint accepts. */
  lwa: LwaApplication;
  /** How long an issued access token works. */
  accessTokenTtlSeconds: number;
  /** The clock access tokens are issued and expire by (never before the anchor). Default the real one. */
  now?: () => number;
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

/** Where LWA's token endpoint is served: `https://api.amazon.com/auth/o2/token` at Amazon. */
export const LWA_TOKEN_PATH = '/auth/o2/token';

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
  // The account's clock never runs behind its data, even when the world is anchored ahead of the clock.
  const nowMs = accountClock(account.anchor);
  const serviceFaults = new ServiceFaults(account.seed, opts.faults);
  const limiter = new UsagePlanLimiter(opts.rateScale);
  const reports = new ReportStore(account, opts.reportProcessingMs);
  const urls = new PresignedUrls(account.seed, opts.documentUrlTtlMs);
  const lwa = new LwaTokenIssuer(account.seed, opts.lwa, opts.accessTokenTtlSeconds, accountClock(account.anchor, opts.now));
  lwa.mint(opts.accessToken);
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
  const stats = (): AmazonSellerStats => ({ ...limiter.stats(), ...reports.stats(), ...lwa.stats() });
  const currentTruth = (): AmazonSellerGroundTruth => (truth ??= computeAmazonSellerTruth(account, asOfMs));
  const s3RequestId = (): string => hashedChars(account.seed, 's3-request', requestNumber++, 16, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');

  // Orders and their lines are named by Amazon's own ids; no record has a plain `id`.
  const app = createEmulatorApp({ recordIdFields: ['AmazonOrderId', 'OrderItemId'] });

  // The token endpoint is LWA's (api.amazon.com), not the SP-API's: it takes a form and answers OAuth 2.0 JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });
  app.post(LWA_TOKEN_PATH, async (request, reply) => {
    const form = request.headers['content-type']?.startsWith('application/x-www-form-urlencoded') ? (request.body as Record<string, unknown>) : {};
    const answer = lwa.grant(form ?? {});
    return reply.code(answer.status).header('cache-control', 'no-store').header('pragma', 'no-cache').type('application/json;charset=UTF-8').send(JSON.stringify(answer.body));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/_emulator/') || request.url.split('?')[0] === LWA_TOKEN_PATH) return;
    if (request.url.startsWith(bucketPrefix)) {
      reply.header('x-amz-request-id', s3RequestId());
      return;
    }
    reply.header('x-amzn-RequestId', uuidOf(account.seed, 'request', requestNumber++));
    const token = request.headers['x-amz-access-token'];
    if (typeof token !== 'string' || token === '') throw unauthorized('missing');
    const held = lwa.check(token);
    if (held.state !== 'valid') throw unauthorized(held.state);
    const operation = OPERATIONS[`${request.method} ${request.routeOptions.url ?? ''}`];
    if (operation === undefined) return;
    // Usage plans belong to the seller's authorization of the app, not to one access token of it.
    if (!limiter.admit(held.grant, operation)) throw quotaExceeded();
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
    const changedMs = toTheSecondMs(nowMs());
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

  return { app, setFaults, faults, truth: currentTruth, stats, announcedWaits: () => limiter.announcedWaits() };
}

/** The app and what the emulator's handle reaches through to it. */
export type AmazonSellerServer = ReturnType<typeof createAmazonSellerServer>;
