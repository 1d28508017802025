import { formatZoned } from '../http/zoned-time.js';
import { DAY_MS, isoAt } from '../world/index.js';
import { expiringLots } from './loyalty-ledger.js';
import { balancesView, entryOf, type BalancesView } from './loyalty-views.js';
import { achievementProgress, profileBudgets, tierFields, type ProfileBudget } from './profile-tabs.js';
import type { T1Attribute } from './types.js';
import type { ApplicationState, LedgerTx, ProgramState, SessionState, TalonOneAccount } from './types.js';

/** The window `expiring_within_30_days` looks ahead. */
export const EXPIRY_WINDOW_MS = 30 * DAY_MS;

export interface TruthProfile {
  id: number;
  integration_id: string;
  person_id: string;
  /** As written in the profile's attributes; null when the profile has none. */
  email: string | null;
  closed_sessions: number;
  total_sales: number;
  session_count: number;
  last_activity: string;
  /** The profile's custom attributes (those `/v1/attributes` defines for the Application), as stored. */
  custom_attributes: Record<string, unknown>;
}

export interface TruthAchievementProgress {
  integration_id: string;
  achievement_id: number;
  campaign_id: number;
  progress: number;
  target: number;
  status: string;
  completion_date: string | null;
}

export interface TruthLoyaltyCard {
  id: number;
  identifier: string;
  status: string;
  /** The profile it is registered to; null for a card nobody registered. */
  integration_id: string | null;
  registered_at: string | null;
  current_balance: number;
  spent_balance: number;
  expired_balance: number;
}

export interface TruthApplication {
  id: number;
  name: string;
  environment: 'live' | 'sandbox';
  sandbox: boolean;
  loyalty_program_id: number;
  profiles: TruthProfile[];
  sessions: { count: number; count_by_state: Record<SessionState, number>; total_sum: number; discount_sum: number };
  campaign_ids: number[];
  coupons: { count: number; count_by_campaign: Record<string, number>; usage_sum: number };
  referrals: { count: number; count_by_campaign: Record<string, number>; used: number };
  /** Custom attributes available in the Application, by name. */
  custom_attributes: Record<string, T1Attribute['type']>;
  achievement_ids: number[];
  /** Every profile's progress on every achievement it has made progress on. */
  achievement_progress: TruthAchievementProgress[];
  /** Per-profile budgets a profile has used, counted in the current period. */
  profile_budgets: ProfileBudget[];
}

export interface TruthExpiring {
  integration_id: string;
  subledger_id: string;
  transaction_id: number;
  points: number;
  expiry_date: string;
}

export interface TruthProgram {
  id: number;
  name: string;
  sandbox: boolean;
  time_zone: string;
  application_ids: number[];
  transactions: { count: number; count_by_type: Record<'addition' | 'subtraction', number>; count_by_source: Record<'session' | 'manual' | 'import', number>; points_by_type: Record<'addition' | 'subtraction', number> };
  /** Added and subtracted points per profile and subledger ('' is the main ledger). */
  points_by_profile: Record<string, Record<string, { added: number; subtracted: number }>>;
  /** Every profile of the connected Applications, as the balances endpoints answer at `as_of`. */
  balances: Record<string, BalancesView>;
  /** Active points that expire after `as_of` and no later than 30 days after it. */
  expiring_within_30_days: TruthExpiring[];
  /** The tier of each profile's main ledger at `as_of`, when the program has tiers. */
  tiers: Record<string, string | null>;
}

export interface TruthCardProgram {
  id: number;
  name: string;
  application_ids: number[];
  cards: TruthLoyaltyCard[];
}

/** Facts about the served account, computed from the built objects, for tests and connectors to compare against. */
export interface TalonOneGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  /** The instant balances are as of: the anchor, or the latest change a test made. */
  as_of: string;
  applications: TruthApplication[];
  programs: TruthProgram[];
  card_programs: TruthCardProgram[];
}

const round2 = (n: number): number => Math.round(n * 100) / 100;

function countBy<T>(items: readonly T[], key: (t: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) out[key(item)] = (out[key(item)] ?? 0) + 1;
  return out;
}

