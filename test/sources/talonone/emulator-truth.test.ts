import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateWorld } from '../../../emulators/world';
import { buildTalonOneAccount, computeTalonOneTruth, type BalancesView, type T1Profile, type T1Session, type TalonOneEmulator, type TalonOneGroundTruth } from '../../../emulators/talonone';
import { startSuiteEmulator, t1Get, t1PageAll, type TxView } from './emulator-http';


const LIVE = 21;
const cents = (n: number): number => Math.round(n * 100);

let em: TalonOneEmulator;
let truth: TalonOneGroundTruth;
let transactions: TxView[];

beforeAll(async () => {
  ({ em, truth } = await startSuiteEmulator(11, 0.08));
  transactions = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions', 1000);
});

afterAll(async () => {
  await em?.close();
});

describe('Talon.One emulator ground truth', () => {
  it('lists the profiles of the truth with their emails, closed sessions and sales', async () => {
    const served = await t1PageAll<T1Profile>(em, `/v1/applications/${LIVE}/customers`, 50);
    const expected = truth.applications[0]!.profiles;
    expect(served.map((p) => [p.id, p.integrationId, p.attributes.Email ?? null, p.closedSessions, p.totalSales])).toEqual(expected.map((p) => [p.id, p.integration_id, p.email, p.closed_sessions, p.total_sales]));
    expect(expected.some((p) => p.email === null)).toBe(true);
    expect(expected.some((p) => p.email !== null && p.email !== p.email.toLowerCase())).toBe(true);
  });

  it('serves sessions in every state with returned quantities, discounts and totals that add up', async () => {
    const sessions = await t1PageAll<T1Session>(em, `/v1/applications/${LIVE}/sessions`, 100);
    const byState: Record<string, number> = {};
    for (const s of sessions) byState[s.state] = (byState[s.state] ?? 0) + 1;
    expect(byState).toEqual(truth.applications[0]!.sessions.count_by_state);
    expect(Object.values(byState).every((n) => n > 0)).toBe(true);
    for (const s of sessions) {
      expect(cents(s.total)).toBe(s.cartItems.reduce((n, it) => n + cents(it.price) * it.quantity, 0));
      expect(s.cartItems.every((it) => it.remainingQuantity === it.quantity - it.returnedQuantity)).toBe(true);
      expect(s.cartItems.some((it) => it.returnedQuantity > 0)).toBe(s.state === 'partially_returned');
    }
    expect(sessions.some((s) => s.coupon !== '' && Object.keys(s.discounts).length > 0)).toBe(true);
    const discountSum = sessions.reduce((n, s) => n + Object.values(s.discounts).reduce((a, b) => a + cents(b), 0), 0);
    expect(discountSum).toBe(cents(truth.applications[0]!.sessions.discount_sum));
    const single = await t1Get<T1Session>(em, `/v1/applications/${LIVE}/sessions/${sessions.find((s) => Object.keys(s.discounts).length > 0)!.id}`);
    expect(cents(single.body.totalDiscounts)).toBe(Object.values(single.body.discounts).reduce((a, b) => a + cents(b), 0));
  });

  it('has, per profile and ledger, served transactions that add up to the served balances', async () => {
    expect(transactions.length).toBe(truth.programs[0]!.transactions.count);
    const program = truth.programs[0]!;
    for (const [integrationId, expected] of Object.entries(program.balances)) {
      const served = (await t1Get<BalancesView>(em, `/v1/loyalty_programs/5/profile/${integrationId}/ledger_balances`)).body;
      expect(served, integrationId).toEqual(expected);
      for (const [subledgerId, balance] of [['', served.balance], ...Object.entries(served.subledgerBalances)] as const) {
        const mine = transactions.filter((t) => t.customerProfileId === integrationId && t.subledgerId === subledgerId);
        const sum = (type: TxView['type']): number => mine.filter((t) => t.type === type).reduce((n, t) => n + cents(t.amount), 0);
        expect(sum('addition') - sum('subtraction'), `${integrationId}/${subledgerId}`).toBe(cents(balance.activePoints) + cents(balance.pendingPoints) + cents(balance.expiredPoints) - cents(balance.negativePoints));
        expect(sum('subtraction')).toBe(cents(balance.spentPoints) + cents(balance.negativePoints));
      }
    }
  });

  it('lists the points expiring within 30 days of the anchor, as the transactions print their expiry', () => {
    const expiring = truth.programs[0]!.expiring_within_30_days;
    expect(expiring.length).toBeGreaterThan(0);
    const anchorMs = Date.parse(truth.anchor);
    for (const e of expiring) {
      const tx = transactions.find((t) => t.id === e.transaction_id)!;
      expect(tx.expiryDate).toBe(e.expiry_date);
      expect(Date.parse(e.expiry_date)).toBeGreaterThan(anchorMs);
      expect(Date.parse(e.expiry_date)).toBeLessThanOrEqual(anchorMs + 30 * 86_400_000);
      expect(e.points).toBeGreaterThan(0);
      expect(e.points).toBeLessThanOrEqual(tx.amount);
    }
  });
});

