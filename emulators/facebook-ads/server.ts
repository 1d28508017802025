import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { installMalformedRecords } from '../http/malformed-records.js';
import { z } from 'zod';
import { FaultGate, gateFaultsShape, type GateFaults } from '../http/fault-gate.js';
import { RateLimitWatch, type RateLimitStats, type WaitRecord } from '../http/rate-limit-watch.js';
import { parseFlatQuery, type FlatQuery } from '../http/querystring.js';
import type { AdsData } from './ads-data.js';
import { accountNode } from './account-node.js';
import { AsyncJobs, postParams } from './async-jobs.js';
import { campaignFieldsOf, campaignObject, effectiveStatusesOf } from './campaign-objects.js';
import { computeFbGroundTruth, type FbGroundTruth } from './ground-truth.js';
import {
  fbtraceId, GraphApiError, invalidParameter, invalidToken, missingToken, serverFailure, THROTTLE_CODES, throttled, unknownObject, unknownPath, type ThrottleCode,
} from './graph-errors.js';
import { param, parseInsightsQuery } from './insights-query.js';
import { insightsRows } from './insights-rows.js';
import { pageBody } from './paging.js';
import { adDeliveryAt } from './restatement.js';
import { UsageMeter, type UsageLimit, type UsageReport } from './usage-meter.js';

/** A Limited-access Ads Insights budget: 600 calls an hour per ad account. */
export const DEFAULT_FB_RATE_LIMIT: UsageLimit = { calls: 600, windowSeconds: 3600 };

/** Error injection, throttling and restatement; `rateLimit: null` turns use-case throttling off. */
export interface FbFaultSettings extends GateFaults {
  /** The Business Use Case budget of each edge's use case (ads_insights, ads_management), waits reported in minutes. */
  rateLimit: UsageLimit | null;
  /** The error code a call over the use-case budget answers with. */
  throttleCode: ThrottleCode;
  /**
   * The ad-account-level budget, shared by every edge: over it a call answers code 17 (subcode
   * 2446079), and X-Ad-Account-Usage reports the wait in seconds (`reset_time_duration`). Null: no limit.
   */
  adAccountLimit: UsageLimit | null;
  /** Bump to make the trailing days' numbers move, as Meta restates recent delivery. */
  restatementVersion: number;
  /** Reads of `GET /<report_run_id>` an asynchronous insights job takes to end (1: done at the first read). */
  asyncJobPolls: number;
  /** The next this many asynchronous jobs end `Job Failed`. */
  failNextAsyncJobs: number;
}

export interface FbServerOptions {
  data: AdsData;
  accessTokens: readonly string[];
  faults: Partial<FbFaultSettings>;
  /** The clock outage windows are checked against. */
  now?: () => number;
}

