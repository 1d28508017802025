import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatZoned } from '../../../emulators/http/zoned-time';
import { applyLoyaltyDuration, startTalonOneEmulator, type BalancesView, type T1Profile, type T1Session, type TalonOneEmulator } from '../../../emulators/talonone';
import { t1Get, t1Mutate, t1PageAll, type Page, type TxView } from './emulator-http';


const LIVE = 21;
const ZONE = 'Europe/Berlin';
let em: TalonOneEmulator;

const newest = async (): Promise<TxView> => (await t1Get<Page<TxView>>(em, '/v1/loyalty_programs/5/transactions?pageSize=1')).body.data[0]!;
const balances = async (integrationId: string): Promise<BalancesView> => (await t1Get<BalancesView>(em, `/v1/loyalty_programs/5/profile/${integrationId}/ledger_balances`)).body;
/** Balances as of the real clock: a change a test makes happens now, while the account's clock may still stand at the anchor. */
const balancesNow = async (integrationId: string): Promise<BalancesView> =>
  (await t1Get<BalancesView>(em, `/v1/loyalty_programs/5/profile/${integrationId}/ledger_balances?endDate=${encodeURIComponent(new Date().toISOString())}`)).body;

beforeAll(async () => {
  em = await startTalonOneEmulator({ seed: 13, scale: 0.05, rateLimitPerSecond: 0, timeZone: ZONE });
});

afterAll(async () => {
  await em?.close();
});

describe('Talon.One emulator changes made after a sync', () => {
  it('closes an open session now: the profile counts it and its points head the transactions, pending until the start of day 14 days on', async () => {
    const open = (await t1PageAll<T1Session>(em, `/v1/applications/${LIVE}/sessions?state=open`, 100))[0]!;
    const profileBefore = (await t1Get<Page<T1Profile>>(em, `/v1/applications/${LIVE}/customers?integrationId=${open.profileintegrationid}`)).body.data[0]!;
    const before = em.truth();
    const startedMs = Math.floor(Date.now() / 1000) * 1000;

    const answer = await t1Mutate<{ session: T1Session; loyaltyTransactions: TxView[] }>(em, { action: 'close_session', application_id: LIVE, session_id: open.id });
    expect(answer.status).toBe(200);
    expect(answer.body.session).toMatchObject({ id: open.id, state: 'closed', created: open.created });
    const award = answer.body.loyaltyTransactions[0]!;
    expect(await newest()).toEqual(award);
    expect(award).toMatchObject({ type: 'addition', customerProfileId: open.profileintegrationid, customerSessionId: open.integrationId, subledgerId: '' });
    expect(award.amount).toBeCloseTo(open.total - Object.values(open.discounts).reduce((a, b) => a + b, 0), 2);
    const createdMs = Date.parse(award.created);
    expect(createdMs).toBeGreaterThanOrEqual(startedMs);
    expect(award.startDate).toBe(formatZoned(applyLoyaltyDuration(createdMs, '14D_D', ZONE), ZONE));

    const profileAfter = (await t1Get<Page<T1Profile>>(em, `/v1/applications/${LIVE}/customers?integrationId=${open.profileintegrationid}`)).body.data[0]!;
    expect(profileAfter.closedSessions).toBe(profileBefore.closedSessions + 1);
    expect(profileAfter.totalSales).toBeCloseTo(profileBefore.totalSales + open.total, 2);
    // The list filters on creation time only: a session closed now is still found where it was created.
    expect((await t1PageAll<T1Session>(em, `/v1/applications/${LIVE}/sessions?createdAfter=${encodeURIComponent(new Date(startedMs - 1000).toISOString())}`, 100)).map((s) => s.id)).not.toContain(open.id);

    const after = em.truth();
    expect(Date.parse(after.as_of)).toBeGreaterThanOrEqual(startedMs);
    expect(after.applications[0]!.sessions.count_by_state.closed).toBe(before.applications[0]!.sessions.count_by_state.closed + 1);
    expect(after.programs[0]!.balances[open.profileintegrationid]).toEqual(await balances(open.profileintegrationid));
    expect(after.programs[0]!.balances[open.profileintegrationid]!.balance.pendingPoints).toBeCloseTo(before.programs[0]!.balances[open.profileintegrationid]!.balance.pendingPoints + award.amount, 2);
    expect((await t1Mutate(em, { action: 'close_session', application_id: LIVE, session_id: open.id })).status).toBe(400);
  });

  it('adds manual points to a subledger with a reason, ending on the last day of next month', async () => {
    const someone = em.truth().applications[0]!.profiles[3]!.integration_id;
    const before = await balancesNow(someone);
    const answer = await t1Mutate<TxView>(em, { action: 'add_loyalty_points', loyalty_program_id: 5, integration_id: someone, points: 42.5, name: 'Goodwill: broken zipper', subledger_id: 'vip', validity_duration: '1M_U' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ type: 'addition', amount: 42.5, name: 'Goodwill: broken zipper', subledgerId: 'vip', startDate: 'immediate', userEmail: 'ops@cdp-demo.example' });
    expect(answer.body.expiryDate).toBe(formatZoned(applyLoyaltyDuration(Date.parse(answer.body.created), '1M_U', ZONE), ZONE));
    expect(answer.body.expiryDate).toMatch(/T23:59:59[+-]\d\d:\d\d$/);
    const after = await balances(someone);
    expect(after.balance).toEqual(before.balance);
    expect(after.subledgerBalances.vip).toEqual({ activePoints: 42.5, pendingPoints: 0, spentPoints: 0, expiredPoints: 0, negativePoints: 0 });
    expect(em.truth().programs[0]!.balances[someone]).toEqual(after);
  });

  it('deducts points with a reason, flagging a deduction that leaves negative points', async () => {
    const someone = em.truth().applications[0]!.profiles[5]!.integration_id;
    const active = (await balancesNow(someone)).balance.activePoints;
    const answer = await t1Mutate<TxView>(em, { action: 'deduct_loyalty_points', loyalty_program_id: 5, integration_id: someone, points: active + 10, name: 'Correction: fraud' });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ type: 'subtraction', name: 'Correction: fraud', flags: { createsNegativeBalance: true } });
    expect(await newest()).toEqual(answer.body);
    expect((await balances(someone)).balance).toMatchObject({ activePoints: 0, negativePoints: 10 });
  });

  it('answers 400 for a body it cannot use and 404 for an unknown program, profile or session', async () => {
    for (const body of [{}, { action: 'close' }, { action: 'add_loyalty_points', loyalty_program_id: 5, integration_id: 'x', points: -1 }, { action: 'add_loyalty_points', loyalty_program_id: 5, integration_id: 'shopper-000001', points: 1, validity_duration: '3W_D' }]) {
      const answer = await t1Mutate<{ StatusCode: number; message: string }>(em, body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body.StatusCode).toBe(400);
    }
    expect((await t1Mutate(em, { action: 'add_loyalty_points', loyalty_program_id: 99, integration_id: 'x', points: 1 })).status).toBe(404);
    expect((await t1Mutate(em, { action: 'deduct_loyalty_points', loyalty_program_id: 5, integration_id: 'nobody', points: 1 })).status).toBe(404);
    expect((await t1Mutate(em, { action: 'close_session', application_id: LIVE, session_id: 999_999 })).status).toBe(404);
  });
});
