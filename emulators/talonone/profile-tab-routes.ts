import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import type { ScopeOf } from './application-routes.js';
import { forbidden, notFound } from './errors.js';
import { DEFAULT_PAGE_SIZE, pageOf, pagingOf, single } from './list-query.js';
import { achievementProgress, achievementView } from './profile-tabs.js';
import type { ApplicationState, TalonOneAccount } from './types.js';

type TabRequest = FastifyRequest<{ Params: { applicationId?: string; campaignId?: string; integrationId?: string; loyaltyProgramId?: string } }>;

/** Achievement lists take at most 50 a page, and give 50 by default. */
const ACHIEVEMENT_PAGE_SIZE = 50;

function applicationOf(request: TabRequest, scopeOf: ScopeOf, account: TalonOneAccount): ApplicationState {
  const app = account.applications.find((a) => String(a.application.id) === request.params.applicationId);
  if (!app) throw notFound(`Application ${request.params.applicationId}`);
  if (app !== scopeOf(request)) throw forbidden(`This management key is not allowed to access Application ${app.application.id}.`);
  return app;
}

/** Custom attributes, achievements and their progress per profile, and the loyalty cards of card-based programs. */
export function registerProfileTabRoutes(app: FastifyInstance, account: TalonOneAccount, scopeOf: ScopeOf): void {
  app.get('/v1/attributes', async (request: TabRequest) => {
    const query = request.query as FlatQuery;
    const entity = single(query, 'entity');
    const all = account.attributes.filter((a) => entity === undefined || a.entity === entity);
    return { totalResultSize: all.length, data: pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE)).data };
  });

  app.get('/v1/applications/:applicationId/campaigns/:campaignId/achievements', async (request: TabRequest) => {
    const query = request.query as FlatQuery;
    const target = applicationOf(request, scopeOf, account);
    const campaign = target.campaigns.find((c) => String(c.id) === request.params.campaignId);
    if (!campaign) throw notFound(`Campaign ${request.params.campaignId}`);
    const title = single(query, 'title');
    const all = target.achievements.filter((a) => a.campaignId === campaign.id && (title === undefined || a.title === title));
    const page = pageOf(all, pagingOf(query, ACHIEVEMENT_PAGE_SIZE, ACHIEVEMENT_PAGE_SIZE));
    return { hasMore: page.hasMore, data: page.data.map((a) => achievementView(a, account.clockMs)) };
  });

  app.get('/v1/applications/:applicationId/achievement_progress/:integrationId', async (request: TabRequest) => {
    const query = request.query as FlatQuery;
    const target = applicationOf(request, scopeOf, account);
    const profile = target.profiles.find((p) => p.integrationId === request.params.integrationId);
    if (!profile) throw notFound(`Customer profile ${request.params.integrationId}`);
    const achievementId = single(query, 'achievementId');
    const title = single(query, 'title');
    const all = target.achievements
      .filter((a) => (achievementId === undefined || String(a.id) === achievementId) && (title === undefined || a.title === title))
      .flatMap((a) => achievementProgress(target, a, profile, account.clockMs) ?? []);
    return pageOf(all, pagingOf(query, ACHIEVEMENT_PAGE_SIZE, ACHIEVEMENT_PAGE_SIZE));
  });

  app.get('/v1/loyalty_programs/:loyaltyProgramId/cards', async (request: TabRequest) => {
    const query = request.query as FlatQuery;
    const appId = scopeOf(request).application.id;
    const id = request.params.loyaltyProgramId;
    const cardProgram = account.cardPrograms.find((p) => String(p.program.id) === id);
    const program = cardProgram?.program ?? account.programs.find((p) => String(p.program.id) === id)?.program;
    if (!program) throw notFound(`Loyalty program ${id}`);
    if (!program.subscribedApplications.includes(appId)) throw forbidden(`This management key is not allowed to access loyalty program ${program.id}.`);
    // A program whose points live on profiles has no cards.
    const identifier = single(query, 'identifier');
    const batchId = single(query, 'batchId');
    const all = (cardProgram?.cards ?? []).filter((c) => (identifier === undefined || c.identifier.includes(identifier)) && (batchId === undefined || c.batchId === batchId));
    return pageOf(all, pagingOf(query, DEFAULT_PAGE_SIZE));
  });
}