describe('Talon.One emulator determinism', () => {
  it('builds the same account for the same seed and another one for another seed', () => {
    // The emulator's world ends when it started: the same world is the one with that anchor.
    const build = (seed: number) => computeTalonOneTruth(buildTalonOneAccount(generateWorld({ seed, scale: 0.08, anchor: new Date(truth.anchor) }), 'Europe/Berlin'));
    expect(build(11)).toEqual(truth);
    expect(build(12).programs[0]!.balances).not.toEqual(truth.programs[0]!.balances);
  });
});

describe('Talon.One emulator loyalty data', () => {
  const local = (text: string): string => text.slice(11, 19);
  /** The local calendar date of a printed instant, `days` later, as a UTC date for weekday and day-of-month. */
  const localDate = (text: string, days = 0): Date => new Date(Date.parse(`${text.slice(0, 10)}T00:00:00Z`) + days * 86_400_000);

  it('has pending, action-based and never-expiring points, and start and expiry dates that follow the rules', () => {
    const awards = transactions.filter((t) => t.name === 'Reward 1 point per $1 spent');
    // 14D_D starts at local midnight; 12M_U ends on the last day of a month at 23:59:59, both with the program's offset.
    expect(awards.every((t) => /T00:00:00\+0[12]:00$/.test(t.startDate))).toBe(true);
    for (const t of awards) {
      expect(local(t.expiryDate), t.expiryDate).toBe('23:59:59');
      expect(localDate(t.expiryDate, 1).getUTCDate(), t.expiryDate).toBe(1);
    }
    const partner = transactions.filter((t) => t.subledgerId === 'partner');
    expect(partner.length).toBeGreaterThan(0);
    // 4W_U: the end of the week four weeks on, a Sunday.
    expect(partner.every((t) => local(t.expiryDate) === '23:59:59' && localDate(t.expiryDate).getUTCDay() === 0)).toBe(true);
    expect(transactions.some((t) => t.startDate === 'on_action' && t.validityDuration === '30D')).toBe(true);
    expect(transactions.some((t) => t.type === 'addition' && t.expiryDate === 'unlimited')).toBe(true);
    expect(transactions.some((t) => t.startDate === 'immediate')).toBe(true);
    expect(Object.values(truth.programs[0]!.balances).some((b) => b.balance.pendingPoints > 0)).toBe(true);
    expect(Object.values(truth.programs[0]!.balances).some((b) => b.balance.expiredPoints > 0)).toBe(true);
  });

  it('has manual additions and deductions with a reason and the user who made them, one leaving negative points', () => {
    const manual = transactions.filter((t) => t.userEmail !== undefined);
    expect(manual.some((t) => t.type === 'addition' && t.name.startsWith('Goodwill'))).toBe(true);
    expect(manual.some((t) => t.type === 'subtraction' && t.name.startsWith('Correction'))).toBe(true);
    expect(transactions.some((t) => t.flags.createsNegativeBalance)).toBe(true);
    expect(Object.values(truth.programs[0]!.balances).some((b) => b.balance.negativePoints > 0)).toBe(true);
  });

  it('filters transactions by subledger, type and session, and answers balances at an earlier endDate', async () => {
    const partner = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions?subledgerId=partner', 1000);
    expect(partner.map((t) => t.id)).toEqual(transactions.filter((t) => t.subledgerId === 'partner').map((t) => t.id));
    const manual = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions?loyaltyTransactionType=manual', 1000);
    expect(manual.map((t) => t.id)).toEqual(transactions.filter((t) => t.userEmail !== undefined).map((t) => t.id));
    const waiting = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions?awaitsActivation=true', 1000);
    expect(waiting.length).toBeGreaterThan(0);
    expect(waiting.every((t) => t.startDate === 'on_action')).toBe(true);
    const someone = transactions.find((t) => t.name === 'Reward 1 point per $1 spent')!;
    const before = await t1Get<BalancesView>(em, `/v1/loyalty_programs/5/profile/${someone.customerProfileId}/ledger_balances?endDate=${encodeURIComponent(new Date(Date.parse(someone.created) - 1000).toISOString())}`);
    const after = await t1Get<BalancesView>(em, `/v1/loyalty_programs/5/profile/${someone.customerProfileId}/ledger_balances?endDate=${encodeURIComponent(someone.created)}`);
    const total = (b: BalancesView): number => cents(b.balance.activePoints + b.balance.pendingPoints + b.balance.expiredPoints + b.balance.spentPoints);
    expect(total(after.body) - total(before.body)).toBeGreaterThanOrEqual(cents(someone.amount));
  });
});
