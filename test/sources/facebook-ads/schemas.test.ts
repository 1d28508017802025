import Fastify, { type FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { facebookAdsSource } from '../../../activities/sources/facebook-ads/spec';
import { fetchPage, nextToken, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { readPath } from '../../../activities/sources/read-path';
import type { StreamSpec } from '../../../activities/sources/spec';
import { SourceRequestError } from '../../../lib/errors';
import { PROJECT_ROOT } from '../../../lib/paths';

// See test/fixtures/facebook-ads/README.md for where each answer comes from.
const fixture = (stream: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'facebook-ads', `${stream}.json`), 'utf8'));
const recordsOf = (s: StreamSpec): Record<string, unknown>[] => {
  const found = readPath(fixture(s.name), s.recordsPath) as Record<string, unknown> | Record<string, unknown>[];
  return s.singleRecord ? [found as Record<string, unknown>] : (found as Record<string, unknown>[]);
};
const stream = (name: string) => facebookAdsSource.streams.find((s) => s.name === name)!;
const insights = stream('insights');

describe('Facebook Ads stream schemas', () => {
  for (const s of facebookAdsSource.streams) {
    it(`accept the documented ${s.name} answer`, () => {
      for (const record of recordsOf(s)) {
        const result = s.schema.safeParse(record);
        expect(result.success ? 'ok' : result.error.issues).toBe('ok');
        expect(result.data).toEqual(record);
      }
    });
  }

  it('reject an insights row whose spend is a number rather than a decimal string', () => {
    const [row] = recordsOf(insights);
    expect(insights.schema.safeParse({ ...row, spend: 5339.5 }).success).toBe(false);
  });

  it('key an insights row by campaign and day', () => {
    const [row] = recordsOf(insights);
    expect(readPath(row, insights.primaryKey)).toBe('<CAMPAIGN_ID>|2025-03-14');
    expect(readPath({ date_start: '2025-03-14' }, insights.primaryKey)).toBeUndefined();
  });
});

const connection = (base: string) => ({ id: 'fb', source: 'facebook_ads' as const, environment: 'live' as const, base_url: base, credential_env: 'FB_TOKEN' });

describe('Facebook Ads requests', () => {
  const account = 'https://graph.facebook.com/v19.0/act_1234567890';

  it('asks for daily campaign insights over a time_range that is valid JSON', () => {
    // 2024-05-10T00:00Z to 2024-05-13T12:00Z: a day early, for ad accounts west of UTC.
    const url = pageUrl({ source: facebookAdsSource, stream: insights, connection: connection(account), window: { from: 1_715_299_200, to: 1_715_601_600 }, pageToken: null });
    expect(url.pathname).toBe('/v19.0/act_1234567890/insights');
    expect(url.searchParams.get('level')).toBe('campaign');
    expect(url.searchParams.get('time_increment')).toBe('1');
    expect(url.searchParams.get('fields')).toContain('spend');
    expect(JSON.parse(url.searchParams.get('time_range')!)).toEqual({ since: '2024-05-09', until: '2024-05-13' });
    expect(url.searchParams.has('access_token')).toBe(false);
  });

  it('starts a window from the beginning no further back than Meta keeps insights', () => {
    const nowSeconds = Math.floor(Date.now() / 1000);
    const url = pageUrl({ source: facebookAdsSource, stream: insights, connection: connection(account), window: { from: null, to: nowSeconds }, pageToken: null });
    const range = JSON.parse(url.searchParams.get('time_range')!) as { since: string; until: string };
    const daysBack = (Date.parse(range.until) - Date.parse(range.since)) / 86_400_000;
    // 37 months of the account's calendar (error 3018 past that), less a day while the zone is unknown.
    expect(daysBack).toBeGreaterThanOrEqual(1120);
    expect(daysBack).toBeLessThanOrEqual(1129);
  });

  it('follows paging.cursors.after while paging.next is present', () => {
    const url = pageUrl({ source: facebookAdsSource, stream: stream('campaigns'), connection: connection(account), window: { from: null, to: 1 }, pageToken: 'QVFIUk' });
    expect(url.searchParams.get('after')).toBe('QVFIUk');
    expect(JSON.parse(url.searchParams.get('effective_status')!)).toContain('ARCHIVED');
    const rows = recordsOf(insights);
    expect(nextToken(facebookAdsSource, { paging: { cursors: { after: 'QVFIUk' }, next: 'https://graph.facebook.com/next' } }, rows, null)).toBe('QVFIUk');
    // The documented answer has cursors but no `next`: it is the last page.
    expect(nextToken(facebookAdsSource, fixture('insights'), rows, null)).toBeNull();
  });

  it('treats Graph throttling codes as rate limits, whatever the HTTP status', () => {
    const limited = (code: number) => facebookAdsSource.isRateLimited!(400, { error: { code, message: 'throttled' } });
    for (const code of [4, 17, 32, 613, 80000, 80004]) expect(limited(code), String(code)).toBe(true);
    for (const code of [100, 190, 200, 3018]) expect(limited(code), String(code)).toBe(false);
  });

  it('waits as long as X-Business-Use-Case-Usage says, in minutes', () => {
    const usage = { '1234567890': [{ type: 'ads_insights', call_count: 100, total_cputime: 25, total_time: 25, estimated_time_to_regain_access: 3 }] };
    expect(facebookAdsSource.retryAfterMs!(new Headers({ 'X-Business-Use-Case-Usage': JSON.stringify(usage) }))).toBe(180_000);
    const idle = { '1234567890': [{ type: 'ads_insights', call_count: 10, estimated_time_to_regain_access: 0 }] };
    expect(facebookAdsSource.retryAfterMs!(new Headers({ 'X-Business-Use-Case-Usage': JSON.stringify(idle) }))).toBeUndefined();
    expect(facebookAdsSource.retryAfterMs!(new Headers({ 'X-Business-Use-Case-Usage': 'not json' }))).toBeUndefined();
  });
});

