import Fastify, { type FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bigcommerceSource } from '../../../activities/sources/bigcommerce/spec';
import { fetchPage, nextToken, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { readPath } from '../../../activities/sources/read-path';
import type { StreamSpec } from '../../../activities/sources/spec';
import { PROJECT_ROOT } from '../../../lib/paths';

// Fixtures are the response examples of BigCommerce's own OpenAPI files
// (see test/fixtures/bigcommerce/README.md), one list answer per stream.
const fixture = (stream: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'bigcommerce', `${stream}.json`), 'utf8'));
// Abandoned checkouts come from the same endpoint as orders, filtered by status.
const FIXTURE_OF: Record<string, string> = { incomplete_orders: 'orders' };
const recordsOf = (s: StreamSpec) => readPath(fixture(FIXTURE_OF[s.name] ?? s.name), s.recordsPath) as Record<string, unknown>[];
const stream = (name: string) => bigcommerceSource.streams.find((s) => s.name === name)!;

describe('BigCommerce stream schemas', () => {
  for (const s of bigcommerceSource.streams) {
    it(`accept the documented ${s.name} answer`, () => {
      const records = recordsOf(s);
      expect(records.length, `records of ${s.name}`).toBeGreaterThan(0);
      for (const record of records) {
        const result = s.schema.safeParse(record);
        expect(result.success ? 'ok' : result.error.issues).toBe('ok');
        expect(result.data).toEqual(record);
      }
    });
  }

  it('reject an order whose total is not a decimal amount', () => {
    const [order] = recordsOf(stream('orders'));
    expect(stream('orders').schema.safeParse({ ...order, total_inc_tax: '361,95' }).success).toBe(false);
  });

  it('reject an order whose modification date is not a date', () => {
    const [order] = recordsOf(stream('orders'));
    expect(stream('orders').schema.safeParse({ ...order, date_modified: 'yesterday' }).success).toBe(false);
  });

  it('name a top-level parent for every child stream', () => {
    for (const s of bigcommerceSource.streams.filter((c) => c.parent)) {
      const parent = stream(s.parent!.stream);
      expect(parent, s.name).toBeDefined();
      expect(parent.parent).toBeUndefined();
      expect(s.path).toContain('{parent_id}');
    }
  });
});

let server: FastifyInstance;
let baseUrl: string;
const answers: { status: number; body?: unknown; headers?: Record<string, string> }[] = [];
const seen: { url: string; token?: string | string[] }[] = [];

beforeAll(async () => {
  server = Fastify();
  server.get('/*', async (req, reply) => {
    seen.push({ url: req.url, token: req.headers['x-auth-token'] });
    const next = answers.shift() ?? { status: 500, body: [{ status: 500, message: 'no scripted answer' }] };
    reply.status(next.status).headers(next.headers ?? {});
    return next.status === 204 ? reply.send() : next.body;
  });
  baseUrl = `${await server.listen({ port: 0, host: '127.0.0.1' })}/stores/abc123`;
});
afterAll(() => server.close());

const connection = () => ({ id: 'bc', source: 'bigcommerce' as const, environment: 'live' as const, base_url: baseUrl, credential_env: 'BC_TOKEN' });
const request = (over: Partial<PageRequest>): PageRequest => ({
  source: bigcommerceSource,
  stream: stream('orders'),
  connection: connection(),
  credential: 'bc-secret',
  limiter: new RateLimiter(1000),
  window: { from: 1_700_000_000, to: 1_700_086_400 },
  pageToken: null,
  ...over,
});
const orders = (fromId: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: fromId + i }));

