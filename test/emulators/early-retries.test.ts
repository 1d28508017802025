import { afterEach, describe, expect, it } from 'vitest';
import { startActiveCampaignEmulator } from '../../emulators/activecampaign';
import { startBigCommerceEmulator } from '../../emulators/bigcommerce';
import { startFacebookAdsEmulator } from '../../emulators/facebook-ads';
import type { RateLimitStats } from '../../emulators/http';
import { startThriveCartEmulator } from '../../emulators/thrivecart';

// Each emulator that tells a refused client how long to wait counts the requests that come sooner.

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let closeAll: (() => Promise<void>)[] = [];
afterEach(async () => {
  await Promise.all(closeAll.map((close) => close()));
  closeAll = [];
});

async function statsOver(url: string): Promise<RateLimitStats> {
  return (await fetch(`${url}/_emulator/stats`)).json() as Promise<RateLimitStats>;
}

/** Calls until refused; returns the refusal. */
async function untilRefused(call: () => Promise<Response>, refused: (r: Response) => Promise<boolean>): Promise<Response> {
  for (let i = 0; i < 100; i++) {
    const r = await call();
    if (await refused(r.clone())) return r;
  }
  throw new Error('never refused');
}

describe('early retries after a rate-limit answer', () => {
  it('ActiveCampaign counts requests sent before Retry-After (1 s) is over, and none after', async () => {
    const em = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: ['k'], rateLimitPerSecond: 2 });
    closeAll.push(em.close);
    const call = () => fetch(`${em.url}/api/3/tags`, { headers: { 'Api-Token': 'k' } });
    const refusal = await untilRefused(call, async (r) => r.status === 429);
    expect(refusal.headers.get('retry-after')).toBe('1');
    await sleep(200);
    await call();
    await sleep(1000);
    expect((await call()).status).toBe(200);
    expect(em.stats()).toMatchObject({ rateLimited: 2, earlyRetries: 1 });
    expect(await statsOver(em.url)).toEqual(em.stats());
  });

  it('ThriveCart counts requests sent before Retry-After (the end of the minute) is over', async () => {
    const em = await startThriveCartEmulator({ port: 0, seed: 1, scale: 0.02, apiKeys: ['k'], rateLimitPerMinute: 2 });
    closeAll.push(em.close);
    const call = () => fetch(`${em.apiBaseUrl}/ping`, { headers: { authorization: 'Bearer k' } });
    await untilRefused(call, async (r) => r.status === 429);
    await sleep(200);
    expect((await call()).status).toBe(429);
    expect(em.stats()).toEqual({ requests: 4, rateLimited: 2, earlyRetries: 1 });
    expect(await statsOver(em.url)).toEqual(em.stats());
  });

  it('BigCommerce counts requests sent before X-Rate-Limit-Time-Reset-Ms is over, and none after', async () => {
    const em = await startBigCommerceEmulator({ port: 0, seed: 1, scale: 0.02, accessTokens: ['t'], rateLimitQuota: 2, rateLimitWindowMs: 1000 });
    closeAll.push(em.close);
    const call = () => fetch(`${em.apiBaseUrl}/v3/catalog/products`, { headers: { 'x-auth-token': 't' } });
    const refusal = await untilRefused(call, async (r) => r.status === 429);
    const resetMs = Number(refusal.headers.get('x-rate-limit-time-reset-ms'));
    expect(resetMs).toBeGreaterThan(300);
    await sleep(150);
    await call();
    await sleep(resetMs);
    expect((await call()).status).toBe(200);
    expect(em.stats()).toMatchObject({ rateLimited: 2, earlyRetries: 1 });
    expect(await statsOver(em.url)).toEqual(em.stats());
  });

  it('Facebook Ads throttles the ad account for seconds, saying so in X-Ad-Account-Usage, and counts calls that come sooner', async () => {
    const em = await startFacebookAdsEmulator({ seed: 1, scale: 0.02, accessTokens: ['tok'] });
    closeAll.push(em.close);
    em.setFaults({ adAccountLimit: { calls: 2, windowSeconds: 1 } });
    const call = (edge: string) => fetch(`${em.url}/v19.0/${em.adAccountId}/${edge}?access_token=tok&date_preset=yesterday`);
    const first = await call('insights');
    // The window's end in whole seconds: 1, or 2 when the call lands late in a second on a busy machine.
    const usage = JSON.parse(first.headers.get('x-ad-account-usage')!) as { reset_time_duration: number };
    expect(usage).toMatchObject({ acc_id_util_pct: 50, ads_api_access_tier: 'standard_access' });
    expect([1, 2]).toContain(usage.reset_time_duration);
    await call('campaigns');
    // Over the ad account's budget, whichever edge is called.
    const refusal = await call('insights');
    expect(refusal.status).toBe(400);
    expect(((await refusal.json()) as { error: { code: number; error_subcode: number } }).error).toMatchObject({ code: 17, error_subcode: 2446079 });
    const refused = JSON.parse(refusal.headers.get('x-ad-account-usage')!) as { reset_time_duration: number };
    expect(refused).toMatchObject({ acc_id_util_pct: 100, ads_api_access_tier: 'standard_access' });
    expect([1, 2]).toContain(refused.reset_time_duration);
    const useCase = JSON.parse(refusal.headers.get('x-business-use-case-usage')!) as Record<string, { estimated_time_to_regain_access: number }[]>;
    expect(Object.values(useCase)[0]![0]!.estimated_time_to_regain_access).toBe(0);
    await sleep(150);
    expect((await call('campaigns')).status).toBe(400);
    await sleep(1100);
    expect((await call('insights')).status).toBe(200);
    expect(em.stats()).toEqual({ requests: 5, rateLimited: 2, earlyRetries: 1 });
    expect(await statsOver(em.url)).toEqual(em.stats());
  });
});
