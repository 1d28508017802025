import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FaultInjector, type ErrorFaultSettings } from '../http/fault-injector.js';
import { parseFlatQuery, type FlatQuery } from '../http/querystring.js';
import { TokenBucketLimiter } from '../http/token-bucket.js';
import { hash32 } from '../world/prng.js';
import { apiKeyFrom, keyMode, maskKey } from './auth.js';
import type { StripeData } from './build/stripe-data.js';
import { apiError, noSuchObject, StripeApiError } from './errors.js';
import { expandObject, listExpandPaths, type ObjectLookup } from './expand.js';
import type { StripeGroundTruth } from './ground-truth.js';
import { expandParams, parseListQuery, rejectUnknownParams } from './list-query.js';
import { buildResources, type ResourceSpec } from './resources.js';
import { StripeCollection } from './collection.js';
import { applyMutation, mutationSchema, type StripeEvent } from './mutations.js';

/** The API version whose object shapes the emulator serves. */
export const STRIPE_API_VERSION = '2025-08-27.basil';
/** Stripe's default per-key request rates. */
export const DEFAULT_RATE_LIMITS = { test: 25, live: 100 } as const;

/** Error injection plus a rate override; `rateLimitPerSecond: null` restores Stripe's defaults, 0 turns limiting off. */
export interface FaultSettings extends ErrorFaultSettings {
  rateLimitPerSecond: number | null;
  /** Objects served malformed (`created` as a string), as a source's bad record would arrive. */
  malformedIds: string[];
}

export interface StripeServerOptions {
  data: StripeData;
  truth: StripeGroundTruth;
  apiKeys: readonly string[];
  faults: Partial<FaultSettings>;
}

export interface StripeServer {
  app: FastifyInstance;
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  faults(): FaultSettings;
  /** What the emulator answered so far, for tests that check a client's manners. */
  stats(): RequestStats;
}

export interface RequestStats {
  requests: number;
  rateLimited: number;
  /** 429s answered to a key that had been told 429 less than a second before: retries that did not back off. */
  rateLimitedWithinOneSecond: number;
  injectedFailures: number;
}

const faultPatchSchema = z.strictObject({
  failRate: z.number().min(0).max(1).optional(),
  failNextRequests: z.number().int().min(0).optional(),
  failStatus: z.union([z.literal(500), z.literal(502), z.literal(503)]).optional(),
  latencyMs: z.number().min(0).max(60_000).optional(),
  rateLimitPerSecond: z.number().min(0).nullable().optional(),
  malformedIds: z.array(z.string()).optional(),
});

const RATE_LIMIT_MESSAGE =
  'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.';
const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

function requestIdFor(seed: number, n: number): string {
  let id = 'req_';
  let h = hash32(seed, n);
  for (let i = 0; i < 14; i++) {
    id += ALNUM[h % 62];
    h = i % 4 === 3 ? hash32(h, n + i) : Math.floor(h / 62);
  }
  return id;
}

function sendJson(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('application/json; charset=utf-8').send(body);
}

