import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage, nextToken, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import type { SourceSpec } from '../../../activities/sources/spec';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { SourceAuthError, SourceRequestError } from '../../../lib/errors';

// A scripted server: each test queues the answers it wants, so paging and retry rules are checked
// one at a time. The real Stripe list semantics are exercised against the emulator elsewhere.
let server: FastifyInstance;
let baseUrl: string;
const answers: { status: number; body: unknown; headers?: Record<string, string> }[] = [];
const seen: { url: string; auth?: string }[] = [];

beforeAll(async () => {
  server = Fastify();
  server.get('/*', async (req, reply) => {
    seen.push({ url: req.url, auth: req.headers.authorization });
    const next = answers.shift() ?? { status: 500, body: { error: { type: 'api_error', message: 'no scripted answer' } } };
    reply.status(next.status).headers(next.headers ?? {});
    return next.body;
  });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

const charges = stripeSource.streams.find((s) => s.name === 'charges')!;
const request = (over: Partial<PageRequest> = {}): PageRequest => ({
  source: stripeSource,
  stream: charges,
  connection: { id: 'stripe-test', source: 'stripe', environment: 'sandbox', base_url: baseUrl, credential_env: 'X' },
  credential: 'sk_test_secret',
  limiter: new RateLimiter(1000),
  window: { from: null, to: 1_800_000_000 },
  pageToken: null,
  ...over,
});
const list = (ids: string[], hasMore: boolean) => ({ object: 'list', url: '/v1/charges', has_more: hasMore, data: ids.map((id) => ({ id })) });

describe('paging a Stripe-style list', () => {
  it('asks for full pages inside the window and continues after the last id', async () => {
    const url = pageUrl({ ...request({ window: { from: 1_700_000_000, to: 1_800_000_000 }, pageToken: 'ch_9' }) });
    expect(url.searchParams.get('limit')).toBe('100');
    expect(url.searchParams.get('starting_after')).toBe('ch_9');
    expect(url.searchParams.get('created[gte]')).toBe('1700000000');
    expect(url.searchParams.get('created[lt]')).toBe('1800000000');

    answers.push({ status: 200, body: list(['ch_3', 'ch_2'], true) });
    const page = await fetchPage(request());
    expect(page.nextToken).toBe('ch_2');
    expect(seen.at(-1)!.auth).toBe('Bearer sk_test_secret');

    answers.push({ status: 200, body: list(['ch_1'], false) });
    expect((await fetchPage(request({ pageToken: 'ch_2' }))).nextToken).toBeNull();
  });

  it('asks subscriptions for every status, canceled included', () => {
    const subscriptions = stripeSource.streams.find((s) => s.name === 'subscriptions')!;
    expect(pageUrl(request({ stream: subscriptions })).searchParams.get('status')).toBe('all');
  });

  it('retries a rate limit and a server error, then returns the page', async () => {
    const before = seen.length;
    answers.push(
      { status: 429, body: { error: { type: 'invalid_request_error', code: 'rate_limit', message: 'Too many requests' } }, headers: { 'stripe-rate-limited-reason': 'global-rate' } },
      { status: 500, body: { error: { type: 'api_error', message: 'boom' } } },
      { status: 200, body: list(['ch_5'], false) },
    );
    const retried: string[] = [];
    const page = await fetchPage(request({ onRetry: (e) => retried.push(e.message) }));
    expect(page.records).toEqual([{ id: 'ch_5' }]);
    expect(seen.length - before).toBe(3);
    expect(retried[0]).toMatch(/HTTP 429 .*rate_limit.*global-rate/);
    expect(retried[1]).toMatch(/HTTP 500 .*boom/);
  });

  it('fails at once on a refused key, without the key in the message', async () => {
    const before = seen.length;
    answers.push({ status: 401, body: { error: { type: 'invalid_request_error', message: 'Invalid API Key provided: sk_test_****cret' } } });
    const err = await fetchPage(request()).catch((e) => e);
    expect(err).toBeInstanceOf(SourceAuthError);
    expect(err.message).toMatch(/stripe-test.*HTTP 401.*\/v1\/charges/);
    expect(err.message).not.toContain('sk_test_secret');
    expect(seen.length - before).toBe(1);
  });

  it('fails at once on a bad request', async () => {
    answers.push({ status: 400, body: { error: { type: 'invalid_request_error', param: 'limit', message: 'Invalid integer' } } });
    await expect(fetchPage(request())).rejects.toBeInstanceOf(SourceRequestError);
  });
});

describe('rate limiter', () => {
  it('spaces requests to the configured rate after the burst', async () => {
    let now = 0;
    const limiter = new RateLimiter(10, 2, () => now);
    await limiter.acquire();
    await limiter.acquire();
    const third = limiter.acquire();
    let done = false;
    void third.then(() => (done = true));
    await new Promise((r) => setTimeout(r, 20));
    expect(done).toBe(false);
    now = 100; // one token refills every 100 ms at 10 per second
    await third;
    expect(done).toBe(true);
  });
});

describe('paging schemes declared as data', () => {
  const source = (pagination: SourceSpec['pagination']): SourceSpec => ({ ...stripeSource, pagination });
  const ids = (n: number) => Array.from({ length: n }, (_, i) => ({ id: String(i) }));

  it('offset paging advances by the records read and stops at the total or a short page', () => {
    const offset = source({ type: 'offset', limitParam: 'limit', offsetParam: 'offset', pageSize: 2, totalPath: 'meta.total' });
    expect(nextToken(offset, { meta: { total: '5' } }, ids(2), null)).toBe('2');
    expect(nextToken(offset, { meta: { total: '5' } }, ids(2), '2')).toBe('4');
    expect(nextToken(offset, { meta: { total: '4' } }, ids(2), '2')).toBeNull();
    expect(nextToken(offset, {}, ids(1), '4')).toBeNull();
  });

  it('page-number paging stops at the last page, a short page or an empty answer', () => {
    const pages = source({ type: 'page_number', pageParam: 'page', pageSizeParam: 'limit', pageSize: 2, firstPage: 1, totalPagesPath: 'meta.pagination.total_pages' });
    expect(nextToken(pages, { meta: { pagination: { total_pages: 3 } } }, ids(2), null)).toBe('2');
    expect(nextToken(pages, { meta: { pagination: { total_pages: 3 } } }, ids(2), '3')).toBeNull();
    expect(nextToken(pages, null, [], '4')).toBeNull();
    const url = pageUrl({ source: pages, stream: charges, connection: request().connection, window: { from: null, to: 1 }, pageToken: null });
    expect(url.searchParams.get('page')).toBe('1');
  });

  it('cursor paging follows the answer\'s cursor while it links a next page', () => {
    const cursor = source({ type: 'next_cursor', pageSizeParam: 'limit', pageSize: 2, cursorParam: 'after', cursorPath: 'paging.cursors.after', nextPath: 'paging.next' });
    expect(nextToken(cursor, { paging: { cursors: { after: 'QVFI' }, next: 'https://graph/next' } }, ids(2), null)).toBe('QVFI');
    expect(nextToken(cursor, { paging: { cursors: { after: 'QVFI' } } }, ids(2), 'x')).toBeNull();
  });

  it('writes window bounds in the format the API expects', () => {
    const stream = { ...charges, window: { fromParam: 'filters[updated_after]', format: 'iso_datetime' as const } };
    const url = pageUrl({ source: stripeSource, stream, connection: request().connection, window: { from: 1_700_000_000, to: 1_800_000_000 }, pageToken: null });
    expect(url.searchParams.get('filters[updated_after]')).toBe('2023-11-14T22:13:20Z');
    expect(url.searchParams.has('created[lt]')).toBe(false);
  });
});
