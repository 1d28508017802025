import { describe, expect, it } from 'vitest';
import { nextPageToken } from '../../../activities/sources/paging';
import { applyClientWindow, cursorSeconds, pageUrl } from '../../../activities/sources/pager';
import { readPath } from '../../../activities/sources/read-path';
import type { SourceSpec, StreamSpec } from '../../../activities/sources/spec';
import { stripeSource } from '../../../activities/sources/stripe/spec';

const connection = { id: 'x', source: 'stripe' as const, environment: 'sandbox' as const, base_url: 'https://api.example.com/base', credential_env: 'X' };
const charges = stripeSource.streams.find((s) => s.name === 'charges')!;

describe('composite primary keys', () => {
  it('read as the parts joined by "|", and as no key when a part is missing', () => {
    expect(readPath({ a: 1, b: { c: 'x' } }, 'a+b.c')).toBe('1|x');
    expect(readPath({ a: 1 }, 'a+b.c')).toBeUndefined();
    expect(readPath({ a: { b: 2 } }, 'a.b')).toBe(2);
  });
});

describe('after-last-id paging without a has-more flag', () => {
  const spec = { type: 'after_last_id', pageSizeParam: 'limit', pageSize: 2, afterParam: 'after', idField: 'id' } as const;

  it('continues after a full page and stops on a short or empty one', () => {
    expect(nextPageToken(spec, {}, [{ id: '7' }, { id: '9' }], null)).toBe('9');
    expect(nextPageToken(spec, {}, [{ id: '11' }], '9')).toBeNull();
    expect(nextPageToken(spec, null, [], '9')).toBeNull();
  });

  it('asks from the next id when the API bound includes the id it is given', () => {
    expect(nextPageToken({ ...spec, afterIsInclusive: true }, {}, [{ id: 7 }, { id: 9 }], null)).toBe('10');
  });

  it('refuses to page after a record without an id rather than stop early', () => {
    expect(() => nextPageToken(spec, {}, [{ id: '7' }, { name: 'no id' }], null)).toThrow(/no "id"/);
  });

  it('still follows has_more where the source declares it (Stripe)', () => {
    expect(nextPageToken(stripeSource.pagination, { has_more: false }, [{ id: 'ch_1' }], null)).toBeNull();
  });
});

describe('client-side windows for newest-first APIs', () => {
  const window = { from: 100, to: 200 };

  it('read cursors given as seconds, digit strings or dates', () => {
    expect(cursorSeconds(1_605_459_703)).toBe(1_605_459_703);
    expect(cursorSeconds('1605459703')).toBe(1_605_459_703);
    expect(cursorSeconds('Wed, 05 Dec 2018 20:16:55 +0000')).toBe(1_544_041_015);
    expect(cursorSeconds('2019-06-29T14:44:49-05:00')).toBe(1_561_837_489);
    expect(cursorSeconds('')).toBeUndefined();
    expect(cursorSeconds(null)).toBeUndefined();
  });

  it('skip records at or after the end, and end paging at the first one before the start', () => {
    const page = [{ t: 250 }, { t: 200 }, { t: 199 }, { t: 100 }, { t: 99 }, { t: 50 }];
    expect(applyClientWindow(page, 't', window)).toEqual({ records: [{ t: 199 }, { t: 100 }], reachedStart: true });
    expect(applyClientWindow(page.slice(0, 3), 't', window)).toEqual({ records: [{ t: 199 }], reachedStart: false });
  });

  it('keep every record of a window from the beginning, and any whose cursor is unreadable', () => {
    expect(applyClientWindow([{ t: 150 }, { t: 1 }, { t: 'n/a' }], 't', { from: null, to: 200 }).records).toHaveLength(3);
  });
});

describe('child streams', () => {
  const parent: StreamSpec = { ...charges, name: 'orders', path: '/orders', window: { fromParam: 'since', format: 'unix_seconds' } };
  const child: StreamSpec = { ...charges, name: 'lines', path: '/orders/{parent_id}/lines', window: undefined, parent: { stream: 'orders', idField: 'id' } };
  const source: SourceSpec = { ...stripeSource, streams: [parent, child] };
  const url = (pageToken: string | null) => pageUrl({ source, stream: child, connection, window: { from: 1000, to: 2000 }, pageToken });

  it('start with the parent list, in the parent window', () => {
    const first = url(null);
    expect(first.pathname).toBe('/base/orders');
    expect(first.searchParams.get('since')).toBe('1000');
  });

  it('put the next pending parent id, escaped, into the child path', () => {
    const token = JSON.stringify({ p: null, d: true, ids: ['a/b', 'c'], c: null });
    expect(url(token).pathname).toBe('/base/orders/a%2Fb/lines');
    expect(url(token).searchParams.has('since')).toBe(false);
  });

  it('name a token that is not a child position instead of guessing', () => {
    expect(() => url('ch_123')).toThrow(/lines: page token ch_123 is not a child-stream position/);
  });

  it('refuse a parent that does not exist, or parents that form a loop', () => {
    const orphan: SourceSpec = { ...stripeSource, streams: [child] };
    expect(() => pageUrl({ source: orphan, stream: child, connection, window: { from: null, to: 1 }, pageToken: null })).toThrow(/parent stream "orders"/);
    const a: StreamSpec = { ...child, name: 'a', parent: { stream: 'b', idField: 'id' } };
    const b: StreamSpec = { ...child, name: 'b', parent: { stream: 'a', idField: 'id' } };
    const looped: SourceSpec = { ...stripeSource, streams: [a, b] };
    expect(() => pageUrl({ source: looped, stream: a, connection, window: { from: null, to: 1 }, pageToken: null })).toThrow(/a: its parent streams form a loop/);
  });
});

describe('Graph time ranges', () => {
  const stream: StreamSpec = { ...charges, window: { fromParam: 'time_range', format: 'graph_time_range', maxHistoryDays: 30 } };
  const range = (from: number | null, to: number) =>
    JSON.parse(pageUrl({ source: stripeSource, stream, connection, window: { from, to }, pageToken: null }).searchParams.get('time_range')!) as { since: string; until: string };

  it('never ask for a range that ends before it starts, even for windows older than the API keeps', () => {
    const old = range(1_000_000_000, 1_000_086_400);
    expect(old.since <= old.until).toBe(true);
    expect(old.until).toBe('2001-09-10');
  });
});
