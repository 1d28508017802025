import { afterEach, describe, expect, it } from 'vitest';
import { fetchPage } from '../../../activities/sources/pager';
import { nextPageToken } from '../../../activities/sources/paging';
import { RepeatedPageGuard } from '../../../activities/sources/paging/progress';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { PaginationSpec, SourceSpec } from '../../../activities/sources/spec';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { NON_RETRYABLE_ERROR_NAMES, SourceAnswerError } from '../../../lib/errors';
import { committedState, landedBatches } from '../../support/lake-reads';
import { CONNECTION, SECRET, customer, customersWorkspace, filesUnder, listPage, runBatch, scriptedCustomers, startPosition } from './scripted-customers';

// A source that does not page forward must fail the stream at once, saying where, and a page that
// says more follows must never end the stream early: the high-water mark stays where it was.

const source = scriptedCustomers();
let ws: ReturnType<typeof customersWorkspace> | undefined;
afterEach(() => ws?.cleanup());

async function failedSync(): Promise<{ error: SourceAnswerError; config: ReturnType<NonNullable<typeof ws>['config']> }> {
  ws = customersWorkspace(source.baseUrl);
  const config = ws.config();
  source.asked.length = 0;
  const error = await runBatch(config, await startPosition(config, 'paging-1'), 2).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(SourceAnswerError);
  expect(NON_RETRYABLE_ERROR_NAMES).toContain((error as Error).name);
  return { error: error as SourceAnswerError, config };
}

async function expectNothingCommittedPast(config: ReturnType<NonNullable<typeof ws>['config']>) {
  const state = await committedState(config, CONNECTION, 'customers');
  expect(state.highWaterMark).toBeNull();
  expect(state.lastSync).toBeNull();
  expect(filesUnder(config.layout.root).temporary).toEqual([]);
}

describe('a source whose paging does not move forward', () => {
  it('fails at once when a page ends with the last id it was asked after, naming connection, stream and URL', async () => {
    // The second page holds a new customer but ends with the one it was asked to start after.
    let calls = 0;
    source.answer = () => (++calls === 1 ? listPage([customer(1), customer(2)], true) : listPage([customer(3), customer(2)], true));
    const { error, config } = await failedSync();
    // The first page, then the second whose token would ask for the second again; no third.
    expect(source.asked.map((q) => q.get('starting_after'))).toEqual([null, 'cus_0002']);
    expect(error.origin).toMatchObject({ connectionId: CONNECTION, source: 'stripe', stream: 'customers' });
    expect(error.origin!.url).toContain(`${source.baseUrl}/v1/customers?`);
    expect(error.origin!.url).toContain('starting_after=cus_0002');
    expect(error.message).toContain(`connection "${CONNECTION}", stream stripe.customers: the answer from /v1/customers`);
    expect(error.message).toContain('hands back the page token it was asked with ("cus_0002")');
    expect(error.message).toContain(error.origin!.url);
    expect(error.message).not.toContain(SECRET);
    // The first page landed once (a full batch of two); the stalled page landed nothing.
    expect(await landedBatches(config, 'stripe', 'customers')).toHaveLength(1);
    await expectNothingCommittedPast(config);
  });

  it('fails at once when a page repeats the previous one', async () => {
    // The source ignores starting_after: every page is the first two customers, and more follow.
    source.answer = () => listPage([customer(1), customer(2)], true);
    const { error, config } = await failedSync();
    expect(source.asked.map((q) => q.get('starting_after'))).toEqual([null, 'cus_0002']);
    expect(error.message).toContain('stream stripe.customers: the answer from /v1/customers repeats the previous page record for record');
    expect(error.message).toContain('starting_after=cus_0002');
    expect(await landedBatches(config, 'stripe', 'customers')).toHaveLength(1);
    await expectNothingCommittedPast(config);
  });
});

describe('paging schemes that hand out their own tokens', () => {
  const records = [{ id: 'a' }, { id: 'b' }];
  const cursor: PaginationSpec = { type: 'next_cursor', pageSize: 2, cursorParam: 'NextToken', cursorPath: 'NextToken', nextPath: 'NextToken' };
  const origin = { connectionId: 'c', source: 'amazon-seller', stream: 'orders', url: 'https://sellingpartnerapi.example/orders?NextToken=T1' };

  it('refuse a next token equal to the one the page was asked with', () => {
    expect(nextPageToken(cursor, { NextToken: 'T2' }, records, 'T1', origin)).toBe('T2');
    expect(() => nextPageToken(cursor, { NextToken: 'T1' }, records, 'T1', origin)).toThrow(/hands back the page token it was asked with \("T1"\)/);
  });

  it('follow a next token after an empty page, as the API says, and fail an empty page that says more without one', () => {
    expect(nextPageToken(cursor, { NextToken: 'T2' }, [], 'T1', origin)).toBe('T2');
    const flagged: PaginationSpec = { ...cursor, nextPath: 'more' };
    expect(() => nextPageToken(flagged, { more: true }, [], 'T1', origin)).toThrow(SourceAnswerError);
  });

  it('refuse an empty offset page that says it has more, which the same offset would ask for again', () => {
    const offset: PaginationSpec = { type: 'offset', limitParam: 'pageSize', offsetParam: 'skip', pageSize: 2, hasMorePath: 'hasMore' };
    expect(() => nextPageToken(offset, { hasMore: true }, [], '4', origin)).toThrow(/holds no records but says more follow \("hasMore" is true\)/);
  });

  it('refuse a numbered page that repeats the one before under the next number', async () => {
    const numbered = { ...stripeSource, pagination: { type: 'page_number', pageParam: 'page', pageSizeParam: 'limit', pageSize: 2, firstPage: 1 } } satisfies SourceSpec;
    const stream = numbered.streams.find((s) => s.name === 'customers')!;
    source.answer = () => ({ data: [customer(1), customer(2)] });
    const request = {
      source: numbered,
      stream,
      connection: { id: CONNECTION, source: 'stripe' as const, environment: 'sandbox' as const, base_url: source.baseUrl, credential_env: 'X' },
      credential: SECRET,
      limiter: new RateLimiter(1000),
      window: { from: null, to: 2_000_000_000 },
    };
    const repeats = new RepeatedPageGuard();
    const first = await fetchPage({ ...request, pageToken: null, repeats });
    expect(first.nextToken).toBe('2');
    await expect(fetchPage({ ...request, pageToken: '2', repeats })).rejects.toThrow(/repeats the previous page record for record \(http:.*page=2/);
  });
});

describe('an empty page that says more follows', () => {
  it('fails loudly where the API gives nothing to go on from, and the high-water mark does not move', async () => {
    let calls = 0;
    source.answer = () => (++calls === 1 ? listPage([customer(1)], true) : listPage([], true));
    const { error, config } = await failedSync();
    expect(source.asked).toHaveLength(2);
    expect(error.message).toContain('stream stripe.customers: the answer from /v1/customers holds no records but says more follow ("has_more" is true)');
    expect(error.message).toContain('starting_after=cus_0001');
    await expectNothingCommittedPast(config);
  });

  it('ends the stream as before when the empty page says nothing more follows', async () => {
    ws = customersWorkspace(source.baseUrl);
    const config = ws.config();
    let calls = 0;
    source.answer = () => (++calls === 1 ? listPage([customer(1)], true) : listPage([], false));
    const result = await runBatch(config, await startPosition(config, 'paging-2'));
    expect(result).toMatchObject({ done: true, position: { rows: 1 } });
    expect((await committedState(config, CONNECTION, 'customers')).highWaterMark).toBe(result.position.window.to);
  });
});
