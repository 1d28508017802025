import { scriptedServer } from '../../support/scripted-server';
import { describe, expect, it } from 'vitest';
import { checkEnvironment } from '../../../activities/sources/environment-check';
import { fetchPage, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { StreamSpec } from '../../../activities/sources/spec';
import { talononeSource } from '../../../activities/sources/talonone/spec';
import { parseConfig } from '../../../lib/config';
import { REQUIRED_PATH_PARAMS } from '../../../lib/config-schema';
import { EnvironmentMismatchError } from '../../../lib/errors';
import { applicationAnswer, loyaltyBalancesAnswer, loyaltyProgramsAnswer } from './sample-answers';

// Each stream's request as the Management API reference documents it (https://docs.talon.one/management-api;
// the operations are named beside each sample in test/sources/talonone/sample-answers.ts).
const stream = (name: string) => talononeSource.streams.find((s) => s.name === name)!;
const connection = (over: Partial<PageRequest['connection']> = {}): PageRequest['connection'] => ({
  id: 'talon-live',
  source: 'talonone',
  environment: 'live',
  base_url: 'https://acme.europe-west1.talon.one',
  credential_env: 'TALONONE_MANAGEMENT_KEY',
  path_params: { applicationId: '132' },
  ...over,
});
// 2023-11-14T22:13:20Z to 2023-11-15T22:13:20Z.
const window = { from: 1_700_000_000, to: 1_700_086_400 };
const urlOf = (s: StreamSpec, pageToken: string | null = null, w: PageRequest['window'] = window) =>
  pageUrl({ source: talononeSource, stream: s, connection: connection(), window: w, pageToken });
const params = (url: URL) => Object.fromEntries(url.searchParams);
/** A child position with the given parents pending, as the pager writes it. */
const pending = (...ids: Record<string, string>[]) => JSON.stringify({ p: null, d: true, ids, c: null });

describe('Talon.One streams', () => {
  it('list the application\'s customers 1000 at a time by pageSize/skip, without counting them', () => {
    const url = urlOf(stream('customers'), '2000');
    expect(url.origin + url.pathname).toBe('https://acme.europe-west1.talon.one/v1/applications/132/customers');
    expect(params(url)).toEqual({ withTotalResultSize: 'false', pageSize: '1000', skip: '2000' });
  });

  it('list sessions created in the window, the lower bound written just before it since createdAfter is strict', () => {
    const url = urlOf(stream('sessions'));
    expect(url.pathname).toBe('/v1/applications/132/sessions');
    expect(params(url)).toEqual({ pageSize: '1000', skip: '0', createdAfter: '2023-11-14T22:13:19.999Z', createdBefore: '2023-11-15T22:13:20Z' });
    expect(params(urlOf(stream('sessions'), null, { from: null, to: window.to }))).toEqual({ pageSize: '1000', skip: '0', createdBefore: '2023-11-15T22:13:20Z' });
  });

  it('list the account\'s loyalty programs in one unpaged request', () => {
    const url = urlOf(stream('loyalty_programs'));
    expect(url.pathname).toBe('/v1/loyalty_programs');
    expect(params(url)).toEqual({});
  });

  it('list each program\'s ledger entries by startDate/endDate, 1000 at a time, from the epoch for a window from the beginning', () => {
    const transactions = stream('loyalty_transactions');
    expect(urlOf(transactions).pathname).toBe('/v1/loyalty_programs');
    const url = urlOf(transactions, pending({ loyaltyProgramId: '139' }));
    expect(url.pathname).toBe('/v1/loyalty_programs/139/transactions');
    expect(params(url)).toEqual({ pageSize: '1000', skip: '0', startDate: '2023-11-14T22:13:20Z', endDate: '2023-11-15T22:13:20Z' });
    expect(urlOf(transactions, pending({ loyaltyProgramId: '139' }), { from: null, to: window.to }).searchParams.get('startDate')).toBe('1970-01-01T00:00:00Z');
  });

  it('read each profile\'s ledger balances per program, with tiers, through the ledger entries of the window', () => {
    const balances = stream('loyalty_balances');
    // First the programs, then their entries in the window, then one balance per program and profile.
    expect(urlOf(balances).pathname).toBe('/v1/loyalty_programs');
    const entries = JSON.stringify({ p: null, d: true, ids: [{ loyaltyProgramId: '139' }], c: null });
    const throughEntries = urlOf(balances, JSON.stringify({ p: entries, d: false, ids: [], c: null }));
    expect(throughEntries.pathname).toBe('/v1/loyalty_programs/139/transactions');
    expect(throughEntries.searchParams.get('startDate')).toBe('2023-11-14T22:13:20Z');
    const url = urlOf(balances, pending({ loyaltyProgramId: '139', integrationId: 'URNGV8294NV' }));
    expect(url.pathname).toBe('/v1/loyalty_programs/139/profile/URNGV8294NV/ledger_balances');
    expect(params(url)).toEqual({ includeTiers: 'true' });
  });

  it('list campaigns of the application, and each campaign\'s coupons and referrals by the no_total variants', () => {
    expect(urlOf(stream('campaigns')).pathname).toBe('/v1/applications/132/campaigns');
    expect(params(urlOf(stream('campaigns')))).toEqual({ pageSize: '1000', skip: '0' });
    expect(urlOf(stream('coupons')).pathname).toBe('/v1/applications/132/campaigns');
    expect(urlOf(stream('coupons'), pending({ campaignId: '4' })).pathname).toBe('/v1/applications/132/campaigns/4/coupons/no_total');
    expect(urlOf(stream('referrals'), pending({ campaignId: '4' })).pathname).toBe('/v1/applications/132/campaigns/4/referrals/no_total');
    expect(params(urlOf(stream('referrals'), pending({ campaignId: '4' })))).toEqual({ pageSize: '1000', skip: '0' });
  });

  it('fill every placeholder of every path from a parent record or a required connection parameter', () => {
    for (const s of talononeSource.streams) {
      const fromParent = Object.keys(s.parent?.pathFields ?? {});
      const names = [...s.path.matchAll(/\{(\w+)\}/g)].map((m) => m[1]!);
      for (const name of names) expect([...fromParent, ...Object.keys(REQUIRED_PATH_PARAMS.talonone ?? {})], `${s.name}: {${name}}`).toContain(name);
    }
  });

  it('stay below three requests per second, the limit of each Management API endpoint', () => {
    expect(talononeSource.requestsPerSecond.live).toBeLessThan(3);
    expect(talononeSource.requestsPerSecond.sandbox).toBeLessThan(3);
  });
});

const scripted = scriptedServer({ noAnswer: { message: 'no scripted answer' } });
const { answers, seen } = scripted;

const request = (over: Partial<PageRequest>): PageRequest => ({
  source: talononeSource,
  stream: stream('customers'),
  connection: connection({ base_url: scripted.baseUrl }),
  credential: 'mk-secret',
  limiter: new RateLimiter(1000),
  window,
  pageToken: null,
  ...over,
});

describe('reading Talon.One', () => {
  it('signs with the ManagementKey-v1 scheme and pages on hasMore', async () => {
    answers.push({ status: 200, body: { hasMore: true, data: [{ id: 1 }, { id: 2 }] } });
    const page = await fetchPage(request({}));
    expect(seen.at(-1)!.auth).toBe('ManagementKey-v1 mk-secret');
    expect(page.nextToken).toBe('2');
    answers.push({ status: 200, body: { hasMore: false, data: [{ id: 3 }] } });
    expect((await fetchPage(request({ pageToken: '2' }))).nextToken).toBeNull();
  });

  it('keeps only the loyalty programs the connection\'s application subscribes to', async () => {
    // Program 139 is subscribed by applications 132 and 97, program 140 by 97 alone.
    const programs = stream('loyalty_programs');
    answers.push({ status: 200, body: loyaltyProgramsAnswer });
    expect((await fetchPage(request({ stream: programs }))).records.map((r) => r.id)).toEqual([139]);
    answers.push({ status: 200, body: loyaltyProgramsAnswer });
    const other = await fetchPage(request({ stream: programs, connection: connection({ base_url: scripted.baseUrl, path_params: { applicationId: '5' } }) }));
    expect(other).toEqual({ records: [], texts: [], nextToken: null });
  });

  it('lands a balance with the program and profile it was read for', async () => {
    answers.push({ status: 200, body: loyaltyBalancesAnswer });
    const page = await fetchPage(request({ stream: stream('loyalty_balances'), pageToken: pending({ loyaltyProgramId: '139', integrationId: 'cust-1001' }) }));
    expect(page.records).toEqual([{ ...loyaltyBalancesAnswer, cdp_parent: { loyaltyProgramId: '139', integrationId: 'cust-1001' } }]);
    expect(page.nextToken).toBeNull();
  });

  it('retries the documented too-many-requests answer (HTTP 409) and HTTP 429', async () => {
    const before = seen.length;
    answers.push({ status: 409, body: {} }, { status: 429, body: { message: 'Too many requests' } }, { status: 200, body: { hasMore: false, data: [] } });
    const page = await fetchPage(request({}));
    expect(page).toEqual({ records: [], texts: [], nextToken: null });
    expect(seen.length - before).toBe(3);
  }, 15_000);
});

describe('the environment check', () => {
  const check = (environment: 'live' | 'sandbox', id: string) =>
    checkEnvironment({ source: talononeSource, connection: connection({ id, environment, base_url: scripted.baseUrl }), credential: 'mk-secret', limiter: new RateLimiter(1000) });

  it('fails a live connection to a sandbox application before anything lands, saying so', async () => {
    // The sample Application has "sandbox": true.
    answers.push({ status: 200, body: applicationAnswer });
    const error = await check('live', 'shop-live').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EnvironmentMismatchError);
    expect((error as Error).message).toMatch(/^connection "shop-live" is live but Talon\.One application 132 is a sandbox application;/);
    expect(seen.at(-1)!.url).toBe('/v1/applications/132');
  });

  it('fails a sandbox connection to a live application', async () => {
    answers.push({ status: 200, body: { ...applicationAnswer, sandbox: false } });
    await expect(check('sandbox', 'shop-test')).rejects.toThrow(/connection "shop-test" is sandbox but Talon\.One application 132 is a live application/);
  });

  it('passes a matching connection, counting an application that leaves the flag out as live, and asks once', async () => {
    const { sandbox: _s, ...live } = applicationAnswer;
    answers.push({ status: 200, body: live });
    await check('live', 'shop-ok');
    const asked = seen.length;
    await check('live', 'shop-ok');
    expect(seen.length).toBe(asked);
  });
});

describe('a Talon.One connection in the config', () => {
  const yaml = (extra: string) => `
connections:
  - id: talon-live
    source: talonone
    environment: live
    base_url: https://acme.europe-west1.talon.one
    credential_env: TALONONE_MANAGEMENT_KEY
${extra}`;

  it('names its application by path_params.applicationId', () => {
    const config = parseConfig(yaml('    path_params: { applicationId: 132 }\n'), 'c.yaml');
    expect(config.connections[0]!.path_params).toEqual({ applicationId: '132' });
  });

  it('is refused without one, saying what to set', () => {
    expect(() => parseConfig(yaml(''), 'c.yaml')).toThrow(/connections\[0\]\.path_params\.applicationId: a talonone connection needs path_params\.applicationId: the id of the Talon\.One Application/);
  });

  it('refuses a parameter name that cannot appear in a path', () => {
    expect(() => parseConfig(yaml('    path_params: { "application id": 132 }\n'), 'c.yaml')).toThrow(/connections\[0\]\.path_params/);
  });
});
