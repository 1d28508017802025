import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { FaultInjector, type ErrorFaultSettings } from '../http/fault-injector.js';
import { changeClock } from '../http/account-clock.js';
import { parseFlatQuery, type FlatQuery } from '../http/querystring.js';
import { RateLimitWatch, type WaitRecord } from '../http/rate-limit-watch.js';
import { TokenBucketLimiter } from '../http/token-bucket.js';
import { hash32 } from '../world/prng.js';
import { apiKeyFrom, keyMode, maskKey } from './auth.js';
import type { StripeData } from './build/stripe-data.js';
import { withStripeDecimals } from './decimals.js';
import { apiError, noSuchObject, StripeApiError } from './errors.js';
import { expandObject, listExpandPaths, type IncludableLookup, type ObjectLookup } from './expand.js';
import type { StripeGroundTruth } from './ground-truth.js';
import { expandParams, parseListQuery, rejectUnknownParams, type FilterSpec } from './list-query.js';
import { buildResources, type ResourceSpec } from './resources.js';
import { StripeCollection } from './collection.js';
import { historyEvents } from './history-events.js';
import { applyMutation, eventObject, mutationSchema, type EventRendering, type StripeEvent } from './mutations.js';
import { paymentIntentObject } from './objects/payment-intent.js';
import type { StripeCharge } from './objects/charge.js';
import { LATEST_API_VERSION, renderForVersion, requestedVersion, type ApiVersion, type RenderLookup } from './versions.js';

/** The newest API version the emulator serves, whose shapes its objects are built in. */
export const STRIPE_API_VERSION = LATEST_API_VERSION;
/** Stripe's default per-key request rates. */
export const DEFAULT_RATE_LIMITS = { test: 25, live: 100 } as const;

/** Error injection plus a rate override; `rateLimitPerSecond: null` restores Stripe's defaults, 0 turns limiting off. */
export interface FaultSettings extends ErrorFaultSettings {
  rateLimitPerSecond: number | null;
  /**
   * The wait a 429 names in `Retry-After`, in seconds; null names none, as Stripe's rate limiter
   * usually does (its client libraries honour the header where it is sent).
   */
  retryAfterSeconds: number | null;
  /** Objects served malformed (`created` as a string), as a source's bad record would arrive. */
  malformedIds: string[];
  /** API paths (`/v1/events`) answered 404 "Unrecognized request URL", as Stripe answers a path it does not serve. */
  missingPaths: string[];
}

export interface StripeServerOptions {
  data: StripeData;
  truth: StripeGroundTruth;
  apiKeys: readonly string[];
  faults: Partial<FaultSettings>;
  /** The account's default API version, used where a request sends no `Stripe-Version`. Default the newest. */
  apiVersion?: ApiVersion;
}

export interface StripeServer {
  app: FastifyInstance;
  setFaults(patch: Partial<FaultSettings>): FaultSettings;
  faults(): FaultSettings;
  /** What the emulator answered so far, for tests that check a client's manners. */
  stats(): RequestStats;
  /** Every 429 that named a wait, with when the key's next request came. */
  announcedWaits(): WaitRecord[];
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
  retryAfterSeconds: z.number().int().min(1).max(60).nullable().optional(),
  malformedIds: z.array(z.string()).optional(),
  missingPaths: z.array(z.string().startsWith('/v1/')).optional(),
});

const RATE_LIMIT_MESSAGE =
  'Request rate limit exceeded. You can learn more about rate limits here https://stripe.com/docs/rate-limits.';
const NO_KEY_MESSAGE =
  "You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. 'Authorization: Bearer YOUR_SECRET_KEY'). See https://stripe.com/docs/api#authentication for details, or we can help at https://support.stripe.com/.";
const NOT_CONNECT_MESSAGE =
  "Only Stripe Connect platforms can work with other accounts. If you specified a client_id parameter, make sure it's correct. If you need to setup a Stripe Connect platform, you can do so at https://dashboard.stripe.com/account/applications/settings.";
const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** Stripe's 404 for a path it does not serve. */
function unrecognizedUrl(method: string, path: string): StripeApiError {
  return new StripeApiError(404, 'invalid_request_error', `Unrecognized request URL (${method}: ${path}). Please see https://stripe.com/docs or we can help at https://support.stripe.com/.`);
}

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
  return reply.code(status).type('application/json; charset=utf-8').send(withStripeDecimals(body));
}