describe('BigCommerce paging', () => {
  it('pages orders by id inside a pinned date_modified window', () => {
    const url = pageUrl(request({ pageToken: '501' }));
    expect(url.pathname).toBe('/stores/abc123/v2/orders');
    expect(url.searchParams.get('sort')).toBe('id:asc');
    expect(url.searchParams.get('limit')).toBe('250');
    expect(url.searchParams.get('min_id')).toBe('501');
    expect(url.searchParams.get('min_date_modified')).toBe('2023-11-14T22:13:20Z');
    expect(url.searchParams.get('max_date_modified')).toBe('2023-11-15T22:13:20Z');
    // `min_id` includes the id it is given: the next page asks from the one after the last.
    const orderStream = stream('orders');
    expect(nextToken(bigcommerceSource, orders(251, 250), orders(251, 250), '251', orderStream)).toBe('501');
    expect(nextToken(bigcommerceSource, orders(501, 3), orders(501, 3), '501', orderStream)).toBeNull();
  });

  it('ends the orders stream on HTTP 204 with an empty body', async () => {
    answers.push({ status: 204 });
    const result = await fetchPage(request({ pageToken: '751' }));
    expect(result).toEqual({ records: [], nextToken: null });
    expect(seen.at(-1)!.token).toBe('bc-secret');
  });

  it('pages customers by number until meta.pagination.total_pages', () => {
    const customers = stream('customers');
    const url = pageUrl(request({ stream: customers, pageToken: '2' }));
    expect(url.pathname).toBe('/stores/abc123/v3/customers');
    expect(url.searchParams.get('page')).toBe('2');
    expect(url.searchParams.get('sort')).toBe('date_created:asc');
    expect(url.searchParams.get('date_modified:min')).toBe('2023-11-14T22:13:20Z');
    const full = Array.from({ length: 250 }, (_, i) => ({ id: i }));
    expect(nextToken(bigcommerceSource, { meta: { pagination: { total_pages: 3 } } }, full, '2', customers)).toBe('3');
    expect(nextToken(bigcommerceSource, { meta: { pagination: { total_pages: 3 } } }, full, '3', customers)).toBeNull();
  });

  it('pages products by id with id:greater', () => {
    const products = stream('products');
    const url = pageUrl(request({ stream: products, pageToken: '174' }));
    expect(url.pathname).toBe('/stores/abc123/v3/catalog/products');
    expect(url.searchParams.get('id:greater')).toBe('174');
    expect(url.searchParams.get('date_modified:max')).toBe('2023-11-15T22:13:20Z');
    expect(nextToken(bigcommerceSource, {}, orders(175, 250), '174', products)).toBe('424');
  });

  it('reads line items order by order for the orders in the window, resuming from its token', async () => {
    const products = stream('order_products');
    // First call: a page of orders, which queues their ids and lands nothing.
    answers.push({ status: 200, body: [{ id: 100 }, { id: 101 }] });
    const parents = await fetchPage(request({ stream: products }));
    expect(parents.records).toEqual([]);
    expect(seen.at(-1)!.url).toMatch(/^\/stores\/abc123\/v2\/orders\?.*min_date_modified=/);
    expect(parents.nextToken).not.toBeNull();

    // Then each order's line items, with the order id in the path.
    const [item] = recordsOf(products);
    answers.push({ status: 200, body: [{ ...item, order_id: 100 }] });
    const first = await fetchPage(request({ stream: products, pageToken: parents.nextToken }));
    expect(seen.at(-1)!.url).toMatch(/^\/stores\/abc123\/v2\/orders\/100\/products\?.*page=1/);
    expect(first.records).toHaveLength(1);
    // The URL of the next request is known from the token alone, so a retried batch resumes there.
    expect(pageUrl(request({ stream: products, pageToken: first.nextToken })).pathname).toBe('/stores/abc123/v2/orders/101/products');

    // An order with nothing to list answers 204; with no more orders that ends the stream.
    answers.push({ status: 204 });
    const last = await fetchPage(request({ stream: products, pageToken: first.nextToken }));
    expect(last).toEqual({ records: [], nextToken: null });
  });

  it('follows a parent page past the first one', async () => {
    const coupons = stream('order_coupons');
    answers.push({ status: 200, body: orders(1, 250) });
    const parents = await fetchPage(request({ stream: coupons }));
    let token = parents.nextToken;
    for (let i = 0; i < 250; i++) {
      answers.push({ status: 204 });
      token = (await fetchPage(request({ stream: coupons, pageToken: token }))).nextToken;
    }
    // Every order of the full page is read; the next request is the orders page after id 250.
    const next = pageUrl(request({ stream: coupons, pageToken: token }));
    expect(next.pathname).toBe('/stores/abc123/v2/orders');
    expect(next.searchParams.get('min_id')).toBe('251');
  });

  it('waits as long as X-Rate-Limit-Time-Reset-Ms says', () => {
    expect(bigcommerceSource.retryAfterMs!(new Headers({ 'X-Rate-Limit-Time-Reset-Ms': '2500', 'X-Rate-Limit-Requests-Left': '0' }))).toBe(2500);
    expect(bigcommerceSource.retryAfterMs!(new Headers())).toBeUndefined();
  });

  it('reads v2 and v3 error envelopes into one line', () => {
    expect(bigcommerceSource.describeError([{ status: 400, message: 'The field min_date_modified is invalid.' }])).toBe('400: The field min_date_modified is invalid.');
    expect(bigcommerceSource.describeError({ status: 422, title: 'Invalid input', errors: { limit: 'too large' } })).toBe('Invalid input ({"limit":"too large"})');
  });
});
