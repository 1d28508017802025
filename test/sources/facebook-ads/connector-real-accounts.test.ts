import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readAccountFacts } from '../../../activities/sources/account-facts';
import { jobRange } from '../../../activities/sources/facebook-ads/insights-jobs';
import { facebookAdsSource } from '../../../activities/sources/facebook-ads/spec';
import { pageUrl } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { selectStreams } from '../../../activities/sources/registry';
import { graphTimeRange } from '../../../activities/sources/request-url';
import { configSchema, type ConnectionConfig } from '../../../lib/config-schema';
import { ConfigError } from '../../../lib/errors';
import { startFacebookAdsEmulator, type FacebookAdsEmulator } from '../../../emulators/facebook-ads';
import { DEFAULT_ANCHOR } from '../../../emulators/world';

// The connector against what a real ad account needs: its own calendar, the 37 months Meta keeps,
// its currency, ad-set and ad levels, and every throttle code. Truths are written by hand from the
// Marketing API documentation, or read from the emulator, which was written apart from the connector.

const TOKEN = 'EAAconnectorTestToken';
const insights = facebookAdsSource.streams.find((s) => s.name === 'insights')!;
const seconds = (iso: string) => Date.parse(iso) / 1000;
const connection = (base: string, extra: Partial<ConnectionConfig> = {}): ConnectionConfig => ({
  id: 'ads', source: 'facebook_ads', environment: 'live', base_url: base, credential_env: 'FB_TOKEN', ...extra,
});

let em: FacebookAdsEmulator;
beforeAll(async () => {
  em = await startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.05, accessTokens: [TOKEN], rateLimit: null });
});
afterAll(async () => {
  await em?.close();
});

describe('the account calendar', () => {
  it('asks for the account days a window touches, so an account east of UTC gets its newest day', () => {
    // 2026-11-01T20:00Z is already 2 November in Tokyo (UTC+9).
    const window = { from: seconds('2026-10-30T00:00:00Z'), to: seconds('2026-11-01T20:00:00Z') };
    const range = (timeZone?: string) => JSON.parse(pageUrl({ source: facebookAdsSource, stream: insights, connection: connection('https://graph.facebook.com/v19.0/act_1'), window, pageToken: null, timeZone }).searchParams.get('time_range')!);
    expect(range('Asia/Tokyo')).toEqual({ since: '2026-10-30', until: '2026-11-02' });
    expect(range('America/Los_Angeles')).toEqual({ since: '2026-10-29', until: '2026-11-01' });
  });

  it('starts no further back than 37 months of the account calendar, which the emulator accepts and a day more it refuses', async () => {
    const now = seconds('2026-11-01T00:00:00Z');
    const range = graphTimeRange(insights.window!, { from: null, to: now }, now, 'America/Los_Angeles');
    // Today in Los Angeles is 2026-10-31; 37 months earlier is 2023-09-30.
    expect(range).toEqual({ since: '2023-09-30', until: '2026-10-31' });
    const ask = async (since: string) => (await fetch(`${em.url}/v19.0/${em.adAccountId}/insights?access_token=${TOKEN}&time_range=${encodeURIComponent(JSON.stringify({ since, until: range.until }))}`)).status;
    expect(await ask(range.since)).toBe(200);
    expect(await ask('2023-09-29')).toBe(400);
  });

  it('splits a long window into asynchronous jobs that read every account day once', () => {
    const now = seconds('2026-11-01T00:00:00Z');
    const edges = [seconds('2026-01-01T00:00:00Z'), seconds('2026-04-03T05:30:00Z'), seconds('2026-07-04T11:00:00Z'), now];
    const days: string[] = [];
    for (let i = 0; i + 1 < edges.length; i++) {
      const { since, until } = jobRange({ start: new Date(edges[i]! * 1000), end: new Date(edges[i + 1]! * 1000) }, now, 'America/Los_Angeles');
      for (let d = since; d <= until; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) days.push(d);
    }
    expect(new Set(days).size).toBe(days.length);
    // From the first Los Angeles day that starts after 2026-01-01T00:00Z (1 January starts at 08:00Z) to 31 October.
    expect(days[0]).toBe('2026-01-01');
    expect(days.at(-1)).toBe('2026-10-31');
    expect(days.length).toBe(304);
  });
});

