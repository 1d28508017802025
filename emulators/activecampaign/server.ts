import Fastify, { type FastifyInstance, type FastifyReply } from 'fastify';
import { installMalformedRecords } from '../http/malformed-records.js';
import { z } from 'zod';
import { parseFlatQuery, type FlatQuery } from '../http/querystring.js';
import { TokenBucketLimiter } from '../http/token-bucket.js';
import type { AcData } from './build/ac-data.js';
import { JsonCache, listBody, recordById, type AcResource } from './collection.js';
import { AcApiError, badBody, forbidden, noResult, notFound, serverError, tooManyRequests } from './errors.js';
import { FaultGate, gateFaultsShape, type GateFaults } from '../http/fault-gate.js';
import { changeClock } from '../http/account-clock.js';
import { firstProblem } from '../http/mutation-input.js';
import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';
import { computeAcGroundTruth, type AcGroundTruth } from './ground-truth.js';
import { acMutationSchema, applyAcMutation } from './mutations.js';
import { buildAcResources } from './resources.js';

/** ActiveCampaign's documented limit: 5 requests a second per account, shared by every key. */
export const AC_RATE_LIMIT_PER_SECOND = 5;

/**
 * Error injection plus a rate override; `rateLimitPerSecond: null` restores the 5/s default, 0 turns limiting off.
 * `retryAfterSeconds` is the pause a 429 asks for (null: 1, the account's one-second window; the docs' example says 30).
 */
export interface AcFaultSettings extends GateFaults {
  rateLimitPerSecond: number | null;
  retryAfterSeconds: number | null;
}

export interface AcServerOptions {
  data: AcData;
  apiKeys: readonly string[];
  faults: Partial<AcFaultSettings>;
  /** The clock outage windows are checked against. */
  now?: () => number;
}

