import { describe, expect, it, vi } from 'vitest';
import { amazonSellerSource } from '../../../activities/sources/amazon-seller/spec';
import { fetchPage, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { StreamSpec } from '../../../activities/sources/spec';
import { sliceWindows } from '../../../activities/sync/plan-sync';
import { scriptedServer } from '../../support/scripted-server';

// Requests as the Orders API v0 and Reports API 2021-06-30 references document them
// (https://developer-docs.amazon.com/sp-api/docs/orders-api-v0-reference, .../reports-api-v2021-06-30-reference).
const stream = (name: string) => amazonSellerSource.streams.find((s) => s.name === name)!;
const connection = (over: Partial<PageRequest['connection']> = {}): PageRequest['connection'] => ({
  id: 'amazon-us',
  source: 'amazon_seller',
  environment: 'live',
  base_url: 'https://sellingpartnerapi-na.amazon.com',
  credential_env: 'AMAZON_SP_ACCESS_TOKEN',
  path_params: { marketplaceId: 'ATVPDKIKX0DER' },
  ...over,
});
// 2023-11-14T22:13:20Z to 2023-11-15T22:13:20Z.
const window = { from: 1_700_000_000, to: 1_700_086_400 };
const urlOf = (s: StreamSpec, pageToken: string | null = null, w: PageRequest['window'] = window) =>
  pageUrl({ source: amazonSellerSource, stream: s, connection: connection(), window: w, pageToken });
const params = (url: URL) => Object.fromEntries(url.searchParams);
const server = scriptedServer({ noAnswer: { errors: [{ code: 'NotFound', message: 'no answer queued' }] } });

describe('Amazon seller streams', () => {
  it('list the marketplace\'s orders by last update, 100 a page, from the epoch for a window from the beginning', () => {
    const url = urlOf(stream('orders'));
    expect(url.origin + url.pathname).toBe('https://sellingpartnerapi-na.amazon.com/orders/v0/orders');
    expect(params(url)).toEqual({
      MarketplaceIds: 'ATVPDKIKX0DER',
      MaxResultsPerPage: '100',
      LastUpdatedAfter: '2023-11-14T22:13:20Z',
      LastUpdatedBefore: '2023-11-15T22:13:20Z',
    });
    expect(params(urlOf(stream('orders'), null, { from: null, to: window.to })).LastUpdatedAfter).toBe('1970-01-01T00:00:00Z');
    expect(params(urlOf(stream('orders'), 'token+/=')).NextToken).toBe('token+/=');
    // Never both kinds of lower bound: the API refuses a request with CreatedAfter and LastUpdatedAfter.
    expect(url.searchParams.has('CreatedAfter')).toBe(false);
  });

  it('ask for an order\'s lines by its id, and say which order each line came from', async () => {
    server.answers.push(
      { status: 200, body: { payload: { Orders: [{ AmazonOrderId: '113-0000001-0000001' }, { AmazonOrderId: '113-0000002-0000002' }] } } },
      { status: 200, body: { payload: { AmazonOrderId: '113-0000001-0000001', OrderItems: [{ OrderItemId: '10001', ASIN: 'B000000001', QuantityOrdered: 1 }] } } },
    );
    const req: PageRequest = {
      source: amazonSellerSource,
      stream: stream('order_items'),
      connection: connection({ base_url: server.baseUrl }),
      credential: 'Atza|token',
      limiter: new RateLimiter(1000, 1000),
      window,
      pageToken: null,
    };
    const parents = await fetchPage(req);
    expect(parents.records).toEqual([]);
    const first = await fetchPage({ ...req, pageToken: parents.nextToken });
    expect(first.records).toEqual([{ OrderItemId: '10001', ASIN: 'B000000001', QuantityOrdered: 1, cdp_parent: { parent_id: '113-0000001-0000001' } }]);
    expect(server.seen[1]!.url).toBe('/orders/v0/orders/113-0000001-0000001/orderItems');
    expect(server.seen.map((r) => r.headers['x-amz-access-token'])).toEqual(['Atza|token', 'Atza|token']);
  });

  it('end the order window three minutes early, since LastUpdatedBefore must be two minutes old', () => {
    expect(stream('orders').window?.settleSeconds).toBeGreaterThanOrEqual(120);
    // Incremental syncs overlap by more than that, so nothing between the two bounds is skipped.
    expect(amazonSellerSource.lookbackSeconds).toBeGreaterThan(stream('orders').window!.settleSeconds!);
    expect(sliceWindows(1_000_000, 2, 1000)).toEqual([{ from: 999_000, to: 1_000_000 }, { from: null, to: 999_000 }]);
  });

  it('read returns in reports of at most 60 days and feedback in reports of its own type', () => {
    expect(stream('returns').report).toMatchObject({ reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE', maxWindowDays: 60 });
    expect(stream('feedback').report).toMatchObject({ reportType: 'GET_SELLER_FEEDBACK_DATA' });
  });
});

describe('Amazon flat-file reports', () => {
  const parse = (text: string) => amazonSellerSource.reportApi!.parse(text, stream('feedback').report!);

  it('read tab-separated rows by their header, quotes and commas kept as written', () => {
    const text = '\uFEFFDate\tRating\tComments\tResponse\tOrder ID\tRater Email\r\n' + '11/02/26\t2\tSaid "fast", was not\t\t113-0000001-0000001\tab12@marketplace.amazon.com\r\n';
    expect(parse(text)).toEqual([
      { Date: '11/02/26', Rating: '2', Comments: 'Said "fast", was not', Response: '', 'Order ID': '113-0000001-0000001', 'Rater Email': 'ab12@marketplace.amazon.com' },
    ]);
  });

  it('read a report with a header and no rows as no records', () => {
    expect(parse('Date\tRating\tComments\tResponse\tOrder ID\tRater Email\n')).toEqual([]);
  });
});

describe('Rate limiter', () => {
  it('follows the rate a source announces, keeping its burst', async () => {
    let now = 0;
    const limiter = new RateLimiter(0.0167, 2, () => now);
    await limiter.acquire();
    await limiter.acquire();
    limiter.setRate(10);
    now += 100;
    // One token refilled at 10 a second in 100 ms: no wait. The limiter waits on timers, so under
    // fake timers a request goes out only when no wait was needed or the timers have run.
    vi.useFakeTimers();
    try {
      let sent = 0;
      void limiter.acquire().then(() => sent++);
      await vi.advanceTimersByTimeAsync(0);
      expect(sent).toBe(1);
      // The bucket is empty now: the next request waits the 100 ms one token takes at 10 a second.
      void limiter.acquire().then(() => sent++);
      await vi.advanceTimersByTimeAsync(99);
      expect(sent).toBe(1);
      now += 100;
      await vi.advanceTimersByTimeAsync(1);
      expect(sent).toBe(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