/** Builds (but does not start) the Fastify app that answers like Stripe's REST API. */
export function createStripeServer(opts: StripeServerOptions): StripeServer {
  const { data } = opts;
  const keys = new Set(opts.apiKeys);
  // A change a test makes happens now, after the account's history, which ends at its anchor.
  const changeNowMs = changeClock(data.anchor);
  const resources = buildResources(data);
  // The events of the last 30 days before the anchor, written below once rendering is set up; changes
  // made later add theirs.
  const events = new StripeCollection<StripeEvent>([]);
  resources.push({ path: 'events', objectName: 'event', collection: events, filters: EVENT_FILTERS, renderedAtCreation: true } as unknown as ResourceSpec);
  const collection = (path: string) => resources.find((r) => r.path === path)!.collection as never;
  const discounts = new Map(data.discounts.map((d) => [d.id, d] as const));
  const charges = collection('charges') as StripeCollection<StripeCharge>;
  // An intent's latest charge is its newest attempt (a declined card retried makes several).
  const chargeOfPaymentIntent = new Map([...data.charges].sort((a, b) => a.created - b.created).map((c) => [c.payment_intent, c.id] as const));
  const lookup: ObjectLookup = (id) => {
    for (const r of resources) {
      const found = r.collection.get(id);
      if (found) return found;
    }
    const charge = charges.get(chargeOfPaymentIntent.get(id) ?? '');
    if (charge) return paymentIntentObject(charge);
    return discounts.get(id);
  };
  const subscriptionItems = new Map(data.subscriptions.flatMap((s) => s.items.data.map((item) => [item.id, item] as const)));
  const paymentsOfInvoice = new Map(data.invoice_payments.map((p) => [p.invoice, [p]] as const));
  // An invoice payment names the intent; the intent's charge is the one that paid the invoice.
  const invoiceCharges = new Map(data.invoice_payments.map((p) => [p.invoice, { charge: chargeOfPaymentIntent.get(p.payment.payment_intent)!, payment_intent: p.payment.payment_intent }] as const));
  const chargeInvoices = new Map([...invoiceCharges].map(([invoice, paidBy]) => [paidBy.charge, invoice] as const));
  const renderLookup: RenderLookup = {
    coupon: (id) => (collection('coupons') as StripeCollection<{ id: string; created: number }>).get(id),
    discount: (id) => discounts.get(id),
    subscriptionItem: (id) => subscriptionItems.get(id),
    invoiceCharge: (id) => invoiceCharges.get(id),
    chargeInvoice: (id) => chargeInvoices.get(id),
  };
  const subscriptions = collection('subscriptions') as StripeCollection<{ id: string; created: number; customer: string; status: string }>;
  // A customer's lists that Stripe leaves out unless expanded: legacy sources and tax ids (the
  // emulated customers have none) and the subscriptions that have not been canceled. An invoice's
  // payments (since basil; before, the invoice named its `charge`) are left out too: the default
  // payment of an invoice a charge paid, none for one paid outside Stripe or with nothing to pay.
  const include: IncludableLookup = (obj, field) => {
    if (obj.object === 'invoice' && field === 'payments' && !('charge' in obj)) {
      return { object: 'list', data: paymentsOfInvoice.get(String(obj.id)) ?? [], has_more: false, url: `/v1/invoices/${String(obj.id)}/payments` };
    }
    if (obj.object !== 'customer') return undefined;
    const url = `/v1/customers/${String(obj.id)}/${field}`;
    if (field === 'sources' || field === 'tax_ids') return { object: 'list', data: [], has_more: false, url };
    if (field !== 'subscriptions') return undefined;
    const current = subscriptions.items.filter((sub) => sub.customer === obj.id && sub.status !== 'canceled');
    return { object: 'list', data: current, has_more: false, url };
  };
  const accountVersion = opts.apiVersion ?? LATEST_API_VERSION;
  // The version each request asked for, settled once when it arrives.
  const versions = new WeakMap<FastifyRequest, ApiVersion>();
  const versionOf = (request: FastifyRequest): ApiVersion => versions.get(request) ?? accountVersion;
  const render = (value: unknown, version: ApiVersion) => renderForVersion(value, version, renderLookup);
  const rendering: EventRendering = { apiVersion: accountVersion, render: (object) => render(object, accountVersion) };
  events.insertAll(historyEvents(data).map((e, n) => eventObject(data.seed, n, e, rendering)));
  const injector = new FaultInjector(data.seed, opts.faults);
  let rateOverride: number | null = opts.faults.rateLimitPerSecond ?? null;
  let retryAfterSeconds: number | null = opts.faults.retryAfterSeconds ?? null;
  const limiter = new TokenBucketLimiter();
  const watch = new RateLimitWatch();
  let requestCount = 0;
  const stats: RequestStats = { requests: 0, rateLimited: 0, rateLimitedWithinOneSecond: 0, injectedFailures: 0 };
  const lastRateLimitMs = new Map<string, number>();

  let malformed = new Set<string>(opts.faults.malformedIds ?? []);
  let missing = new Set<string>(opts.faults.missingPaths ?? []);
  const faults = (): FaultSettings => ({ ...injector.current(), rateLimitPerSecond: rateOverride, retryAfterSeconds, malformedIds: [...malformed], missingPaths: [...missing] });
  const setFaults = (patch: Partial<FaultSettings>): FaultSettings => {
    const { rateLimitPerSecond, retryAfterSeconds: retryAfter, malformedIds, missingPaths, ...rest } = patch;
    if (retryAfter !== undefined) retryAfterSeconds = retryAfter;
    if (malformedIds !== undefined) malformed = new Set(malformedIds);
    if (missingPaths !== undefined) missing = new Set(missingPaths);
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
    reply.header('Stripe-Version', accountVersion);
    if (!request.url.startsWith('/v1/')) return;

    const key = apiKeyFrom(request.headers.authorization);
    if (key === null || !keys.has(key)) {
      // As Stripe does: the challenge names the scheme the client tried, Basic when it sent none.
      const bearer = /^\s*bearer\b/i.test(request.headers.authorization ?? '');
      reply.header('WWW-Authenticate', `${bearer ? 'Bearer' : 'Basic'} realm="Stripe"`);
      throw new StripeApiError(401, 'invalid_request_error', key === null ? NO_KEY_MESSAGE : `Invalid API Key provided: ${maskKey(key)}`);
    }
    const version = requestedVersion(request.headers['stripe-version'], accountVersion);
    versions.set(request, version);
    reply.header('Stripe-Version', version);
    // A non-Connect account may name only itself in Stripe-Account.
    const onBehalfOf = request.headers['stripe-account'];
    if (onBehalfOf !== undefined && onBehalfOf !== data.accountId) throw new StripeApiError(403, 'invalid_request_error', NOT_CONNECT_MESSAGE);

    const rate = rateOverride ?? DEFAULT_RATE_LIMITS[keyMode(key)];
    stats.requests++;
    watch.request(key);
    if (!limiter.tryTake(key, rate)) {
      const now = Date.now();
      stats.rateLimited++;
      if (now - (lastRateLimitMs.get(key) ?? -Infinity) < 1000) stats.rateLimitedWithinOneSecond++;
      lastRateLimitMs.set(key, now);
      watch.refused(key, (retryAfterSeconds ?? 0) * 1000);
      if (retryAfterSeconds !== null) reply.header('Retry-After', String(retryAfterSeconds));
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
    const path = request.url.split('?')[0]!;
    if (missing.has(path)) {
      stats.injectedFailures++;
      throw unrecognizedUrl(request.method, path);
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

  app.setNotFoundHandler((request, reply) => sendJson(reply, 404, JSON.stringify(unrecognizedUrl(request.method, request.url.split('?')[0]!).toBody())));

  const livemodeOf = (request: FastifyRequest): boolean => keyMode(apiKeyFrom(request.headers.authorization) ?? '') === 'live';

  const serve = (id: string, json: string) => (malformed.has(id) ? json.replace(/"created":\d+/, '"created":"malformed"') : json);
  const context: ServeContext = { livemodeOf, versionOf, lookup, include, render, serve };
  for (const resource of resources) registerResource(app, resource, context);

  // A non-Connect account has no connected accounts; the list is empty, its parameters still checked.
  app.get('/v1/accounts', async (request, reply) => {
    parseListQuery(request.query as FlatQuery, []);
    return sendJson(reply, 200, '{"object":"list","data":[],"has_more":false,"url":"/v1/accounts"}');
  });

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: data.seed, scale: data.scale, anchor: data.anchor, api_version: accountVersion }));
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
    const recorded = applyMutation(
      { customers: collection('customers'), charges: collection('charges'), refunds: collection('refunds'), invoices: collection('invoices'), subscriptions: collection('subscriptions'), events },
      parsed.data,
      data.seed,
      // Stripe writes an event in the account's default version of the moment, whatever a request pins.
      rendering,
      changeNowMs() / 1000,
    );
    return reply.send({ events: recorded });
  });

  return { app, setFaults, faults, stats: () => ({ ...stats }), announcedWaits: () => watch.announcedWaits() };
}

