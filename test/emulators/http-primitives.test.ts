import { describe, expect, it } from 'vitest';
import { FaultInjector } from '../../emulators/http/fault-injector';
import { parseFlatQuery } from '../../emulators/http/querystring';
import { RateLimitWatch, unhonouredWaits } from '../../emulators/http/rate-limit-watch';
import { TokenBucketLimiter } from '../../emulators/http/token-bucket';

describe('token bucket limiter', () => {
  it('allows a burst of the per-second rate, then refills at that rate, per key', () => {
    let now = 0;
    const limiter = new TokenBucketLimiter(() => now);
    const results = Array.from({ length: 6 }, () => limiter.tryTake('a', 5));
    expect(results).toEqual([true, true, true, true, true, false]);
    expect(limiter.tryTake('b', 5)).toBe(true);
    now += 200;
    expect(limiter.tryTake('a', 5)).toBe(true);
    expect(limiter.tryTake('a', 5)).toBe(false);
    now += 10_000;
    expect(Array.from({ length: 6 }, () => limiter.tryTake('a', 5)).filter(Boolean)).toHaveLength(5);
  });

  it('never limits at a rate of 0', () => {
    const limiter = new TokenBucketLimiter(() => 0);
    expect(Array.from({ length: 1000 }, () => limiter.tryTake('a', 0)).every(Boolean)).toBe(true);
  });
});

describe('fault injector', () => {
  it('fails the same request numbers for the same seed and about the asked fraction', () => {
    const run = (seed: number): (number | null)[] => {
      const f = new FaultInjector(seed, { failRate: 0.2 });
      return Array.from({ length: 2000 }, () => f.nextFault());
    };
    const a = run(1);
    expect(run(1)).toEqual(a);
    expect(run(2)).not.toEqual(a);
    const failed = a.filter((s) => s !== null).length;
    expect(failed).toBeGreaterThan(300);
    expect(failed).toBeLessThan(500);
  });

  it('fails exactly the next N requests with the chosen status', () => {
    const f = new FaultInjector(1);
    f.update({ failNextRequests: 2, failStatus: 502 });
    expect([f.nextFault(), f.nextFault(), f.nextFault()]).toEqual([502, 502, null]);
  });
});

describe('flat query parsing', () => {
  it('keeps bracketed names literal, decodes them and gathers repeated keys', () => {
    expect(parseFlatQuery('limit=3&created%5Bgte%5D=17&created[lt]=20&expand[]=a&expand[]=b&email=a%2Bb%40x.com')).toEqual({
      limit: '3',
      'created[gte]': '17',
      'created[lt]': '20',
      'expand[]': ['a', 'b'],
      email: 'a+b@x.com',
    });
  });
});

describe('rate limit watch', () => {
  it('counts requests of a credential told to wait that come before the wait is over, give or take 100 ms', () => {
    let now = 0;
    const watch = new RateLimitWatch(100, () => now);
    watch.request('a');
    watch.refused('a', 1000);
    now = 50; // already on its way when the refusal went out
    watch.request('a');
    now = 400;
    watch.request('a');
    watch.request('b');
    now = 950; // within the tolerance of the announced time
    watch.request('a');
    now = 1200;
    watch.request('a');
    expect(watch.stats()).toEqual({ requests: 6, rateLimited: 1, earlyRetries: 1 });
  });

  it('extends a wait that a second refusal lengthens, and counts nothing for a refusal naming no wait', () => {
    let now = 0;
    const watch = new RateLimitWatch(100, () => now);
    watch.refused('a', 500);
    now = 300;
    watch.refused('a', 1000);
    now = 1100; // before 300 + 1000, less the tolerance
    watch.request('a');
    watch.refused('b', 0);
    now = 1150;
    watch.request('b');
    expect(watch.stats()).toEqual({ requests: 2, rateLimited: 3, earlyRetries: 1 });
  });

  it('records each announced wait with the time of the next request that could have waited', () => {
    let now = 0;
    const watch = new RateLimitWatch(100, () => now);
    watch.refused('a', 1000);
    now = 60; // on its way already: not the next request
    watch.request('a');
    watch.refused('a', 1000);
    now = 200;
    watch.request('b');
    now = 1070; // 10 ms early for the second wait, within the tolerance
    watch.request('a');
    watch.refused('b', 500);
    now = 1300; // 200 ms early for b's wait
    watch.request('b');
    watch.refused('a', 2000); // never followed by another request
    expect(watch.announcedWaits()).toEqual([
      { credential: 'a', announcedAtMs: 0, waitMs: 1000, nextRequestAtMs: 1070 },
      { credential: 'a', announcedAtMs: 60, waitMs: 1000, nextRequestAtMs: 1070 },
      { credential: 'b', announcedAtMs: 1070, waitMs: 500, nextRequestAtMs: 1300 },
      { credential: 'a', announcedAtMs: 1300, waitMs: 2000, nextRequestAtMs: null },
    ]);
    expect(unhonouredWaits(watch.announcedWaits(), 100)).toEqual([{ credential: 'b', announcedAtMs: 1070, waitMs: 500, nextRequestAtMs: 1300 }]);
  });
});
