import { z } from 'zod';
import { numericIdSchema } from '../http/mutation-input.js';
import { isoAt } from '../world/index.js';
import { MANUAL_USER } from './build-ledger.js';
import { discountSumMinor } from './drafts.js';
import { badBody, notFound } from './errors.js';
import { LoyaltyDurationError, parseLoyaltyDuration, pointsExpiry, pointsStart } from './loyalty-dates.js';
import { replayLedger } from './loyalty-ledger.js';
import { entryOf, programTransactionView } from './loyalty-views.js';
import { LOYALTY_RULESET_ID, transactionUuid } from './materialize.js';
import { refreshProfileTotals } from './profile-totals.js';
import type { LedgerTx, ProgramState, TalonOneAccount, TxStart } from './types.js';

const points = z.number().positive().max(1_000_000);
const programTarget = { loyalty_program_id: numericIdSchema, integration_id: z.string().min(1), points, name: z.string().min(1).max(255).optional(), subledger_id: z.string().max(64).optional() };

/** Changes a test can make after a sync, each recorded as Talon.One would record it. */
export const t1MutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('close_session'), application_id: numericIdSchema, session_id: numericIdSchema }),
  z.strictObject({ action: z.literal('add_loyalty_points'), ...programTarget, validity_duration: z.string().optional(), pending_duration: z.string().optional() }),
  z.strictObject({ action: z.literal('deduct_loyalty_points'), ...programTarget }),
]);
export type T1Mutation = z.infer<typeof t1MutationSchema>;

function programOf(account: TalonOneAccount, id: number): ProgramState {
  const program = account.programs.find((p) => p.program.id === id);
  if (!program) throw notFound(`Loyalty program ${id}`);
  return program;
}

function requireProfile(account: TalonOneAccount, program: ProgramState, integrationId: string): void {
  const known = account.applications.some((a) => program.program.subscribedApplications.includes(a.application.id) && a.profiles.some((p) => p.integrationId === integrationId));
  if (!known) throw notFound(`Customer profile ${integrationId}`);
}

function durationOf(text: string, keywords: readonly string[], field: string): string {
  if (keywords.includes(text)) return text;
  try {
    parseLoyaltyDuration(text);
    return text;
  } catch (err) {
    if (err instanceof LoyaltyDurationError) throw badBody(`/${field}`, err.message);
    throw err;
  }
}

/** Appends a transaction with the next id; a subtraction that spends more than the ledger holds is flagged. */
function record(account: TalonOneAccount, program: ProgramState, tx: Omit<LedgerTx, 'id' | 'transactionUUID' | 'programId'>): LedgerTx {
  const id = account.nextId.transaction++;
  const full: LedgerTx = { ...tx, id, transactionUUID: transactionUuid(account.seed, id), programId: program.program.id };
  program.transactions.push(full);
  if (full.type === 'subtraction') {
    const ledger = program.transactions.filter((t) => t.customerProfileId === full.customerProfileId && t.subledgerId === full.subledgerId).map(entryOf);
    if (replayLedger(ledger, Infinity).negativeBy.includes(id)) full.createsNegativeBalance = true;
  }
  return full;
}

function additionTiming(pending: string, validity: string, nowMs: number, timeZone: string): Pick<LedgerTx, 'start' | 'expiryMs' | 'validityDuration'> {
  const start: TxStart = pointsStart(pending, nowMs, timeZone);
  if (start.kind === 'on_action') return { start, expiryMs: null, ...(validity === 'unlimited' ? {} : { validityDuration: validity }) };
  return { start, expiryMs: pointsExpiry(validity, start.kind === 'at' ? start.ms : nowMs, timeZone) };
}

