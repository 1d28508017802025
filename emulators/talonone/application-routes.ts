import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import { badParameter, forbidden, notFound } from './errors.js';
import { createdBetween, DEFAULT_PAGE_SIZE, flagOf, foldCode, pageOf, pagingOf, single, sortOf } from './list-query.js';
import type { ApplicationState, SessionState, T1Campaign, T1Session, TalonOneAccount } from './types.js';

/** The Application a request's key belongs to. */
export type ScopeOf = (request: FastifyRequest) => ApplicationState;
type AppRequest = FastifyRequest<{ Params: { applicationId: string; campaignId?: string } }>;

const SESSION_STATES: readonly SessionState[] = ['open', 'closed', 'partially_returned', 'cancelled'];
const CAMPAIGN_STATES = ['enabled', 'running', 'disabled', 'expired', 'archived'] as const;

/** The Application in the path, provided the key may see it. */
function applicationIn(request: AppRequest, scopeOf: ScopeOf, account: TalonOneAccount): ApplicationState {
  const id = Number(request.params.applicationId);
  const app = /^\d+$/.test(request.params.applicationId) ? account.applications.find((a) => a.application.id === id) : undefined;
  if (!app) throw notFound(`Application ${request.params.applicationId}`);
  if (app !== scopeOf(request)) throw forbidden(`This management key is not allowed to access Application ${id}.`);
  return app;
}

function campaignIn(app: ApplicationState, request: AppRequest): T1Campaign {
  const campaign = app.campaigns.find((c) => String(c.id) === request.params.campaignId);
  if (!campaign) throw notFound(`Campaign ${request.params.campaignId}`);
  return campaign;
}

/** The Application object with the loyalty programs it is subscribed to. */
export function applicationView(account: TalonOneAccount, app: ApplicationState): Record<string, unknown> {
  return { ...app.application, loyaltyPrograms: account.programs.filter((p) => p.program.subscribedApplications.includes(app.application.id)).map((p) => p.program) };
}

function sessionsMatching(app: ApplicationState, query: FlatQuery): T1Session[] {
  const state = single(query, 'state');
  if (state !== undefined && !(SESSION_STATES as readonly string[]).includes(state)) throw badParameter('state', `state must be one of ${SESSION_STATES.join(', ')}; got "${state}".`);
  const exact: [string, (s: T1Session) => string][] = [['profile', (s) => s.profileintegrationid], ['integrationId', (s) => s.integrationId], ['coupon', (s) => s.coupon], ['referral', (s) => s.referral]];
  const tests = exact.flatMap(([param, field]) => {
    const wanted = single(query, param);
    return wanted === undefined || wanted === '' ? [] : [(s: T1Session) => field(s) === wanted];
  });
  const matching = createdBetween(app.sessions, query).filter((s) => (state === undefined || s.state === state) && tests.every((t) => t(s)));
  const order = sortOf<T1Session>(query, { created: (s) => s.created, id: (s) => s.id });
  return order ? matching.sort((a, b) => order(a, b) || a.id - b.id) : matching;
}

/** The Application, customer, session, campaign, coupon and referral lists under `/v1/applications`. */
export function registerApplicationRoutes(app: FastifyInstance, account: TalonOneAccount, scopeOf: ScopeOf): void {
  app.get('/v1/applications', async (request) => {
    const { data } = pageOf([scopeOf(request)], pagingOf(request.query as FlatQuery, DEFAULT_PAGE_SIZE));
    return { totalResultSize: 1, data: data.map((a) => applicationView(account, a)) };
  });
  app.get('/v1/applications/:applicationId', async (request: AppRequest) => applicationView(account, applicationIn(request, scopeOf, account)));

  app.get('/v1/applications/:applicationId/customers', async (request: AppRequest) => {
    const query = request.query as FlatQuery;
    const integrationId = single(query, 'integrationId');
    const all = applicationIn(request, scopeOf, account).profiles.filter((p) => integrationId === undefined || p.integrationId === integrationId);
    const page = pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE));
    return flagOf(query, 'withTotalResultSize') ? { totalResultSize: all.length, data: page.data } : page;
  });

  app.get('/v1/applications/:applicationId/sessions', async (request: AppRequest) => {
    const query = request.query as FlatQuery;
    const page = pageOf(sessionsMatching(applicationIn(request, scopeOf, account), query), pagingOf(query, DEFAULT_PAGE_SIZE));
    // Documented: with more than one session in the answer, totalDiscounts reads 0; `discounts` has the amounts.
    return { hasMore: page.hasMore, data: page.data.length > 1 ? page.data.map((s) => ({ ...s, totalDiscounts: 0 })) : page.data };
  });
  app.get('/v1/applications/:applicationId/sessions/:sessionId', async (request: FastifyRequest<{ Params: { applicationId: string; sessionId: string } }>) => {
    const session = applicationIn(request, scopeOf, account).sessions.find((s) => String(s.id) === request.params.sessionId);
    if (!session) throw notFound(`Session ${request.params.sessionId}`);
    return session;
  });

  app.get('/v1/applications/:applicationId/campaigns', async (request: AppRequest) => {
    const query = request.query as FlatQuery;
    const state = single(query, 'campaignState');
    if (state !== undefined && !(CAMPAIGN_STATES as readonly string[]).includes(state)) throw badParameter('campaignState', `campaignState must be one of ${CAMPAIGN_STATES.join(', ')}; got "${state}".`);
    const matches = (c: T1Campaign): boolean => state === undefined || (state === 'enabled' ? c.state === 'enabled' : c.frontendState === state);
    const all = createdBetween(applicationIn(request, scopeOf, account).campaigns, query).filter(matches);
    return { totalResultSize: all.length, data: pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE)).data };
  });

  app.get('/v1/applications/:applicationId/campaigns/:campaignId/coupons/no_total', async (request: AppRequest) => {
    const query = request.query as FlatQuery;
    const target = applicationIn(request, scopeOf, account);
    const campaign = campaignIn(target, request);
    const value = single(query, 'value');
    const exactMatch = flagOf(query, 'exactMatch') === true;
    const recipient = single(query, 'recipientIntegrationId');
    const batchId = single(query, 'batchId');
    const all = createdBetween(target.coupons.filter((c) => c.campaignId === campaign.id), query).filter(
      (c) =>
        (value === undefined || (exactMatch ? c.value.toLowerCase() === value.toLowerCase() : foldCode(c.value).includes(foldCode(value)))) &&
        (recipient === undefined || c.recipientIntegrationId === recipient) &&
        (batchId === undefined || c.batchId === batchId),
    );
    return pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE));
  });

  app.get('/v1/applications/:applicationId/campaigns/:campaignId/referrals/no_total', async (request: AppRequest) => {
    const query = request.query as FlatQuery;
    const target = applicationIn(request, scopeOf, account);
    const campaign = campaignIn(target, request);
    const code = single(query, 'code');
    const advocate = single(query, 'advocate');
    const all = createdBetween(target.referrals.filter((r) => r.campaignId === campaign.id), query).filter(
      (r) => (code === undefined || foldCode(r.code).includes(foldCode(code))) && (advocate === undefined || r.advocateProfileIntegrationId === advocate),
    );
    return pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE));
  });
}
