import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { installMalformedRecords } from '../http/malformed-records.js';
import { z } from 'zod';
import { parseFlatQuery } from '../http/querystring.js';
import { hash32 } from '../world/index.js';
import { BigCommerceError, notFound, serverError, versionOf } from './errors.js';
import { FixedWindowLimiter, type WindowState } from '../http/fixed-window-limiter.js';
import { changeClock } from '../http/account-clock.js';
import { firstProblem } from '../http/mutation-input.js';
import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';
import type { BigCommerceGroundTruth } from './ground-truth.js';
import { applyBcMutation, bcMutationSchema } from './mutations.js';
import { registerOrderRoutes } from './order-routes.js';
import { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from '../http/service-faults.js';
import type { BigCommerceStore } from './types.js';
import { registerV3Routes } from './v3-routes.js';

/** BigCommerce's quota for Standard and Plus stores: 150 requests per 30-second window, shared by every app on the store. */
export const DEFAULT_RATE_LIMIT = { quota: 150, windowMs: 30_000 } as const;
/** The quota headers report when limiting is off, so clients that pace themselves never stall. */
const UNLIMITED_QUOTA = 1_000_000;

/** Error injection, the outage window and the store's request quota (0 turns limiting off). */
export interface BigCommerceFaultSettings extends ServiceFaultSettings {
  rateLimitQuota: number;
  rateLimitWindowMs: number;
}

export interface BigCommerceServerOptions {
  store: BigCommerceStore;
  /** Computes the ground truth of the store as it stands; called again after every change. */
  computeTruth(): BigCommerceGroundTruth;
  accessTokens: readonly string[];
  faults: Partial<BigCommerceFaultSettings>;
}

export interface BigCommerceServer {
  app: FastifyInstance;
  setFaults(patch: Partial<BigCommerceFaultSettings>): BigCommerceFaultSettings;
  faults(): BigCommerceFaultSettings;
  truth(): BigCommerceGroundTruth;
  /** How clients behaved under the quota. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

const faultPatchSchema = serviceFaultPatchSchema.extend({
  rateLimitQuota: z.number().int().min(0).optional(),
  rateLimitWindowMs: z.number().int().min(1).max(3_600_000).optional(),
});

function setRateHeaders(reply: FastifyReply, state: WindowState): void {
  reply.header('X-Rate-Limit-Requests-Left', String(state.left));
  reply.header('X-Rate-Limit-Requests-Quota', String(state.quota));
  reply.header('X-Rate-Limit-Time-Window-Ms', String(state.windowMs));
  reply.header('X-Rate-Limit-Time-Reset-Ms', String(state.resetMs));
}

/** A 32-hex-digit request id that is the same for the same request number and seed. */
function requestId(seed: number, n: number): string {
  return [0, 1, 2, 3].map((i) => hash32(seed + i, n).toString(16).padStart(8, '0')).join('');
}

/** Builds (but does not start) the Fastify app that answers like BigCommerce's REST management API for one store. */
export function createBigCommerceServer(opts: BigCommerceServerOptions): BigCommerceServer {
  const { store } = opts;
  // A change a test makes happens now, after the store's history, which ends at its anchor.
  const changeNowMs = changeClock(store.anchor);
  const tokens = new Set(opts.accessTokens);
  const serviceFaults = new ServiceFaults(store.seed, opts.faults);
  let quota = opts.faults.rateLimitQuota ?? DEFAULT_RATE_LIMIT.quota;
  // With limiting off the window still runs, so the headers keep counting down a generous quota.
  const limiter = new FixedWindowLimiter(quota > 0 ? quota : UNLIMITED_QUOTA, opts.faults.rateLimitWindowMs ?? DEFAULT_RATE_LIMIT.windowMs);
  let requestCount = 0;
  const watch = new RateLimitWatch();
  let truth = opts.computeTruth();

  const faults = (): BigCommerceFaultSettings => ({ ...serviceFaults.current(), rateLimitQuota: quota, rateLimitWindowMs: limiter.settings().windowMs });
  const setFaults = (patch: Partial<BigCommerceFaultSettings>): BigCommerceFaultSettings => {
    const { rateLimitQuota, rateLimitWindowMs, ...rest } = patch;
    if (rateLimitQuota !== undefined || rateLimitWindowMs !== undefined) {
      quota = rateLimitQuota ?? quota;
      limiter.configure(quota > 0 ? quota : UNLIMITED_QUOTA, rateLimitWindowMs ?? limiter.settings().windowMs);
    }
    serviceFaults.update(rest);
    return faults();
  };

  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseFlatQuery } });
  installMalformedRecords(app);
  const originOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

  app.addHook('onRequest', async (request, reply) => {
    reply.header('X-Request-ID', requestId(store.seed, requestCount++));
    if (!request.url.startsWith('/stores/')) return;
    const hash = request.url.split('/')[2]?.split('?')[0];
    if (hash !== store.storeHash) throw notFound();

    const token = request.headers['x-auth-token'];
    if (typeof token !== 'string' || token === '') {
      setRateHeaders(reply, limiter.peek(store.storeHash));
      throw new BigCommerceError(401, 'No credentials were supplied in the request.');
    }
    if (!tokens.has(token)) {
      setRateHeaders(reply, limiter.peek(store.storeHash));
      throw new BigCommerceError(401, 'The access token supplied is not valid for this store.');
    }

    watch.request(token);
    // The whole store shares one quota, whichever token asks.
    const state = limiter.take(store.storeHash);
    setRateHeaders(reply, state);
    if (!state.allowed) {
      // X-Rate-Limit-Time-Reset-Ms is the exact wait; X-Retry-After rounds it up to whole seconds.
      watch.refused(token, state.resetMs);
      reply.header('X-Retry-After', String(Math.max(1, Math.ceil(state.resetMs / 1000))));
      throw new BigCommerceError(429, 'Too many requests. The store has used its API quota for this window; retry after X-Rate-Limit-Time-Reset-Ms.');
    }
    const outage = serviceFaults.outage();
    if (outage !== null) throw serverError(outage);
    const failure = await serviceFaults.nextFault();
    if (failure !== null) throw serverError(failure);
  });

  app.setErrorHandler((error, request, reply) => {
    const version = versionOf(request.url);
    const known =
      error instanceof BigCommerceError
        ? error
        : typeof (error as { statusCode?: unknown }).statusCode === 'number' && (error as { statusCode: number }).statusCode < 500
          ? new BigCommerceError((error as { statusCode: number }).statusCode, (error as Error).message)
          : serverError(500);
    return reply.code(known.status).type('application/json').send(JSON.stringify(known.body(version)));
  });

  app.setNotFoundHandler((request, reply) => reply.code(404).type('application/json').send(JSON.stringify(notFound().body(versionOf(request.url)))));

  registerOrderRoutes(app, store, originOf);
  registerV3Routes(app, store);

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: store.seed, scale: store.scale, anchor: store.anchor, store_hash: store.storeHash }));
  app.get('/_emulator/truth', async () => truth);
  app.get('/_emulator/stats', async () => watch.stats());
  app.post('/_emulator/mutate', async (request, reply) => {
    const parsed = bcMutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problem = firstProblem(parsed.error);
      const error = new BigCommerceError(400, problem.detail, { [problem.field]: problem.message });
      return reply.code(400).type('application/json').send(JSON.stringify(error.body('v3')));
    }
    // Orders live in v2 and customers in v3: each answers, and fails, in its own version's shape.
    const version = parsed.data.action === 'refund_order' ? 'v2' : 'v3';
    try {
      const result = applyBcMutation(store, parsed.data, changeNowMs());
      truth = opts.computeTruth();
      return reply.send(result.version === 'v2' ? result.order : { data: [result.customer], meta: {} });
    } catch (err) {
      if (!(err instanceof BigCommerceError)) throw err;
      return reply.code(err.status).type('application/json').send(JSON.stringify(err.body(version)));
    }
  });
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply.code(400).send({ error: `Invalid fault settings: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
    }
    return reply.send(setFaults(parsed.data));
  });

  return { app, setFaults, faults, truth: () => truth, stats: () => watch.stats(), announcedWaits: () => watch.announcedWaits() };
}