export interface FbServer {
  app: FastifyInstance;
  setFaults(patch: Partial<FbFaultSettings>): FbFaultSettings;
  faults(): FbFaultSettings;
  truth(range?: { since?: string; until?: string }): FbGroundTruth;
  /** How clients behaved when throttled. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

const usageLimitSchema = z.object({ calls: z.number().int().min(0), windowSeconds: z.number().positive() });
const faultPatchSchema = z.strictObject({
  ...gateFaultsShape,
  rateLimit: usageLimitSchema.nullable().optional(),
  adAccountLimit: usageLimitSchema.nullable().optional(),
  throttleCode: z.union(THROTTLE_CODES.map((c) => z.literal(c)) as [z.ZodLiteral<ThrottleCode>, z.ZodLiteral<ThrottleCode>]).optional(),
  restatementVersion: z.number().int().min(0).optional(),
  asyncJobPolls: z.number().int().min(1).max(1000).optional(),
  failNextAsyncJobs: z.number().int().min(0).optional(),
});

const USE_CASE = { insights: 'ads_insights', campaigns: 'ads_management' } as const;
type Edge = keyof typeof USE_CASE;

interface RouteParams {
  version?: string;
  account: string;
}

function tokenFrom(request: FastifyRequest): string | null {
  const fromQuery = param(request.query as FlatQuery, 'access_token');
  if (fromQuery) return fromQuery;
  const auth = request.headers.authorization;
  const m = auth ? /^(?:Bearer|OAuth)\s+(\S+)$/i.exec(auth.trim()) : null;
  return m ? m[1]! : null;
}

/**
 * The use case and ad account a Graph path is counted against: an edge (`/v19.0/act_1/insights`,
 * `/act_1/campaigns`), the account node itself (ads_management), or a report run of `reportAccount`
 * (`/v19.0/<report_run_id>` and its `/insights`: ads_insights). Null for any other path.
 */
function edgeOf(path: string, reportAccount: string): { account: string; edge: Edge } | null {
  const m = /^\/(?:v\d+\.\d+\/)?(act_[^/]+)\/(insights|campaigns)\/?$/.exec(path);
  if (m) return { account: m[1]!, edge: m[2] as Edge };
  const node = /^\/(?:v\d+\.\d+\/)?(act_[^/]+)\/?$/.exec(path);
  if (node) return { account: node[1]!, edge: 'campaigns' };
  if (/^\/(?:v\d+\.\d+\/)?\d+(\/insights)?\/?$/.test(path)) return { account: reportAccount, edge: 'insights' };
  return null;
}

/** X-App-Usage: the app's share of its hourly Platform budget (code 4 comes with it at 100). */
function appUsageHeader(pct: number): string {
  return JSON.stringify({ call_count: pct, total_cputime: Math.floor(pct * 0.4), total_time: Math.floor(pct * 0.5) });
}

function usageHeader(accountId: string, edge: Edge, r: UsageReport): string {
  const { throttled: _t, resetMs: _r, ...counts } = r;
  return JSON.stringify({ [accountId]: [{ type: USE_CASE[edge], ...counts, ads_api_access_tier: 'standard_access' }] });
}

/** X-Ad-Account-Usage: the ad account's share of its budget and the seconds until it resets. */
function adAccountHeader(r: UsageReport): string {
  return JSON.stringify({ acc_id_util_pct: r.call_count, reset_time_duration: resetSeconds(r), ads_api_access_tier: 'standard_access' });
}

const resetSeconds = (r: UsageReport): number => Math.ceil(r.resetMs / 1000);

/** Counts a call against the ad account and its use case unless either is over budget; reports both. */
function meterCall(meter: UsageMeter, buckets: { account: string; useCase: string }, limits: { account: UsageLimit | null; useCase: UsageLimit | null }) {
  const peeked = { account: meter.peek(buckets.account, limits.account), useCase: meter.peek(buckets.useCase, limits.useCase) };
  if (peeked.account.throttled || peeked.useCase.throttled) return peeked;
  return { account: meter.take(buckets.account, limits.account), useCase: meter.take(buckets.useCase, limits.useCase) };
}

function send(reply: FastifyReply, status: number, body: string): FastifyReply {
  return reply.code(status).type('application/json; charset=UTF-8').send(body);
}

/** Builds (but does not start) the Fastify app that answers like the Marketing API's ad account insights and campaigns edges. */
export function createFbServer(opts: FbServerOptions): FbServer {
  const { data } = opts;
  const tokens = new Set(opts.accessTokens);
  const { rateLimit, throttleCode, restatementVersion, adAccountLimit, asyncJobPolls, failNextAsyncJobs, ...gateInitial } = opts.faults;
  const gate = new FaultGate(data.seed, gateInitial, opts.now);
  let limit: UsageLimit | null = rateLimit === undefined ? DEFAULT_FB_RATE_LIMIT : rateLimit;
  let code: ThrottleCode = throttleCode ?? 17;
  let version = restatementVersion ?? 0;
  let accountLimit: UsageLimit | null = adAccountLimit ?? null;
  // A small account's job is done by the first question, as the emulated one is unless told otherwise.
  let jobPolls = asyncJobPolls ?? 1;
  let jobsToFail = failNextAsyncJobs ?? 0;
  const jobs = new AsyncJobs(data.seed, data.accountId);
  const clock = opts.now ?? Date.now;
  const meter = new UsageMeter();
  const watch = new RateLimitWatch();
  let requestCount = 0;

  const faults = (): FbFaultSettings => ({
    ...gate.current(), rateLimit: limit, throttleCode: code, adAccountLimit: accountLimit, restatementVersion: version, asyncJobPolls: jobPolls, failNextAsyncJobs: jobsToFail,
  });
  const setFaults = (patch: Partial<FbFaultSettings>): FbFaultSettings => {
    const { rateLimit: r, throttleCode: c, restatementVersion: v, adAccountLimit: a, asyncJobPolls: p, failNextAsyncJobs: f, ...rest } = patch;
    if (p !== undefined) jobPolls = p;
    if (f !== undefined) jobsToFail = f;
    if (r !== undefined || a !== undefined) {
      limit = r === undefined ? limit : r;
      accountLimit = a === undefined ? accountLimit : a;
      meter.reset();
    }
    if (c !== undefined) code = c;
    if (v !== undefined) version = v;
    gate.update(rest);
    return faults();
  };

  const app = Fastify({ logger: false, routerOptions: { querystringParser: parseFlatQuery } });
  installMalformedRecords(app);
  // Graph clients POST form-encoded parameters as often as JSON.
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string' }, (_request, body, done) => {
    done(null, parseFlatQuery(String(body)));
  });

  app.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith('/_emulator/')) return;
    reply.header('x-fb-trace-id', fbtraceId(data.seed, requestCount++));
    await gate.delay();
    const target = edgeOf(request.url.split('?')[0]!, `act_${data.accountId}`);
    // Usage is reported on every answer for an ad account edge, refused or not.
    const buckets = target ? { account: target.account, useCase: `${target.account}|${target.edge}` } : { account: '', useCase: '' };
    const limits = { account: accountLimit, useCase: limit };
    const accountDigits = target ? target.account.replace(/^act_/, '') : '';
    if (target) {
      reply.header('x-business-use-case-usage', usageHeader(accountDigits, target.edge, meter.peek(buckets.useCase, limit)));
      reply.header('x-ad-account-usage', adAccountHeader(meter.peek(buckets.account, accountLimit)));
    }
    if (gate.inOutage()) throw serverFailure(503);
    const token = tokenFrom(request);
    if (token === null) throw missingToken();
    if (!tokens.has(token)) throw invalidToken();
    if (target) {
      watch.request(token);
      const usage = meterCall(meter, buckets, limits);
      reply.header('x-business-use-case-usage', usageHeader(accountDigits, target.edge, usage.useCase));
      reply.header('x-ad-account-usage', adAccountHeader(usage.account));
      // An app-level refusal (code 4) shows the app's budget used up; the others the ad account's.
      const appPct = usage.useCase.throttled && code === 4 ? 100 : 0;
      if (target.edge === 'insights') {
        reply.header('x-fb-ads-insights-throttle', JSON.stringify({ app_id_util_pct: appPct, acc_id_util_pct: appPct === 100 ? 0 : usage.useCase.call_count, ads_api_access_tier: 'standard_access' }));
      }
      reply.header('x-app-usage', appUsageHeader(appPct));
      if (usage.account.throttled || usage.useCase.throttled) {
        // The wait the headers announce: the longer of the two, as a client reading both would take.
        const accountWaitMs = usage.account.throttled ? resetSeconds(usage.account) * 1000 : 0;
        const useCaseWaitMs = usage.useCase.throttled ? usage.useCase.estimated_time_to_regain_access * 60_000 : 0;
        watch.refused(token, Math.max(accountWaitMs, useCaseWaitMs));
        throw throttled(usage.useCase.throttled ? code : 17);
      }
    }
    const failure = gate.nextFault();
    if (failure !== null) throw serverFailure(failure);
  });

  app.setErrorHandler((error, _request, reply) => {
    const trace = String(reply.getHeader('x-fb-trace-id') ?? fbtraceId(data.seed, requestCount++));
    const status = (error as { statusCode?: unknown }).statusCode;
    const graphError =
      error instanceof GraphApiError ? error : typeof status === 'number' && status >= 400 && status < 500 ? invalidParameter((error as Error).message) : serverFailure(500);
    for (const [k, v] of Object.entries(graphError.headers)) reply.header(k, v);
    return send(reply, graphError.status, JSON.stringify(graphError.toBody(trace)));
  });

  app.setNotFoundHandler((request, reply) => {
    const trace = String(reply.getHeader('x-fb-trace-id') ?? fbtraceId(data.seed, requestCount++));
    return send(reply, 400, JSON.stringify(unknownPath(request.url.split('?')[0]!).toBody(trace)));
  });

  const accountOf = (params: RouteParams, url: string): void => {
    if (params.version !== undefined && !/^v\d+\.\d+$/.test(params.version)) throw unknownPath(url.split('?')[0]!);
    if (params.account !== `act_${data.accountId}`) throw unknownObject(params.account);
  };
  const baseUrl = (request: FastifyRequest): string => `${request.protocol}://${request.headers.host ?? 'localhost'}${request.url.split('?')[0]}`;

  const insights = async (request: FastifyRequest, params: RouteParams, reply: FastifyReply): Promise<FastifyReply> => {
    accountOf(params, request.url);
    const query = request.query as FlatQuery;
    const rows = insightsRows(data, adDeliveryAt(data, version), parseInsightsQuery(query, data));
    return send(reply, 200, pageBody(rows, query, baseUrl(request)));
  };
  // POST starts an asynchronous job over the same parameters; its rows are fixed when it starts.
  const startJob = async (request: FastifyRequest<{ Params: RouteParams }>, reply: FastifyReply): Promise<FastifyReply> => {
    accountOf(request.params, request.url);
    const params = postParams(request.query as FlatQuery, request.body);
    const req = parseInsightsQuery(params, data);
    const willFail = jobsToFail > 0;
    if (willFail) jobsToFail -= 1;
    const id = jobs.create(req, insightsRows(data, adDeliveryAt(data, version), req), { steps: jobPolls, willFail, nowSeconds: Math.floor(clock() / 1000) });
    return send(reply, 200, JSON.stringify({ report_run_id: id }));
  };
  const campaigns = async (request: FastifyRequest<{ Params: RouteParams }>, reply: FastifyReply): Promise<FastifyReply> => {
    accountOf(request.params, request.url);
    const query = request.query as FlatQuery;
    const fields = campaignFieldsOf(param(query, 'fields'));
    const statuses = effectiveStatusesOf(param(query, 'effective_status'));
    // Newest first, as Ads Manager lists them.
    const items = [...data.campaigns]
      .filter((c) => statuses.has(c.status))
      .sort((a, b) => b.createdMs - a.createdMs || (a.id < b.id ? 1 : -1))
      .map((c) => campaignObject(c, data, fields));
    return send(reply, 200, pageBody(items, query, baseUrl(request)));
  };
  // `/<node>`: the ad account (`act_<id>`) or a report run's status.
  const node = async (request: FastifyRequest<{ Params: { version?: string; node: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
    const { version: v, node: id } = request.params;
    const query = request.query as FlatQuery;
    if (id.startsWith('act_')) {
      accountOf({ version: v, account: id }, request.url);
      return send(reply, 200, JSON.stringify(accountNode(data, param(query, 'fields'))));
    }
    if (v !== undefined && !/^v\d+\.\d+$/.test(v)) throw unknownPath(request.url.split('?')[0]!);
    return send(reply, 200, JSON.stringify(jobs.poll(id, Math.floor(clock() / 1000))));
  };
  // `/<node>/insights`: an ad account's insights, or a finished report run's rows.
  const nodeInsights = async (request: FastifyRequest<{ Params: { version?: string; node: string } }>, reply: FastifyReply): Promise<FastifyReply> => {
    const { version: v, node: id } = request.params;
    if (id.startsWith('act_')) return insights(request, { version: v, account: id }, reply);
    if (v !== undefined && !/^v\d+\.\d+$/.test(v)) throw unknownPath(request.url.split('?')[0]!);
    const query = request.query as FlatQuery;
    return send(reply, 200, pageBody(jobs.rows(id), query, baseUrl(request)));
  };
  app.get('/:version/:node/insights', (request: FastifyRequest<{ Params: { version?: string; node: string } }>, reply) => nodeInsights(request, reply));
  app.get('/:node/insights', (request: FastifyRequest<{ Params: { version?: string; node: string } }>, reply) => nodeInsights(request, reply));
  app.post('/:version/:account/insights', startJob);
  app.post('/:account/insights', startJob);
  app.get('/:version/:account/campaigns', campaigns);
  app.get('/:account/campaigns', campaigns);
  app.get('/:version/:node', node);
  app.get('/:node', node);

  const truth = (range: { since?: string; until?: string } = {}): FbGroundTruth => computeFbGroundTruth(data, version, range);

  app.get('/_emulator/health', async () => ({ status: 'ok', seed: data.seed, scale: data.scale, anchor: data.anchor, ad_account: `act_${data.accountId}`, time_zone: data.timeZone }));
  app.get('/_emulator/truth', async (request) => {
    const q = request.query as FlatQuery;
    return truth({ since: param(q, 'since'), until: param(q, 'until') });
  });
  app.get('/_emulator/faults', async () => faults());
  app.get('/_emulator/stats', async () => watch.stats());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      return send(reply, 400, JSON.stringify({ message: `Invalid fault settings: ${issue?.path.join('.') || 'body'}: ${issue?.message ?? 'invalid'}` }));
    }
    return reply.send(setFaults(parsed.data));
  });
  app.post('/_emulator/restate', async () => setFaults({ restatementVersion: version + 1 }));

  return { app, setFaults, faults, truth, stats: () => watch.stats(), announcedWaits: () => watch.announcedWaits() };
}