/** What every resource route needs from the server: the key's mode, the version asked for, and how to look up, include, render and serve objects. */
interface ServeContext {
  livemodeOf(r: FastifyRequest): boolean;
  versionOf(r: FastifyRequest): ApiVersion;
  lookup: ObjectLookup;
  include: IncludableLookup;
  render(value: unknown, version: ApiVersion): unknown;
  serve(id: string, json: string): string;
}

function registerResource(app: FastifyInstance, resource: ResourceSpec, ctx: ServeContext): void {
  const { collection, path, objectName } = resource;
  const url = `/v1/${path}`;

  /** One object's JSON as the request's version and expansions show it; the cached text where neither changes it. */
  const body = (index: number, request: FastifyRequest, expand: readonly string[]): string => {
    const live = ctx.livemodeOf(request);
    const version = ctx.versionOf(request);
    const item = collection.items[index]!;
    const asIs = resource.renderedAtCreation || version === LATEST_API_VERSION;
    if (asIs && expand.length === 0) return ctx.serve(item.id, collection.json(index, live));
    const rendered = asIs ? item : (ctx.render(item, version) as typeof item);
    const lookup: ObjectLookup = (id) => {
      const found = ctx.lookup(id);
      return found && (ctx.render(found, version) as object);
    };
    const include: typeof ctx.include = (obj, field) => {
      const value = ctx.include(obj, field);
      return value === undefined ? undefined : ctx.render(value, version);
    };
    return ctx.serve(item.id, withLivemode(JSON.stringify(expand.length === 0 ? rendered : expandObject(rendered, expand, lookup, include)), live));
  };

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
    const expand = listExpandPaths(query.expand);
    const items = page.indices.map((i) => body(i, request, expand));
    return sendJson(reply, 200, `{"object":"list","data":[${items.join(',')}],"has_more":${page.hasMore},"url":"${url}"}`);
  });

  app.get<{ Params: { id: string } }>(`${url}/:id`, async (request, reply) => {
    const query = request.query as FlatQuery;
    rejectUnknownParams(query, (key) => key === 'expand' || key === 'expand[]' || /^expand\[\d+\]$/.test(key));
    const index = collection.indexOf(request.params.id);
    if (index === undefined) throw noSuchObject(objectName, request.params.id, 'id');
    return sendJson(reply, 200, body(index, request, expandParams(query)));
  });
}

function withLivemode(json: string, live: boolean): string {
  return live ? json.replaceAll('"livemode":false', '"livemode":true') : json;
}

/** /v1/events filters: `type` (a `*` stands for any run of characters, as in `customer.*`) or `types[]`, never both. */
const EVENT_FILTERS: FilterSpec<StripeEvent>[] = [
  { param: 'type', value: { kind: 'string' }, matches: (e, v) => eventTypeMatches(e.type, v), exclusiveWith: 'types' },
  { param: 'types', value: { kind: 'string' }, matches: (e, v) => e.type === v, list: { max: 20 } },
  // The emulator delivers no webhooks: every event counts as delivered.
  { param: 'delivery_success', value: { kind: 'boolean' }, matches: (_e, v) => v === 'true' },
];

function eventTypeMatches(type: string, pattern: string): boolean {
  if (!pattern.includes('*')) return type === pattern;
  const re = new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
  return re.test(type);
}
