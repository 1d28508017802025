import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTalonOneEmulator, type T1Campaign, type T1Coupon, type T1Profile, type T1Referral, type T1Session, type TalonOneEmulator, type TalonOneGroundTruth } from '../../../emulators/talonone';
import { startSuiteEmulator, t1Get, t1PageAll, type Page, type TxView } from './emulator-http';


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const LIVE = 21;
const SANDBOX = 22;

let em: TalonOneEmulator;
let truth: TalonOneGroundTruth;
let sessions: T1Session[];

beforeAll(async () => {
  ({ em, truth } = await startSuiteEmulator(5, 0.05));
  sessions = await t1PageAll<T1Session>(em, `/v1/applications/${LIVE}/sessions`, 40);
});

afterAll(async () => {
  await em?.close();
});

describe('Talon.One emulator authentication', () => {
  it('answers 401 with an ErrorResponseWithStatus body without a key, with a wrong key or with the wrong scheme', async () => {
    for (const [key, scheme] of [[null, ''], ['nope', 'ManagementKey-v1'], [em.apiKeys.live, 'Bearer'], [em.apiKeys.live, 'ApiKey-v1']] as const) {
      const answer = await t1Get<{ message: string; StatusCode: number; errors: { title: string }[] }>(em, `/v1/applications/${LIVE}`, key, scheme);
      expect(answer.status, `${scheme} ${key}`).toBe(401);
      expect(answer.body).toMatchObject({ message: 'Unauthorized', StatusCode: 401, errors: [{ title: 'Unauthorized' }] });
    }
    expect((await t1Get(em, `/v1/applications/${LIVE}`)).status).toBe(200);
  });

  it('takes the Integration API prefix on the balances path only', async () => {
    const profile = truth.applications[0]!.profiles[0]!.integration_id;
    expect((await t1Get(em, `/v1/loyalty_programs/5/profile/${profile}/balances`, em.apiKeys.live, 'ApiKey-v1')).status).toBe(200);
    expect((await t1Get(em, `/v1/loyalty_programs/5/profile/${profile}/ledger_balances`, em.apiKeys.live, 'ApiKey-v1')).status).toBe(401);
  });
});

describe('Talon.One emulator paging', () => {
  it('pages customers and sessions with pageSize and skip to exactly the ground truth', async () => {
    const customers = await t1PageAll<T1Profile>(em, `/v1/applications/${LIVE}/customers`, 7);
    expect(customers.map((c) => c.integrationId)).toEqual(truth.applications[0]!.profiles.map((p) => p.integration_id));
    expect(new Set(customers.map((c) => c.id)).size).toBe(customers.length);
    expect(sessions.length).toBe(truth.applications[0]!.sessions.count);
    expect(new Set(sessions.map((s) => s.id)).size).toBe(sessions.length);
    const last = await t1Get<Page<T1Profile>>(em, `/v1/applications/${LIVE}/customers?pageSize=10&skip=${customers.length - 3}`);
    expect(last.body).toEqual({ hasMore: false, data: customers.slice(-3) });
    const counted = await t1Get<Page<T1Profile>>(em, `/v1/applications/${LIVE}/customers?pageSize=5&withTotalResultSize=true`);
    expect(counted.body.totalResultSize).toBe(customers.length);
  });

  it('pages loyalty transactions newest first, 50 by default, and the coupons and referrals of every campaign', async () => {
    const first = await t1Get<Page<TxView>>(em, '/v1/loyalty_programs/5/transactions');
    expect(first.body.data.length).toBe(50);
    expect(first.body.hasMore).toBe(true);
    const all = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions', 37);
    expect(all.length).toBe(truth.programs[0]!.transactions.count);
    expect(all.slice(0, 50)).toEqual(first.body.data);
    expect(all.every((t, i) => i === 0 || Date.parse(all[i - 1]!.created) > Date.parse(t.created) || (all[i - 1]!.created === t.created && all[i - 1]!.id > t.id))).toBe(true);
    const campaigns = (await t1Get<Page<T1Campaign>>(em, `/v1/applications/${LIVE}/campaigns`)).body;
    expect(campaigns.totalResultSize).toBe(truth.applications[0]!.campaign_ids.length);
    for (const campaign of campaigns.data) {
      const coupons = await t1PageAll<T1Coupon>(em, `/v1/applications/${LIVE}/campaigns/${campaign.id}/coupons/no_total`, 4);
      const referrals = await t1PageAll<T1Referral>(em, `/v1/applications/${LIVE}/campaigns/${campaign.id}/referrals/no_total`, 4);
      expect(coupons.length, campaign.name).toBe(truth.applications[0]!.coupons.count_by_campaign[campaign.id] ?? 0);
      expect(referrals.length, campaign.name).toBe(truth.applications[0]!.referrals.count_by_campaign[campaign.id] ?? 0);
    }
  });

  it('rejects a pageSize over 1000 or under 1 with a 400 naming the parameter', async () => {
    for (const path of [`/v1/applications/${LIVE}/customers`, `/v1/applications/${LIVE}/sessions`, '/v1/loyalty_programs/5/transactions', `/v1/applications/${LIVE}/campaigns/102/coupons/no_total`]) {
      for (const size of [1001, 0]) {
        const answer = await t1Get<{ StatusCode: number; errors: { source: { parameter: string } }[] }>(em, `${path}?pageSize=${size}`);
        expect(answer.status, `${path} ${size}`).toBe(400);
        expect(answer.body.errors[0]!.source.parameter).toBe('pageSize');
      }
      expect((await t1Get(em, `${path}?pageSize=1000`)).status).toBe(200);
    }
  });

  it('serves a full page of 1000 by default on customers and sessions, and 1000 transactions at most', async () => {
    const big = await startTalonOneEmulator({ seed: 5, scale: 1, rateLimitPerSecond: 0 });
    try {
      for (const path of [`/v1/applications/${LIVE}/customers`, `/v1/applications/${LIVE}/sessions`]) {
        const page = await t1Get<Page<unknown>>(big, path);
        expect(page.body.data.length, path).toBe(1000);
        expect(page.body.hasMore, path).toBe(true);
      }
      const most = await t1Get<Page<TxView>>(big, '/v1/loyalty_programs/5/transactions?pageSize=1000');
      expect(most.body.data.length).toBe(1000);
      expect(most.body.hasMore).toBe(true);
    } finally {
      await big.close();
    }
  });
});