/** Builds (but does not start) the Fastify app that answers like Stripe's REST API. */
export function createStripeServer(opts: StripeServerOptions): StripeServer {
  const { data } = opts;
  const keys = new Set(opts.apiKeys);
  const resources = buildResources(data);
  // Events exist only for changes made after the account was generated, as a fresh account's would.
  const events = new StripeCollection<StripeEvent>([]);
  resources.push({ path: 'events', objectName: 'event', collection: events, filters: [{ param: 'type', value: { kind: 'string' }, matches: (e: StripeEvent, v: string) => e.type === v }] } as unknown as ResourceSpec);
  const collection = (path: string) => resources.find((r) => r.path === path)!.collection as never;
  const discounts = new Map(data.discounts.map((d) => [d.id, d] as const));
  const lookup: ObjectLookup = (id) => {
    for (const r of resources) {
      const found = r.collection.get(id);
      if (found) return found;
    }
    return discounts.get(id);
  };
  const injector = new FaultInjector(data.seed, opts.faults);
  let rateOverride: number | null = opts.faults.rateLimitPerSecond ?? null;
  const limiter = new TokenBucketLimiter();
  let requestCount = 0;
  const stats: RequestStats = { requests: 0, rateLimited: 0, rateLimitedWithinOneSecond: 0, injectedFailures: 0 };
  const lastRateLimitMs = new Map<string, number>();

  let malformed = new Set<string>(opts.faults.malformedIds ?? []);
  const faults = (): FaultSettings => ({ ...injector.current(), rateLimitPerSecond: rateOverride, malformedIds: [...malformed] });
  const setFaults = (patch: Partial<FaultSettings>): FaultSettings => {
    const { rateLimitPerSecond, malformedIds, ...rest } = patch;
    if (malformedIds !== undefined) malformed = new Set(malformedIds);
    if (rateLimitPerSecond !== undefined) {
      rateOverride = rateLimitPerSecond;
      limiter.reset();
    }
    injector.update(rest);
    return faults();
  };

  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseFlatQuery } });

  app.addHook('onRequest', async (request, reply) => {
    reply.header('Request-Id', requestIdFor(data.seed, requestCount++));
    // Always the version whose shapes are served, whatever the client asked for: the emulator speaks one version.
    reply.header('Stripe-Version', STRIPE_API_VERSION);
    if (!request.url.startsWith('/v1/')) return;

    const key = apiKeyFrom(request.headers.authorization);
    if (key === null) throw new StripeApiError(401, 'invalid_request_error', NO_KEY_MESSAGE);
    if (!keys.has(key)) throw new StripeApiError(401, 'invalid_request_error', `Invalid API Key provided: ${maskKey(key)}`);

    const rate = rateOverride ?? DEFAULT_RATE_LIMITS[keyMode(key)];
    stats.requests++;
    if (!limiter.tryTake(key, rate)) {
      const now = Date.now();
      stats.rateLimited++;
      if (now - (lastRateLimitMs.get(key) ?? -Infinity) < 1000) stats.rateLimitedWithinOneSecond++;
      lastRateLimitMs.set(key, now);
      reply.header('Stripe-Rate-Limited-Reason', 'global-rate');
      throw new StripeApiError(429, 'invalid_request_error', RATE_LIMIT_MESSAGE, 'rate_limit');
    }
    const { latencyMs } = injector.current();
    if (latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, latencyMs));
    const failure = injector.nextFault();
    if (failure !== null) {
      stats.injectedFailures++;
      throw apiError(failure);
    }
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof StripeApiError) return sendJson(reply, error.status, JSON.stringify(error.toBody()));
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (status >= 400 && status < 500) {
      return sendJson(reply, status, JSON.stringify(new StripeApiError(status, 'invalid_request_error', (error as Error).message).toBody()));
    }
    return sendJson(reply, 500, JSON.stringify(apiError(500).toBody()));
  });

  app.setNotFoundHandler((request, reply) => {
    const message = `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`;
    return sendJson(reply, 404, JSON.stringify(new StripeApiError(404, 'invalid_request_error', message).toBody()));
  });

  const livemodeOf = (request: FastifyRequest): boolean => keyMode(apiKeyFrom(request.headers.authorization) ?? '') === 'live';

  const serve = (id: string, json: string) => (malformed.has(id) ? json.replace(/"created":\d+/, '"created":"malformed"') : json);
  for (const resource of resources) registerResource(app, resource, livemodeOf, lookup, serve);

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: data.seed, scale: data.scale, anchor: data.anchor, api_version: STRIPE_API_VERSION }));
  app.get('/_emulator/truth', async () => opts.truth);
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new StripeApiError(400, 'invalid_request_error', `Invalid fault settings: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}`, undefined, issue?.path.join('.'));
    }
    return reply.send(setFaults(parsed.data));
  });

  app.get('/_emulator/stats', async () => stats);
  app.post('/_emulator/mutate', async (request, reply) => {
    const parsed = mutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) throw new StripeApiError(400, 'invalid_request_error', `Invalid mutation: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
    const event = applyMutation(
      { customers: collection('customers'), charges: collection('charges'), subscriptions: collection('subscriptions'), events },
      parsed.data,
      data.seed,
      STRIPE_API_VERSION,
      Math.floor(Date.now() / 1000),
    );
    return reply.send(event);
  });

  return { app, setFaults, faults, stats: () => ({ ...stats }) };
}

function registerResource(
  app: FastifyInstance,
  resource: ResourceSpec,
  livemodeOf: (r: FastifyRequest) => boolean,
  lookup: ObjectLookup,
  serve: (id: string, json: string) => string,
): void {
  const { collection, path, objectName } = resource;
  const url = `/v1/${path}`;

  app.get(url, async (request, reply) => {
    const query = parseListQuery(request.query as FlatQuery, resource.filters);
    const cursorIndex = (id: string | null, param: string): number | null => {
      if (id === null) return null;
      const i = collection.indexOf(id);
      if (i === undefined) throw noSuchObject(objectName, id, param, 400);
      return i;
    };
    const page = collection.page({
      limit: query.limit,
      after: cursorIndex(query.startingAfter, 'starting_after'),
      before: cursorIndex(query.endingBefore, 'ending_before'),
      created: query.created,
      matches: query.matches,
    });
    const live = livemodeOf(request);
    const expand = listExpandPaths(query.expand);
    const items = page.indices.map((i) =>
      serve(
        collection.items[i]!.id,
        expand.length === 0 ? collection.json(i, live) : withLivemode(JSON.stringify(expandObject(collection.items[i]!, expand, lookup)), live),
      ),
    );
    return sendJson(reply, 200, `{"object":"list","data":[${items.join(',')}],"has_more":${page.hasMore},"url":"${url}"}`);
  });

  app.get<{ Params: { id: string } }>(`${url}/:id`, async (request, reply) => {
    const query = request.query as FlatQuery;
    rejectUnknownParams(query, (key) => key === 'expand' || key === 'expand[]' || /^expand\[\d+\]$/.test(key));
    const index = collection.indexOf(request.params.id);
    if (index === undefined) throw noSuchObject(objectName, request.params.id, 'id');
    const live = livemodeOf(request);
    const expand = expandParams(query);
    const body = expand.length === 0 ? collection.json(index, live) : withLivemode(JSON.stringify(expandObject(collection.items[index]!, expand, lookup)), live);
    return sendJson(reply, 200, body);
  });
}

function withLivemode(json: string, live: boolean): string {
  return live ? json.replaceAll('"livemode":false', '"livemode":true') : json;
}
