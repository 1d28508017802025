import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { installMalformedRecords } from '../http/malformed-records.js';
import { z } from 'zod';
import { FixedWindowLimiter } from '../http/fixed-window-limiter.js';
import { changeClock } from '../http/account-clock.js';
import { firstProblem } from '../http/mutation-input.js';
import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';
import { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from '../http/service-faults.js';
import type { CartProduct } from './cart-catalog.js';
import type { ThriveCartGroundTruth } from './ground-truth.js';
import { applyTcMutation, tcMutationSchema, TcMutationError } from './mutations.js';
import { BadRequest, pageOfTransactions, parseTransactionQuery } from './transaction-query.js';
import type { ThriveCartAccount } from './types.js';

/** ThriveCart's documented limit: 60 requests a minute per connected account. */
export const DEFAULT_REQUESTS_PER_MINUTE = 60;
const API = '/api/external';

/** Error injection, the outage window and the per-minute request limit (0 turns limiting off). */
export interface ThriveCartFaultSettings extends ServiceFaultSettings {
  /** Requests allowed per window: a minute, as ThriveCart counts, unless `rateLimitWindowMs` shortens it. */
  rateLimitPerMinute: number;
  /** The window the limit counts over; tests shorten it so that a Retry-After lasts seconds, not up to a minute. */
  rateLimitWindowMs: number;
}

export interface ThriveCartServerOptions {
  account: ThriveCartAccount;
  products: readonly CartProduct[];
  /** Computes the ground truth of the account as it stands; called again after every change. */
  computeTruth(): ThriveCartGroundTruth;
  apiKeys: readonly string[];
  faults: Partial<ThriveCartFaultSettings>;
}

export interface ThriveCartServer {
  app: FastifyInstance;
  setFaults(patch: Partial<ThriveCartFaultSettings>): ThriveCartFaultSettings;
  faults(): ThriveCartFaultSettings;
  truth(): ThriveCartGroundTruth;
  /** How clients behaved under the rate limit. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

const faultPatchSchema = serviceFaultPatchSchema.extend({
  rateLimitPerMinute: z.number().int().min(0).optional(),
  rateLimitWindowMs: z.number().int().min(1).max(3_600_000).optional(),
});

class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly description?: string,
  ) {
    super(description ?? error);
  }
}

/** Query string and form or JSON body merged, the body winning, every value as a string. */
function paramsOf(request: FastifyRequest): Record<string, string> {
  const out: Record<string, string> = {};
  for (const source of [request.query, request.body]) {
    if (source === null || typeof source !== 'object') continue;
    for (const [k, v] of Object.entries(source as Record<string, unknown>)) {
      const value = Array.isArray(v) ? v[v.length - 1] : v;
      if (value !== undefined && value !== null) out[k] = String(value);
    }
  }
  return out;
}

/** Builds (but does not start) the Fastify app that answers like ThriveCart's external API for one account. */
export function createThriveCartServer(opts: ThriveCartServerOptions): ThriveCartServer {
  const { account } = opts;
  // A change a test makes happens now, after the account's history, which ends at its anchor.
  const changeNowMs = changeClock(account.anchor);
  const keys = new Set(opts.apiKeys);
  const serviceFaults = new ServiceFaults(account.seed, opts.faults);
  let perMinute = opts.faults.rateLimitPerMinute ?? DEFAULT_REQUESTS_PER_MINUTE;
  const limiter = new FixedWindowLimiter(perMinute, opts.faults.rateLimitWindowMs ?? 60_000);
  const accountUrl = `https://${account.accountName}.thrivecart.com/`;
  const watch = new RateLimitWatch();
  let truth = opts.computeTruth();

  const faults = (): ThriveCartFaultSettings => ({ ...serviceFaults.current(), rateLimitPerMinute: perMinute, rateLimitWindowMs: limiter.settings().windowMs });
  const setFaults = (patch: Partial<ThriveCartFaultSettings>): ThriveCartFaultSettings => {
    const { rateLimitPerMinute, rateLimitWindowMs, ...rest } = patch;
    if (rateLimitPerMinute !== undefined || rateLimitWindowMs !== undefined) {
      perMinute = rateLimitPerMinute ?? perMinute;
      limiter.configure(perMinute, rateLimitWindowMs ?? limiter.settings().windowMs);
    }
    serviceFaults.update(rest);
    return faults();
  };

  const app = Fastify({ logger: false });
  installMalformedRecords(app);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, Object.fromEntries(new URLSearchParams(String(body))));
  });

  app.addHook('onRequest', async (request, reply: FastifyReply) => {
    if (!request.url.startsWith(`${API}/`)) return;
    const auth = request.headers.authorization?.trim() ?? '';
    const [scheme = '', key = ''] = auth.split(/\s+/, 2);
    if (scheme.toLowerCase() !== 'bearer' || key === '') throw new ApiError(401, 'auth.missing');
    if (!keys.has(key)) throw new ApiError(401, 'invalid_token', 'The access token provided is invalid');
    watch.request(key);
    if (perMinute > 0) {
      // The limit is per connected account, so every key of the account draws on the same minute.
      const state = limiter.take(account.accountName);
      if (!state.allowed) {
        // ThriveCart answers an exhausted minute with an empty text/plain 429; Retry-After says when the minute ends.
        const retryAfterSeconds = Math.max(1, Math.ceil(state.resetMs / 1000));
        watch.refused(key, retryAfterSeconds * 1000);
        reply.header('Retry-After', String(retryAfterSeconds));
        return reply.code(429).type('text/plain').send('');
      }
    }
    const outage = serviceFaults.outage();
    if (outage !== null) throw new ApiError(outage, 'service_unavailable', 'ThriveCart is temporarily unavailable. Please try again shortly.');
    const failure = await serviceFaults.nextFault();
    if (failure !== null) throw new ApiError(failure, 'server_error', 'An unexpected error occurred.');
    reply.header('X-ThriveCart-Account-Name', account.accountName);
    reply.header('X-ThriveCart-Account-URL', accountUrl);
  });

  app.setErrorHandler((error, _request, reply) => {
    const known =
      error instanceof ApiError
        ? error
        : error instanceof TcMutationError
          ? new ApiError(error.status, error.error, error.description)
          : error instanceof BadRequest
          ? new ApiError(400, 'invalid_request', error.message)
          : new ApiError(typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500, 'server_error', (error as Error).message);
    const body = known.description === undefined ? { error: known.error } : { error: known.error, error_description: known.description };
    return reply.code(known.status).type('application/json').send(JSON.stringify(body));
  });
  app.setNotFoundHandler((_request, reply) => reply.code(404).type('application/json').send(JSON.stringify({ error: 'not_found' })));

  app.get(`${API}/ping`, async () => ({
    account_name: account.accountName,
    account_id: '1',
    account_version: 'pro',
    account_url: accountUrl,
    user_id: '1',
    user_username: `owner@${account.accountName}.example`,
    user_name: 'Account Owner',
    custom_domain_enabled: false,
    custom_domain: null,
  }));

  app.get(`${API}/products`, async () =>
    opts.products.map((p) => ({
      product_id: String(p.product_id),
      name: p.name,
      label: '',
      url: `${accountUrl}${p.product_key.replace(/_/g, '-')}/`,
      embed_type: 'standard',
      status: p.active ? '2' : '1',
      statusString: p.active ? 'live' : 'test',
      type: '1',
      typeString: 'digital',
    })),
  );

  const transactions = async (request: FastifyRequest): Promise<unknown> => {
    const { total, page } = pageOfTransactions(account.transactions, parseTransactionQuery(paramsOf(request)));
    return { transactions: page, meta: { total, results: page.length } };
  };
  app.get(`${API}/transactions`, transactions);
  app.post(`${API}/transactions`, transactions);

  const customer = async (request: FastifyRequest): Promise<unknown> => {
    const email = (paramsOf(request).email ?? '').trim().toLowerCase();
    if (email === '') throw new ApiError(400, 'invalid_request', 'You must provide an email address.');
    const view = account.customers.get(email);
    if (!view) throw new ApiError(404, 'There are no orders associated with this customer.');
    return view;
  };
  app.post(`${API}/customer`, customer);
  app.get(`${API}/customer`, customer);

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: account.seed, scale: account.scale, anchor: account.anchor, account_name: account.accountName }));
  app.get('/_emulator/truth', async () => truth);
  app.get('/_emulator/stats', async () => watch.stats());
  app.post('/_emulator/mutate', async (request) => {
    const parsed = tcMutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw new ApiError(400, 'invalid_request', firstProblem(parsed.error).detail);
    const event = applyTcMutation(account, parsed.data, changeNowMs());
    truth = opts.computeTruth();
    return event;
  });
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return reply.code(400).send({ error: 'invalid_request', error_description: `Invalid fault settings: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` });
    }
    return reply.send(setFaults(parsed.data));
  });

  return { app, setFaults, faults, truth: () => truth, stats: () => watch.stats(), announcedWaits: () => watch.announcedWaits() };
}