describe('Talon.One emulator date filters', () => {
  it('lists sessions created strictly after createdAfter and strictly before createdBefore, in any offset', async () => {
    const pivot = sessions[Math.floor(sessions.length / 2)]!;
    const at = Date.parse(pivot.created);
    const ids = async (query: string): Promise<number[]> => (await t1PageAll<T1Session>(em, `/v1/applications/${LIVE}/sessions?${query}`, 1000)).map((s) => s.id);
    const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
    expect(await ids(`createdAfter=${iso(at)}`)).toEqual(sessions.filter((s) => Date.parse(s.created) > at).map((s) => s.id));
    expect(await ids(`createdAfter=${iso(at - 1000)}`)).toContain(pivot.id);
    expect(await ids(`createdBefore=${iso(at)}`)).toEqual(sessions.filter((s) => Date.parse(s.created) < at).map((s) => s.id));
    const plus7 = new Date(at + 7 * 3_600_000).toISOString().slice(0, 19) + '+07:00';
    expect(await ids(`createdBefore=${encodeURIComponent(plus7)}`)).toEqual(await ids(`createdBefore=${iso(at)}`));
    expect((await t1Get(em, `/v1/applications/${LIVE}/sessions?createdAfter=yesterday`)).status).toBe(400);
  });

  it('lists transactions from startDate to endDate, both included, a bare date meaning midnight UTC', async () => {
    const all = await t1PageAll<TxView>(em, '/v1/loyalty_programs/5/transactions', 1000);
    const pivot = all[Math.floor(all.length / 3)]!;
    const within = async (query: string): Promise<number[]> => (await t1PageAll<TxView>(em, `/v1/loyalty_programs/5/transactions?${query}`, 1000)).map((t) => t.id);
    expect(await within(`startDate=${pivot.created}&endDate=${pivot.created}`)).toEqual(all.filter((t) => t.created === pivot.created).map((t) => t.id));
    expect(await within(`startDate=${pivot.created}`)).toEqual(all.filter((t) => Date.parse(t.created) >= Date.parse(pivot.created)).map((t) => t.id));
    const day = pivot.created.slice(0, 10);
    expect(await within(`startDate=${day}`)).toEqual(await within(`startDate=${day}T00:00:00Z`));
    expect(await within(`endDate=${day}`)).toEqual(all.filter((t) => Date.parse(t.created) <= Date.parse(`${day}T00:00:00Z`)).map((t) => t.id));
  });
});

