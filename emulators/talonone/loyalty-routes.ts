import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import type { ScopeOf } from './application-routes.js';
import { badParameter, forbidden, notFound } from './errors.js';
import { DEFAULT_TRANSACTION_PAGE_SIZE, flagOf, instantOf, many, pageOf, pagingOf, single } from './list-query.js';
import { balancesView, ledgersOf, profileTransactionView, programTransactionView } from './loyalty-views.js';
import { tierFields } from './profile-tabs.js';
import type { LedgerTx, ProgramState, TalonOneAccount } from './types.js';

type ProgramRequest = FastifyRequest<{ Params: { loyaltyProgramId: string; integrationId?: string } }>;
const TRANSACTION_TYPES = ['manual', 'session', 'import'] as const;

/** The program in the path, provided it is connected to the key's Application. */
function programIn(request: ProgramRequest, scopeOf: ScopeOf, account: TalonOneAccount): ProgramState {
  // A card-based program's points live on its cards: its ledger of profile transactions is empty.
  const cards = account.cardPrograms.find((p) => String(p.program.id) === request.params.loyaltyProgramId);
  const program = account.programs.find((p) => String(p.program.id) === request.params.loyaltyProgramId) ?? (cards && { program: cards.program, transactions: [] });
  if (!program) throw notFound(`Loyalty program ${request.params.loyaltyProgramId}`);
  if (!program.program.subscribedApplications.includes(scopeOf(request).application.id)) {
    throw forbidden(`This management key is not allowed to access loyalty program ${program.program.id}.`);
  }
  return program;
}

/** The profile in the path, provided it exists in an Application connected to the program. */
function profileIn(request: ProgramRequest, program: ProgramState, account: TalonOneAccount): string {
  const integrationId = request.params.integrationId ?? '';
  const known = account.applications.some((a) => program.program.subscribedApplications.includes(a.application.id) && a.profiles.some((p) => p.integrationId === integrationId));
  if (!known) throw notFound(`Customer profile ${integrationId}`);
  return integrationId;
}

/**
 * The documented filters of the transaction lists, newest first: `startDate` and `endDate` both include their
 * instant (a bare date is midnight UTC), `subledgerId` ('' for the main ledger), the transaction type, session
 * ids, transaction UUIDs and `awaitsActivation=true`.
 */
function transactionsMatching(all: readonly LedgerTx[], query: FlatQuery, clockMs: number): LedgerTx[] {
  const type = single(query, 'loyaltyTransactionType');
  if (type !== undefined && !(TRANSACTION_TYPES as readonly string[]).includes(type)) throw badParameter('loyaltyTransactionType', `loyaltyTransactionType must be one of ${TRANSACTION_TYPES.join(', ')}; got "${type}".`);
  const awaits = flagOf(query, 'awaitsActivation');
  if (awaits === false) throw badParameter('awaitsActivation', 'awaitsActivation can only be true.');
  const fromMs = instantOf(query, 'startDate', true);
  const untilMs = instantOf(query, 'endDate', true);
  const subledgerId = single(query, 'subledgerId');
  const sessions = new Set(many(query, 'customerSessionIDs'));
  const uuids = new Set(many(query, 'transactionUUIDs'));
  return all
    .filter(
      (tx) =>
        (fromMs === null || tx.createdMs >= fromMs) &&
        (untilMs === null || tx.createdMs <= untilMs) &&
        (type === undefined || tx.source === type) &&
        (subledgerId === undefined || tx.subledgerId === subledgerId) &&
        (sessions.size === 0 || (tx.customerSessionId !== undefined && sessions.has(tx.customerSessionId))) &&
        (uuids.size === 0 || uuids.has(tx.transactionUUID)) &&
        (awaits === null || (tx.start.kind === 'on_action' && (tx.expiryMs === null || tx.expiryMs > clockMs))),
    )
    .sort((a, b) => b.createdMs - a.createdMs || b.id - a.id);
}

/** Loyalty programs, their transaction log, and one profile's balances and transactions. */
export function registerLoyaltyRoutes(app: FastifyInstance, account: TalonOneAccount, scopeOf: ScopeOf): void {
  app.get('/v1/loyalty_programs', async (request) => {
    const appId = scopeOf(request).application.id;
    const data = [...account.programs, ...account.cardPrograms].filter((p) => p.program.subscribedApplications.includes(appId)).map((p) => p.program);
    return { totalResultSize: data.length, data };
  });
  app.get('/v1/loyalty_programs/:loyaltyProgramId', async (request: ProgramRequest) => programIn(request, scopeOf, account).program);

  app.get('/v1/loyalty_programs/:loyaltyProgramId/transactions', async (request: ProgramRequest) => {
    const query = request.query as FlatQuery;
    const program = programIn(request, scopeOf, account);
    const page = pageOf(transactionsMatching(program.transactions, query, account.clockMs), pagingOf(query, DEFAULT_TRANSACTION_PAGE_SIZE));
    return { hasMore: page.hasMore, data: page.data.map((tx) => programTransactionView(tx, program.program.timezone)) };
  });

  app.get('/v1/loyalty_programs/:loyaltyProgramId/profile/:integrationId/ledger_transactions', async (request: ProgramRequest) => {
    const query = request.query as FlatQuery;
    const program = programIn(request, scopeOf, account);
    const integrationId = profileIn(request, program, account);
    const mine = program.transactions.filter((tx) => tx.customerProfileId === integrationId);
    const page = pageOf(transactionsMatching(mine, query, account.clockMs), pagingOf(query, DEFAULT_TRANSACTION_PAGE_SIZE));
    return { hasMore: page.hasMore, data: page.data.map((tx) => profileTransactionView(tx, program.program.timezone)) };
  });

  // The Management API path and the Integration API one answer alike.
  for (const path of ['ledger_balances', 'balances']) {
    app.get(`/v1/loyalty_programs/:loyaltyProgramId/profile/:integrationId/${path}`, async (request: ProgramRequest) => {
      const query = request.query as FlatQuery;
      const program = programIn(request, scopeOf, account);
      const integrationId = profileIn(request, program, account);
      const asOfMs = instantOf(query, 'endDate', true) ?? account.clockMs;
      const view = balancesView(ledgersOf(program, integrationId), asOfMs, single(query, 'subledgerId'));
      // With `includeTiers=true` the main ledger's balance carries the profile's tier.
      if (flagOf(query, 'includeTiers') !== true || program.program.tiers.length === 0) return view;
      return { ...view, balance: { ...view.balance, ...tierFields(program.program.tiers, view.balance.activePoints) } };
    });
  }
}