describe('the ad account facts', () => {
  const req = (extra: Partial<ConnectionConfig> = {}) => ({
    source: facebookAdsSource, connection: connection(`${em.url}/v19.0/${em.adAccountId}`, { id: `ads-${extra.currency ?? 'none'}`, ...extra }), credential: TOKEN, limiter: new RateLimiter(100),
  });

  it('reads the time zone and currency from the ad account node', async () => {
    expect(await readAccountFacts(req())).toEqual({ timeZone: 'America/Los_Angeles', currency: 'USD' });
    expect(await readAccountFacts(req({ currency: 'USD' }))).toEqual({ timeZone: 'America/Los_Angeles', currency: 'USD' });
  });

  it('fails before anything lands when the connection says another currency', async () => {
    await expect(readAccountFacts(req({ currency: 'EUR' }))).rejects.toThrow(ConfigError);
    await expect(readAccountFacts(req({ currency: 'EUR' }))).rejects.toThrow(/currency is EUR, but the ad account keeps USD/);
  });
});

describe('insights levels', () => {
  const names = (extra: Partial<ConnectionConfig>) => selectStreams(facebookAdsSource, undefined, 'test', connection('https://graph.facebook.com/v19.0/act_1', extra)).map((s) => s.name);

  it('reads campaign insights by default and ad-set and ad insights when insights_levels asks', () => {
    expect(names({})).toEqual(['insights', 'ad_account', 'campaigns']);
    expect(names({ insights_levels: ['campaign', 'adset', 'ad'] })).toEqual(['insights', 'adset_insights', 'ad_insights', 'ad_account', 'campaigns']);
    expect(names({ insights_levels: ['ad'] })).toEqual(['ad_insights', 'ad_account', 'campaigns']);
    const ad = facebookAdsSource.streams.find((s) => s.name === 'ad_insights')!;
    expect(ad.primaryKey).toBe('ad_id+date_start');
    expect(ad.params).toMatchObject({ level: 'ad' });
  });

  it('validates insights_levels in the config', () => {
    const base = { id: 'ads', source: 'facebook_ads', environment: 'live', base_url: 'https://graph.facebook.com/v19.0/act_1', credential_env: 'FB_TOKEN' };
    expect(configSchema.safeParse({ connections: [{ ...base, insights_levels: ['adset'] }] }).success).toBe(true);
    expect(configSchema.safeParse({ connections: [{ ...base, insights_levels: ['keyword'] }] }).success).toBe(false);
    expect(configSchema.safeParse({ connections: [{ ...base, insights_levels: [] }] }).success).toBe(false);
    expect(configSchema.safeParse({ connections: [{ ...base, source: 'stripe', insights_levels: ['ad'] }] }).success).toBe(false);
  });
});

describe('throttling', () => {
  it('treats every throttle code the emulator answers as a rate limit, and waits out a full app budget', async () => {
    const local = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: [TOKEN], rateLimit: { calls: 1, windowSeconds: 3600 } });
    try {
      const url = `${local.url}/v19.0/${local.adAccountId}/insights?access_token=${TOKEN}&date_preset=yesterday`;
      await fetch(url);
      for (const code of [4, 17, 32, 613, 80000] as const) {
        local.setFaults({ throttleCode: code });
        const response = await fetch(url);
        expect(facebookAdsSource.isRateLimited!(response.status, await response.json()), String(code)).toBe(true);
        expect(facebookAdsSource.retryAfterMs!(response.headers), String(code)).toBeGreaterThanOrEqual(60_000);
      }
      // X-App-Usage alone at 100 still holds the connection for the throttle window.
      expect(facebookAdsSource.retryAfterMs!(new Headers({ 'x-app-usage': JSON.stringify({ call_count: 100, total_cputime: 10, total_time: 10 }) }))).toBe(60_000);
      expect(facebookAdsSource.retryAfterMs!(new Headers({ 'x-fb-ads-insights-throttle': JSON.stringify({ app_id_util_pct: 3, acc_id_util_pct: 100 }) }))).toBe(60_000);
      expect(facebookAdsSource.retryAfterMs!(new Headers({ 'x-app-usage': JSON.stringify({ call_count: 40 }) }))).toBeUndefined();
    } finally {
      await local.close();
    }
  });
});