let server: FastifyInstance;
let baseUrl: string;
const answers: { status: number; body: unknown }[] = [];
const seen: string[] = [];

beforeAll(async () => {
  server = Fastify();
  server.get('/*', async (req, reply) => {
    seen.push(req.url);
    const next = answers.shift() ?? { status: 500, body: { error: { message: 'no scripted answer', code: 2 } } };
    reply.status(next.status);
    return next.body;
  });
  baseUrl = `${await server.listen({ port: 0, host: '127.0.0.1' })}/v19.0/act_42`;
});
afterAll(() => server.close());

const request = (over: Partial<PageRequest> = {}): PageRequest => ({
  source: facebookAdsSource,
  stream: insights,
  connection: connection(baseUrl),
  credential: 'EAAB-secret-token',
  limiter: new RateLimiter(1000),
  window: { from: 1_715_299_200, to: 1_715_601_600 },
  pageToken: null,
  ...over,
});

describe('Facebook Ads over HTTP', () => {
  it('retries a throttled insights call (HTTP 400, code 17) and signs with the token as a query parameter', async () => {
    answers.push({ status: 400, body: { error: { message: 'User request limit reached', type: 'OAuthException', code: 17, fbtrace_id: 'AbC' } } }, { status: 200, body: fixture('insights') });
    const retried: string[] = [];
    const page = await fetchPage(request({ onRetry: (e) => retried.push(e.message) }));
    expect(page.records).toHaveLength(1);
    expect(retried[0]).toMatch(/HTTP 400 .*code 17.*User request limit reached/);
    expect(retried[0]).not.toContain('EAAB-secret-token');
    expect(new URL(seen.at(-1)!, 'http://x').searchParams.get('access_token')).toBe('EAAB-secret-token');
  });

  it('fails at once on a refused parameter, without the token in the message', async () => {
    answers.push({ status: 400, body: { error: { message: 'The start date of the time range cannot be beyond 37 months from the current date', type: 'OAuthException', code: 3018 } } });
    const err = await fetchPage(request()).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SourceRequestError);
    expect((err as Error).message).toMatch(/fb.*HTTP 400.*\/v19\.0\/act_42\/insights.*3018/);
    expect((err as Error).message).not.toContain('EAAB-secret-token');
  });
});
