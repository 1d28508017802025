import { afterEach, describe, expect, it } from 'vitest';
import { startAmazonSellerEmulator, type AmazonSellerEmulator } from '../../../emulators/amazon-seller';
import { ordersPath, sleep, spGet, spPost, type ErrorList } from './emulator-http';

// getReport's usage plan: 2 requests per second, a burst of 15. A 404 for an unknown report still spends a token.
const POLL = '/reports/2021-06-30/reports/50000000001';

let running: AmazonSellerEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.map((em) => em.close()));
  running = [];
});

async function start(rateScale: number): Promise<AmazonSellerEmulator> {
  const em = await startAmazonSellerEmulator({ seed: 3, scale: 0.02, rateScale });
  running.push(em);
  return em;
}

/** Calls getReport until refused; returns when the refusal came, by performance.now(). */
async function exhaust(em: AmazonSellerEmulator): Promise<number> {
  for (let i = 0; i < 100; i++) {
    if ((await spGet(em, POLL)).status === 429) return performance.now();
  }
  throw new Error('never refused');
}

describe('Amazon SP-API emulator usage plans', () => {
  it('lets a full burst through, then answers 429 QuotaExceeded without the rate header, and counts a retry sent before a token is back', async () => {
    const em = await start(1);
    // createReport refills one token a minute, so the burst is exact however slow the machine; a 400 still spends a token.
    const create = () => spPost<ErrorList>(em, '/reports/2021-06-30/reports', {});
    let admitted = 0;
    let answer = await create();
    for (; answer.status !== 429 && admitted < 100; answer = await create()) {
      expect(answer.status).toBe(400);
      expect(answer.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
      admitted++;
    }
    expect(admitted).toBe(15);
    expect(answer.body).toEqual({ errors: [{ code: 'QuotaExceeded', message: 'You exceeded your quota for the requested resource.', details: '' }] });
    expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
    // Amazon documents the header for 20x, 400 and 404 answers only, never for a throttled one.
    expect(answer.headers.get('x-amzn-ratelimit-limit')).toBeNull();

    await sleep(200);
    expect((await create()).status).toBe(429);
    expect(em.stats()).toEqual({ requests: 17, rateLimited: 2, earlyRetries: 1, reportsCreated: {}, reportOutcomes: {}, reportPolls: 0, tokensIssued: 0, expiredTokenRefusals: 0 });
  });

  it('refills each bucket at the documented rate times rateScale, keeping the burst, and counts no retry that waited for a token', async () => {
    const em = await start(4);
    expect((await spGet(em, POLL)).headers.get('x-amzn-ratelimit-limit')).toBe('8.0');
    const refusedAt = await exhaust(em);
    await sleep(500);
    const loopStart = performance.now();
    let admitted = 0;
    for (let i = 0; i < 12; i++) if ((await spGet(em, POLL)).status !== 429) admitted++;
    const loopEnd = performance.now();
    // Eight tokens a second since the refusal, with one either way for the token that was partly there and the clock.
    expect(admitted).toBeGreaterThanOrEqual(Math.floor((8 * (loopStart - refusedAt)) / 1000) - 1);
    expect(admitted).toBeLessThanOrEqual(Math.ceil((8 * (loopEnd - refusedAt)) / 1000) + 1);
    await sleep(300);
    expect((await spGet(em, POLL)).status).toBe(404);
    expect(em.stats().earlyRetries).toBe(0);
  });

  it('keeps a bucket per operation and prints each operation\'s own rate', async () => {
    const em = await start(1);
    await exhaust(em);
    const orders = await spGet(em, ordersPath(em, { CreatedAfter: '2025-01-01T00:00:00Z' }));
    expect(orders.status).toBe(200);
    expect(orders.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
    const items = await spGet(em, '/orders/v0/orders/111-0000000-0000000/orderItems');
    expect(items.headers.get('x-amzn-ratelimit-limit')).toBe('0.5');
  });

  it('turns limiting off with rateScale 0, and back on through the faults endpoint', async () => {
    const em = await start(0);
    for (let i = 0; i < 40; i++) expect((await spGet(em, POLL)).status).toBe(404);
    expect((await spGet(em, POLL)).headers.get('x-amzn-ratelimit-limit')).toBe('2.0');
    const set = await fetch(`${em.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ rateScale: 1 }) });
    expect(await set.json()).toMatchObject({ rateScale: 1 });
    let admitted = 0;
    while ((await spGet(em, POLL)).status !== 429) admitted++;
    expect(admitted).toBeGreaterThanOrEqual(15);
    expect(em.stats().rateLimited).toBe(1);
  });

  it('caps every bucket at a smaller burst than documented when told to, announcing the same rate, and lifts the cap again', async () => {
    const em = await start(1);
    // createReport refills one token a minute, so what each burst admits is exact; a 400 still spends a token.
    const create = () => spPost(em, '/reports/2021-06-30/reports', {});
    const admittedBeforeRefusal = async (): Promise<number> => {
      let admitted = 0;
      for (let answer = await create(); answer.status !== 429 && admitted < 100; answer = await create()) {
        expect(answer.headers.get('x-amzn-ratelimit-limit')).toBe('0.0167');
        admitted++;
      }
      return admitted;
    };
    expect(em.setFaults({ burstCap: 2 })).toMatchObject({ rateScale: 1, burstCap: 2 });
    expect(await admittedBeforeRefusal()).toBe(2);
    const lifted = await fetch(`${em.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ burstCap: null }) });
    expect(await lifted.json()).toMatchObject({ rateScale: 1, burstCap: null });
    expect(await admittedBeforeRefusal()).toBe(15);
    expect(em.stats().rateLimited).toBe(2);
  });
});

describe('Amazon SP-API emulator server faults', () => {
  it('fails the next requests with the SP-API error body when told to, and serves again after', async () => {
    const em = await start(0);
    em.setFaults({ failNextRequests: 2, failStatus: 503 });
    for (let i = 0; i < 2; i++) {
      const failed = await spGet<ErrorList>(em, POLL);
      expect(failed.status).toBe(503);
      expect(failed.body.errors[0]!.code).toBe('ServiceUnavailable');
    }
    expect((await spGet(em, POLL)).status).toBe(404);
  });
});