function closeSession(account: TalonOneAccount, m: Extract<T1Mutation, { action: 'close_session' }>, nowMs: number): unknown {
  const app = account.applications.find((a) => a.application.id === m.application_id);
  if (!app) throw notFound(`Application ${m.application_id}`);
  const session = app.sessions.find((s) => s.id === m.session_id);
  if (!session) throw notFound(`Session ${m.session_id}`);
  if (session.state !== 'open') throw badBody('/session_id', `Session ${m.session_id} is ${session.state}; only an open session can be closed.`);
  session.state = 'closed';
  const profile = app.profiles.find((p) => p.id === session.profileId)!;
  refreshProfileTotals(profile, app.sessions);
  profile.lastActivity = isoAt(nowMs);
  const coupon = session.coupon === '' ? undefined : app.coupons.find((c) => c.value === session.coupon);
  if (coupon) {
    coupon.usageCounter++;
    const campaign = app.campaigns.find((c) => c.id === coupon.campaignId);
    if (campaign) campaign.couponRedemptionCount++;
  }

  const program = programOf(account, app.programId);
  const loyaltyCampaign = app.campaigns.find((c) => c.features.includes('loyalty'));
  const discountsMinor = Object.fromEntries(Object.entries(session.discounts).map(([k, v]) => [k, Math.round(v * 100)]));
  const earned = Math.max(0, Math.round(session.total * 100) - discountSumMinor(discountsMinor));
  const transactions: LedgerTx[] = [];
  if (earned > 0) {
    const { defaultPending, defaultValidity, timezone } = program.program;
    transactions.push(
      record(account, program, {
        createdMs: nowMs, type: 'addition', amountHundredths: earned, name: 'Reward 1 point per $1 spent', customerProfileId: profile.integrationId, subledgerId: '',
        customerSessionId: session.integrationId, source: 'session', ...additionTiming(defaultPending, defaultValidity, nowMs, timezone),
        ...(loyaltyCampaign ? { campaignId: loyaltyCampaign.id, rulesetId: LOYALTY_RULESET_ID, ruleName: 'Reward 1 point per $1 spent' } : {}),
      }),
    );
    if (loyaltyCampaign) loyaltyCampaign.createdLoyaltyPointsCount = (Math.round(loyaltyCampaign.createdLoyaltyPointsCount * 100) + earned) / 100;
  }
  return { session, loyaltyTransactions: transactions.map((tx) => programTransactionView(tx, program.program.timezone)) };
}

function changePoints(account: TalonOneAccount, m: Exclude<T1Mutation, { action: 'close_session' }>, nowMs: number): unknown {
  const program = programOf(account, m.loyalty_program_id);
  requireProfile(account, program, m.integration_id);
  const { timezone, defaultValidity } = program.program;
  const base = { createdMs: nowMs, amountHundredths: Math.round(m.points * 100), customerProfileId: m.integration_id, subledgerId: m.subledger_id ?? '', source: 'manual' as const, ...MANUAL_USER };
  const tx =
    m.action === 'add_loyalty_points'
      ? record(account, program, {
          ...base, type: 'addition', name: m.name ?? 'Manual addition',
          ...additionTiming(durationOf(m.pending_duration ?? 'immediate', ['immediate', 'on_action'], 'pending_duration'), durationOf(m.validity_duration ?? defaultValidity, ['unlimited'], 'validity_duration'), nowMs, timezone),
        })
      : record(account, program, { ...base, type: 'subtraction', name: m.name ?? 'Manual deduction', start: { kind: 'immediate' }, expiryMs: null });
  return programTransactionView(tx, timezone);
}

/**
 * Applies a mutation at `nowMs`, the real clock: the data ends at the anchor and a change made by a test happens
 * now. The account's clock moves forward to it, so balances are reported as of the latest change.
 */
export function applyT1Mutation(account: TalonOneAccount, m: T1Mutation, nowMs: number): unknown {
  const result = m.action === 'close_session' ? closeSession(account, m, nowMs) : changePoints(account, m, nowMs);
  account.clockMs = Math.max(account.clockMs, nowMs);
  return result;
}