function applicationTruth(account: TalonOneAccount, app: ApplicationState): TruthApplication {
  const custom = account.attributes.filter((a) => a.subscribedApplicationsIds.includes(app.application.id));
  const countByState: Record<SessionState, number> = { open: 0, closed: 0, partially_returned: 0, cancelled: 0 };
  for (const s of app.sessions) countByState[s.state]++;
  const sessionsOf = countBy(app.sessions, (s) => String(s.profileId));
  return {
    id: app.application.id,
    name: app.application.name,
    environment: app.environment,
    sandbox: app.application.sandbox,
    loyalty_program_id: app.programId,
    profiles: app.profiles.map((p) => ({
      id: p.id,
      integration_id: p.integrationId,
      person_id: app.personOfProfile.get(p.id)!,
      email: typeof p.attributes.Email === 'string' ? p.attributes.Email : null,
      closed_sessions: p.closedSessions,
      total_sales: p.totalSales,
      session_count: sessionsOf[String(p.id)] ?? 0,
      last_activity: p.lastActivity,
      custom_attributes: Object.fromEntries(custom.filter((a) => p.attributes[a.name] !== undefined).map((a) => [a.name, p.attributes[a.name]])),
    })),
    sessions: {
      count: app.sessions.length,
      count_by_state: countByState,
      total_sum: round2(app.sessions.reduce((n, s) => n + s.total, 0)),
      discount_sum: round2(app.sessions.reduce((n, s) => n + Object.values(s.discounts).reduce((a, b) => a + b, 0), 0)),
    },
    campaign_ids: app.campaigns.map((c) => c.id),
    coupons: { count: app.coupons.length, count_by_campaign: countBy(app.coupons, (c) => String(c.campaignId)), usage_sum: app.coupons.reduce((n, c) => n + c.usageCounter, 0) },
    referrals: { count: app.referrals.length, count_by_campaign: countBy(app.referrals, (r) => String(r.campaignId)), used: app.referrals.filter((r) => r.usageCounter > 0).length },
    custom_attributes: Object.fromEntries(custom.map((a) => [a.name, a.type])),
    achievement_ids: app.achievements.map((a) => a.id),
    achievement_progress: app.profiles.flatMap((p) =>
      app.achievements.flatMap((a) => {
        const got = achievementProgress(app, a, p, account.clockMs);
        return got === null ? [] : [{ integration_id: p.integrationId, achievement_id: a.id, campaign_id: a.campaignId, progress: got.progress as number, target: a.target, status: got.status as string, completion_date: (got.completionDate as string | undefined) ?? null }];
      }),
    ),
    profile_budgets: profileBudgets(app, account.clockMs),
  };
}

function programTruth(account: TalonOneAccount, state: ProgramState): TruthProgram {
  const { program, transactions } = state;
  const asOfMs = account.clockMs;
  const byProfile = new Map<string, Map<string, LedgerTx[]>>();
  for (const app of account.applications) {
    if (program.subscribedApplications.includes(app.application.id)) for (const p of app.profiles) byProfile.set(p.integrationId, new Map([['', []]]));
  }
  for (const tx of transactions) {
    const ledgers = byProfile.get(tx.customerProfileId) ?? new Map<string, LedgerTx[]>([['', []]]);
    byProfile.set(tx.customerProfileId, ledgers);
    ledgers.set(tx.subledgerId, [...(ledgers.get(tx.subledgerId) ?? []), tx]);
  }

  const pointsByProfile: TruthProgram['points_by_profile'] = {};
  const balances: TruthProgram['balances'] = {};
  const expiring: TruthExpiring[] = [];
  for (const [integrationId, ledgers] of byProfile) {
    balances[integrationId] = balancesView(ledgers, asOfMs);
    pointsByProfile[integrationId] = {};
    for (const [subledgerId, txs] of ledgers) {
      const sum = (type: LedgerTx['type']): number => txs.filter((t) => t.type === type).reduce((n, t) => n + t.amountHundredths, 0) / 100;
      pointsByProfile[integrationId][subledgerId] = { added: sum('addition'), subtracted: sum('subtraction') };
      for (const lot of expiringLots(txs.map(entryOf), asOfMs, EXPIRY_WINDOW_MS)) {
        expiring.push({ integration_id: integrationId, subledger_id: subledgerId, transaction_id: lot.id, points: lot.remaining / 100, expiry_date: formatZoned(lot.expiryMs!, program.timezone) });
      }
    }
  }
  const hundredthsOf = (type: LedgerTx['type']): number => transactions.filter((t) => t.type === type).reduce((n, t) => n + t.amountHundredths, 0) / 100;
  return {
    id: program.id,
    name: program.name,
    sandbox: program.sandbox,
    time_zone: program.timezone,
    application_ids: [...program.subscribedApplications],
    transactions: {
      count: transactions.length,
      count_by_type: { addition: transactions.filter((t) => t.type === 'addition').length, subtraction: transactions.filter((t) => t.type === 'subtraction').length },
      count_by_source: { session: 0, manual: 0, import: 0, ...countBy(transactions, (t) => t.source) },
      points_by_type: { addition: hundredthsOf('addition'), subtraction: hundredthsOf('subtraction') },
    },
    points_by_profile: pointsByProfile,
    balances,
    tiers: program.tiers.length === 0 ? {} : Object.fromEntries([...byProfile.keys()].map((id) => [id, (tierFields(program.tiers, balances[id]!.balance.activePoints).currentTier as { name: string } | undefined)?.name ?? null])),
    expiring_within_30_days: expiring.sort((a, b) => Date.parse(a.expiry_date) - Date.parse(b.expiry_date) || a.transaction_id - b.transaction_id),
  };
}

/** Computes the ground truth of the account as it stands. */
export function computeTalonOneTruth(account: TalonOneAccount): TalonOneGroundTruth {
  return {
    seed: account.seed,
    scale: account.scale,
    anchor: account.anchor,
    as_of: isoAt(account.clockMs),
    applications: account.applications.map((a) => applicationTruth(account, a)),
    programs: account.programs.map((p) => programTruth(account, p)),
    card_programs: account.cardPrograms.map(({ program, cards }) => ({
      id: program.id,
      name: program.name,
      application_ids: [...program.subscribedApplications],
      cards: cards.map((c) => ({
        id: c.id, identifier: c.identifier, status: c.status, integration_id: c.profiles[0]?.integrationId ?? null, registered_at: c.profiles[0]?.timestamp ?? null,
        current_balance: c.ledger.currentBalance, spent_balance: c.ledger.spentBalance, expired_balance: c.ledger.expiredBalance,
      })),
    })),
  };
}
