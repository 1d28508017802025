import { afterEach, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { get, LIVE_KEY, TEST_KEY } from './emulator-http';
import { DEFAULT_ANCHOR } from '../../../emulators/world';

let emulator: StripeEmulator | undefined;

afterEach(async () => {
  await emulator?.close();
  emulator = undefined;
});

const start = async (opts: Parameters<typeof startStripeEmulator>[0] = {}): Promise<StripeEmulator> => {
  emulator = await startStripeEmulator({ port: 0, seed: 1, scale: 0.02, apiKeys: [TEST_KEY, LIVE_KEY], ...opts });
  return emulator;
};

async function burst(url: string, n: number, key = TEST_KEY): Promise<Response[]> {
  return Promise.all(Array.from({ length: n }, () => fetch(`${url}/v1/coupons?limit=1`, { headers: { authorization: `Bearer ${key}` } })));
}

describe('Stripe emulator rate limits and faults', () => {
  it('answers 429 with Stripe-Rate-Limited-Reason and no Retry-After when a key bursts past its rate', async () => {
    const { url } = await start({ rateLimitPerSecond: 5 });
    const responses = await burst(url, 12);
    const limited = responses.filter((r) => r.status === 429);
    expect(responses.filter((r) => r.status === 200).length).toBeGreaterThanOrEqual(5);
    expect(limited.length).toBeGreaterThan(0);
    const sample = limited[0]!;
    expect(sample.headers.get('stripe-rate-limited-reason')).toBe('global-rate');
    expect(sample.headers.get('retry-after')).toBeNull();
    expect(sample.headers.get('request-id')).toMatch(/^req_/);
    const body = (await sample.json()) as { error: { type: string; code: string; message: string } };
    expect(body.error).toMatchObject({ type: 'invalid_request_error', code: 'rate_limit' });
    expect(body.error.message).toMatch(/^Request rate limit exceeded\./);
  });

  it('refills the bucket over time', async () => {
    const { url } = await start({ rateLimitPerSecond: 5 });
    await burst(url, 10);
    await new Promise((resolve) => setTimeout(resolve, 450));
    const after = await get(url, '/v1/coupons?limit=1');
    expect(after.status).toBe(200);
  });

  it('limits test keys at 25 requests a second by default and live keys at 100', async () => {
    const { url } = await start();
    const test = await burst(url, 40, TEST_KEY);
    const okTest = test.filter((r) => r.status === 200).length;
    expect(okTest).toBeGreaterThanOrEqual(25);
    expect(okTest).toBeLessThan(40);
    const live = await burst(url, 60, LIVE_KEY);
    expect(live.every((r) => r.status === 200)).toBe(true);
  });

  it('fails a deterministic fraction of requests with 500 api_error when failRate is set', async () => {
    const statuses = async (): Promise<number[]> => {
      const em = await start({ failRate: 0.3, rateLimitPerSecond: 0 });
      const out: number[] = [];
      for (let i = 0; i < 40; i++) out.push((await get(em.url, '/v1/coupons?limit=1')).status);
      await em.close();
      emulator = undefined;
      return out;
    };
    const first = await statuses();
    expect(first.filter((s) => s === 500).length).toBeGreaterThan(3);
    expect(first.filter((s) => s === 200).length).toBeGreaterThan(15);
    expect(await statuses()).toEqual(first);
    const em = await start({ failRate: 1, rateLimitPerSecond: 0 });
    const failed = await get<{ error: { type: string; message: string } }>(em.url, '/v1/charges');
    expect(failed.status).toBe(500);
    expect(failed.body.error.type).toBe('api_error');
  });

  it('fails the next requests with the chosen status through setFaults, then recovers', async () => {
    const em = await start({ rateLimitPerSecond: 0 });
    em.setFaults({ failNextRequests: 2, failStatus: 503 });
    expect((await get(em.url, '/v1/charges')).status).toBe(503);
    expect((await get(em.url, '/v1/charges')).status).toBe(503);
    expect((await get(em.url, '/v1/charges')).status).toBe(200);
  });

  it('takes fault settings over HTTP and lowers the rate limit on the fly', async () => {
    const em = await start({ rateLimitPerSecond: 0 });
    const set = await fetch(`${em.url}/_emulator/faults`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ failNextRequests: 1, failStatus: 502, rateLimitPerSecond: 3 }),
    });
    expect(set.status).toBe(200);
    expect(await set.json()).toMatchObject({ failNextRequests: 1, failStatus: 502, rateLimitPerSecond: 3 });
    expect((await get(em.url, '/v1/coupons')).status).toBe(502);
    const statuses = (await burst(em.url, 8)).map((r) => r.status);
    expect(statuses).toContain(429);
    const bad = await fetch(`${em.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failRate: 2 }) });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { type: string } }).error.type).toBe('invalid_request_error');
  });

  it('serves identical data for the same seed and different data for another seed', async () => {
    const a = await startStripeEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 21, scale: 0.03, rateLimitPerSecond: 0 });
    const b = await startStripeEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 21, scale: 0.03, rateLimitPerSecond: 0 });
    const c = await startStripeEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 22, scale: 0.03, rateLimitPerSecond: 0 });
    try {
      const key = 'sk_test_cdp_emulator';
      const page = async (em: StripeEmulator): Promise<string> => JSON.stringify((await get(em.url, '/v1/charges?limit=100', key)).body);
      expect(await page(a)).toBe(await page(b));
      expect(await page(c)).not.toBe(await page(a));
      expect(a.truth()).toEqual(b.truth());
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });
});