export interface AcServer {
  app: FastifyInstance;
  setFaults(patch: Partial<AcFaultSettings>): AcFaultSettings;
  faults(): AcFaultSettings;
  /** Ground truth of the account as it is now, changes included. */
  truth(): AcGroundTruth;
  /** How clients behaved under the rate limit. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

/** Seconds a 429 tells the client to pause: the account's one-second budget window. */
const RETRY_AFTER_SECONDS = 1;

const faultPatchSchema = z.strictObject({
  ...gateFaultsShape,
  rateLimitPerSecond: z.number().min(0).nullable().optional(),
  retryAfterSeconds: z.number().int().min(1).max(3600).nullable().optional(),
});

function send(reply: FastifyReply, status: number, body: string, contentType = 'application/json; charset=utf-8'): FastifyReply {
  return reply.code(status).type(contentType).send(body);
}

/** Builds (but does not start) the Fastify app that answers like ActiveCampaign's v3 REST API under `/api/3`. */
export function createAcServer(opts: AcServerOptions): AcServer {
  const { data } = opts;
  // A change a test makes happens now, after the account's history, which ends at its anchor.
  const changeNowMs = changeClock(data.anchor);
  const keys = new Set(opts.apiKeys);
  const { rateLimitPerSecond, retryAfterSeconds, ...gateInitial } = opts.faults;
  const gate = new FaultGate(data.seed, gateInitial, opts.now);
  let rateOverride: number | null = rateLimitPerSecond ?? null;
  let retryAfterOverride: number | null = retryAfterSeconds ?? null;
  const limiter = new TokenBucketLimiter();
  const watch = new RateLimitWatch();
  let truth = computeAcGroundTruth(data);

  const faults = (): AcFaultSettings => ({ ...gate.current(), rateLimitPerSecond: rateOverride, retryAfterSeconds: retryAfterOverride });
  const setFaults = (patch: Partial<AcFaultSettings>): AcFaultSettings => {
    const { rateLimitPerSecond: rate, retryAfterSeconds: pause, ...rest } = patch;
    if (pause !== undefined) retryAfterOverride = pause;
    if (rate !== undefined) {
      rateOverride = rate;
      limiter.reset();
    }
    gate.update(rest);
    return faults();
  };

  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseFlatQuery } });
  installMalformedRecords(app);

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/3/')) return;
    await gate.delay();
    if (gate.inOutage()) throw serverError(503);
    const token = request.headers['api-token'];
    if (typeof token !== 'string' || !keys.has(token.trim())) throw forbidden();
    watch.request(token.trim());
    // The budget belongs to the account, so every key draws from the same bucket.
    const rate = rateOverride ?? AC_RATE_LIMIT_PER_SECOND;
    if (!limiter.tryTake('account', rate)) {
      const pause = retryAfterOverride ?? RETRY_AFTER_SECONDS;
      watch.refused(token.trim(), pause * 1000);
      throw tooManyRequests(pause, rate);
    }
    // Answers the account's limit lets through say what is left of it, as context to pace by.
    if (rate > 0 && rate !== Infinity) reply.header('RateLimit-Limit', String(rate)).header('RateLimit-Remaining', String(limiter.remaining('account')));
    const failure = gate.nextFault();
    if (failure !== null) throw serverError(failure);
  });

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AcApiError) {
      for (const [k, v] of Object.entries(error.headers)) reply.header(k, v);
      return send(reply, error.status, error.body, error.contentType);
    }
    const status = typeof (error as { statusCode?: unknown }).statusCode === 'number' ? (error as { statusCode: number }).statusCode : 500;
    if (status >= 400 && status < 500) return send(reply, status, JSON.stringify({ message: (error as Error).message }));
    const failure = serverError(500);
    return send(reply, 500, failure.body, failure.contentType);
  });

  app.setNotFoundHandler((_request, reply) => send(reply, 404, notFound().body));

  const json = new JsonCache();
  const resources = buildAcResources(data);
  for (const resource of resources) registerResource(app, resource, json);
  registerContactTagsOfContact(app, data, json);

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: data.seed, scale: data.scale, anchor: data.anchor, account: data.accountName, time_zone: data.timeZone }));
  app.get('/_emulator/truth', async () => truth);
  app.get('/_emulator/stats', async () => watch.stats());
  app.post('/_emulator/mutate', async (request, reply) => {
    const parsed = acMutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problem = firstProblem(parsed.error);
      throw badBody(`/${problem.field.replaceAll('.', '/')}`, problem.detail);
    }
    const result = applyAcMutation(data, parsed.data, changeNowMs());
    for (const record of result.changed) json.forget(record);
    truth = computeAcGroundTruth(data);
    return send(reply, 200, JSON.stringify(result.body));
  });
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return send(reply, 400, JSON.stringify({ message: `Invalid fault settings: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` }));
    }
    return reply.send(setFaults(parsed.data));
  });

  return { app, setFaults, faults, truth: () => truth, stats: () => watch.stats(), announcedWaits: () => watch.announcedWaits() };
}

function registerResource(app: FastifyInstance, resource: AcResource, json: JsonCache): void {
  app.get(`/api/3/${resource.path}`, async (request, reply) => send(reply, 200, listBody(resource, request.query as FlatQuery, json)));
  app.get<{ Params: { id: string } }>(`/api/3/${resource.path}/:id`, async (request, reply) => {
    const record = /^\d+$/.test(request.params.id) ? recordById(resource.records, Number(request.params.id)) : undefined;
    if (!record) throw noResult(resource.model, request.params.id);
    return send(reply, 200, `{${JSON.stringify(resource.singular)}:${json.of(record)}}`);
  });
}

/** `GET /api/3/contacts/{id}/contactTags`: every association of one contact, unpaged (limit and offset are ignored). */
function registerContactTagsOfContact(app: FastifyInstance, data: AcData, json: JsonCache): void {
  app.get<{ Params: { id: string } }>('/api/3/contacts/:id/contactTags', async (request, reply) => {
    const { id } = request.params;
    if (!/^\d+$/.test(id) || !recordById(data.contacts, Number(id))) throw noResult('Subscriber', id);
    const items = data.contactTags.filter((ct) => ct.object.contact === id).map((ct) => json.of(ct));
    return send(reply, 200, `{"contactTags":[${items.join(',')}]}`);
  });
}