describe('Talon.One emulator rate limit', () => {
  it('takes 3 requests a second per endpoint and answers the 4th with the edge 429 body, no Retry-After, counting early retries', async () => {
    const limited = await startTalonOneEmulator({ seed: 5, scale: 0.02 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++) statuses.push((await t1Get(limited, `/v1/applications/${LIVE}/customers`)).status);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const refused = await t1Get<Record<string, unknown>>(limited, `/v1/applications/${LIVE}/customers`);
      expect(refused.status).toBe(429);
      expect(refused.body).toEqual({ StatusCode: 429, Error: 'Too many requests', RequestUUID: expect.stringMatching(/^[0-9a-f-]{36}$/) });
      expect(refused.headers.get('content-type')).toMatch(/^application\/json/);
      expect(refused.headers.get('retry-after')).toBeNull();
      // Another endpoint has its own budget.
      expect((await t1Get(limited, `/v1/applications/${LIVE}/sessions?pageSize=1`)).status).toBe(200);
      await sleep(250);
      expect((await t1Get(limited, `/v1/applications/${LIVE}/customers`)).status).toBe(429);
      await sleep(1000);
      expect((await t1Get(limited, `/v1/applications/${LIVE}/customers`)).status).toBe(200);
      expect(limited.stats()).toEqual({ requests: 8, rateLimited: 3, earlyRetries: 1 });
      expect(await (await fetch(`${limited.url}/_emulator/stats`)).json()).toEqual(limited.stats());
      limited.setFaults({ rateLimitPerSecond: 0 });
      for (let i = 0; i < 6; i++) expect((await t1Get(limited, `/v1/applications/${LIVE}/customers`)).status).toBe(200);
    } finally {
      await limited.close();
    }
  });
});

describe('Talon.One emulator sandbox and live Applications', () => {
  it('says which Application is sandbox and keeps each key to its own Application and loyalty program', async () => {
    expect((await t1Get<{ sandbox: boolean; loyaltyPrograms: { id: number }[] }>(em, `/v1/applications/${LIVE}`)).body).toMatchObject({ sandbox: false, loyaltyPrograms: [{ id: 5 }] });
    expect((await t1Get<{ sandbox: boolean }>(em, `/v1/applications/${SANDBOX}`, em.apiKeys.sandbox)).body).toMatchObject({ sandbox: true, loyaltyPrograms: [{ id: 6 }] });
    expect((await t1Get(em, `/v1/applications/${SANDBOX}/customers`)).status).toBe(403);
    expect((await t1Get(em, `/v1/applications/${LIVE}/sessions`, em.apiKeys.sandbox)).status).toBe(403);
    expect((await t1Get(em, '/v1/loyalty_programs/6/transactions')).status).toBe(403);
    expect((await t1Get<Page<{ id: number; sandbox: boolean }>>(em, '/v1/loyalty_programs', em.apiKeys.sandbox)).body).toMatchObject({ totalResultSize: 1, data: [{ id: 6, sandbox: true }] });
    expect((await t1Get<Page<{ id: number }>>(em, '/v1/applications')).body).toMatchObject({ totalResultSize: 1, data: [{ id: LIVE }] });
  });

  it('keeps profiles with the same integration id as separate records with their own sessions and points', async () => {
    const live = await t1PageAll<T1Profile>(em, `/v1/applications/${LIVE}/customers`, 1000);
    const sandbox = await t1PageAll<T1Profile>(em, `/v1/applications/${SANDBOX}/customers`, 1000, em.apiKeys.sandbox);
    expect(sandbox.every((p) => p.sandbox) && live.every((p) => !p.sandbox)).toBe(true);
    const shared = sandbox.filter((s) => live.some((l) => l.integrationId === s.integrationId));
    expect(shared.length).toBeGreaterThanOrEqual(3);
    for (const copy of shared) {
      const original = live.find((l) => l.integrationId === copy.integrationId)!;
      expect(copy.id).not.toBe(original.id);
      const liveBalances = await t1Get(em, `/v1/loyalty_programs/5/profile/${copy.integrationId}/ledger_balances`);
      const sandboxBalances = await t1Get(em, `/v1/loyalty_programs/6/profile/${copy.integrationId}/ledger_balances`, em.apiKeys.sandbox);
      expect(liveBalances.body).toEqual(truth.programs[0]!.balances[copy.integrationId]);
      expect(sandboxBalances.body).toEqual(truth.programs[1]!.balances[copy.integrationId]);
    }
    const sandboxSessions = await t1PageAll<T1Session>(em, `/v1/applications/${SANDBOX}/sessions`, 1000, em.apiKeys.sandbox);
    expect(sandboxSessions.every((s) => s.applicationId === SANDBOX && sandbox.some((p) => p.id === s.profileId))).toBe(true);
    expect(sandboxSessions.some((s) => sessions.some((l) => l.id === s.id || l.integrationId === s.integrationId))).toBe(false);
  });
});
