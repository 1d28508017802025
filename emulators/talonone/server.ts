import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { createEmulatorApp, registerControlReads } from '../http/emulator-app.js';
import { changeClock } from '../http/account-clock.js';
import { firstProblem } from '../http/mutation-input.js';
import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import { ServiceFaults, serviceFaultPatchSchema, type ServiceFaultSettings } from '../http/service-faults.js';
import { registerApplicationRoutes } from './application-routes.js';
import { EndpointRateLimit } from './endpoint-rate-limit.js';
import { asTalonOneError, badBody, notFound, serverError, type TalonOneApiError, tooManyRequests, unauthorized } from './errors.js';
import { computeTalonOneTruth, type TalonOneGroundTruth } from './ground-truth.js';
import { registerLoyaltyRoutes } from './loyalty-routes.js';
import { registerProfileTabRoutes } from './profile-tab-routes.js';
import { transactionUuid } from './materialize.js';
import { applyT1Mutation, t1MutationSchema } from './mutations.js';
import type { ApplicationState, Environment, TalonOneAccount } from './types.js';

/** Talon.One's documented limit: each Management API endpoint takes 3 requests per second. */
export const TALONONE_RATE_LIMIT_PER_SECOND = 3;

/** Error injection, the outage window and the per-endpoint request rate (0 turns limiting off). */
export interface TalonOneFaultSettings extends ServiceFaultSettings {
  rateLimitPerSecond: number;
}

export interface TalonOneServerOptions {
  account: TalonOneAccount;
  /** The management key of each Application. */
  apiKeys: Readonly<Record<Environment, string>>;
  faults: Partial<TalonOneFaultSettings>;
}

export interface TalonOneServer {
  app: FastifyInstance;
  setFaults(patch: Partial<TalonOneFaultSettings>): TalonOneFaultSettings;
  faults(): TalonOneFaultSettings;
  truth(): TalonOneGroundTruth;
  /** How clients behaved under the rate limit. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

const faultPatchSchema = serviceFaultPatchSchema.extend({ rateLimitPerSecond: z.number().int().min(0).optional() });

function send(reply: FastifyReply, error: TalonOneApiError): FastifyReply {
  return reply.code(error.status).type('application/json').send(JSON.stringify(error.body));
}

/** The key from `Authorization: ManagementKey-v1 <key>`; the Integration API's `ApiKey-v1` prefix is read on its balances path. */
function keyOf(request: FastifyRequest): string {
  const header = request.headers.authorization?.trim() ?? '';
  const m = /^(ManagementKey-v1|ApiKey-v1)\s+(\S+)$/.exec(header);
  if (!m) throw unauthorized('Send the header Authorization: ManagementKey-v1 <key>.');
  if (m[1] === 'ApiKey-v1' && !/\/balances(\?|$)/.test(request.url)) throw unauthorized('This endpoint takes a management key: Authorization: ManagementKey-v1 <key>.');
  return m[2]!;
}

/** Builds (but does not start) the Fastify app that answers like Talon.One's Management API v1 for one account. */
export function createTalonOneServer(opts: TalonOneServerOptions): TalonOneServer {
  const { account } = opts;
  // A change a test makes happens now, after the account's history, which ends at its anchor.
  const changeNowMs = changeClock(account.anchor);
  const appOfKey = new Map(account.applications.map((a) => [opts.apiKeys[a.environment], a] as const));
  const scopes = new WeakMap<FastifyRequest, ApplicationState>();
  const scopeOf = (request: FastifyRequest): ApplicationState => scopes.get(request)!;
  const serviceFaults = new ServiceFaults(account.seed, opts.faults);
  const limit = new EndpointRateLimit(opts.faults.rateLimitPerSecond ?? TALONONE_RATE_LIMIT_PER_SECOND);
  let refusals = 0;
  let truth = computeTalonOneTruth(account);

  const faults = (): TalonOneFaultSettings => ({ ...serviceFaults.current(), rateLimitPerSecond: limit.rate() });
  const setFaults = ({ rateLimitPerSecond, ...rest }: Partial<TalonOneFaultSettings>): TalonOneFaultSettings => {
    if (rateLimitPerSecond !== undefined) limit.configure(rateLimitPerSecond);
    serviceFaults.update(rest);
    return faults();
  };

  const app = createEmulatorApp();

  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/v1/')) return;
    const key = keyOf(request);
    const scope = appOfKey.get(key);
    if (!scope) throw unauthorized('The management key is not valid for this deployment.');
    scopes.set(request, scope);
    // The limit is per endpoint: each route template has its own budget, shared by the account's keys.
    const endpoint = `${request.method} ${request.routeOptions.url ?? request.url.split('?')[0]}`;
    if (!limit.admit(key, endpoint)) throw tooManyRequests(transactionUuid(account.seed + 7919, refusals++));
    const outage = serviceFaults.outage();
    if (outage !== null) throw serverError(outage);
    const failure = await serviceFaults.nextFault();
    if (failure !== null) throw serverError(failure);
  });

  app.setErrorHandler((error, _request, reply) => send(reply, asTalonOneError(error)));
  app.setNotFoundHandler((request, reply) => send(reply, notFound(`Path ${request.url.split('?')[0]}`)));

  registerApplicationRoutes(app, account, scopeOf);
  registerLoyaltyRoutes(app, account, scopeOf);
  registerProfileTabRoutes(app, account, scopeOf);

  registerControlReads(app, {
    health: () => ({ status: 'ok', seed: account.seed, scale: account.scale, anchor: account.anchor, account_id: account.accountId }),
    truth: () => truth,
    stats: () => limit.stats(),
  });
  app.post('/_emulator/mutate', async (request, reply) => {
    const parsed = t1MutationSchema.safeParse(request.body ?? {});
    if (!parsed.success) {
      const problem = firstProblem(parsed.error);
      return send(reply, badBody(`/${problem.field.replaceAll('.', '/')}`, problem.detail));
    }
    const result = applyT1Mutation(account, parsed.data, changeNowMs());
    truth = computeTalonOneTruth(account);
    return reply.type('application/json').send(JSON.stringify(result));
  });
  app.get('/_emulator/faults', async () => faults());
  app.post('/_emulator/faults', async (request, reply) => {
    const parsed = faultPatchSchema.safeParse(request.body ?? {});
    if (!parsed.success) return send(reply, badBody(`/${firstProblem(parsed.error).field}`, `Invalid fault settings: ${firstProblem(parsed.error).message}`));
    return reply.send(setFaults(parsed.data));
  });

  return { app, setFaults, faults, truth: () => truth, stats: () => limit.stats(), announcedWaits: () => limit.announcedWaits() };
}
