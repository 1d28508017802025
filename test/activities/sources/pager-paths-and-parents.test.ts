import Fastify, { type FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fetchPage, keepOwnRecords, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { nextPageToken } from '../../../activities/sources/paging';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import type { PaginationSpec, SourceSpec, StreamSpec } from '../../../activities/sources/spec';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { ConfigError, SourceAnswerError } from '../../../lib/errors';

// Generic paging features declared as data: offset paging that follows a has-more flag, unpaged
// lists and single-record answers, path placeholders from the connection and from parent records,
// parents that are themselves children, and lists filtered to the connection's own records.

const records = (n: number, from = 0) => Array.from({ length: n }, (_, i) => ({ id: from + i }));

describe('offset paging with a has-more flag', () => {
  const spec: PaginationSpec = { type: 'offset', limitParam: 'pageSize', offsetParam: 'skip', pageSize: 2, hasMorePath: 'hasMore', totalPath: 'totalResultSize' };

  it('continues while the answer says hasMore, even after a short page', () => {
    expect(nextPageToken(spec, { hasMore: true }, records(2), null)).toBe('2');
    expect(nextPageToken(spec, { hasMore: true }, records(1), '2')).toBe('3');
  });

  it('stops when the answer says no more, even after a full page', () => {
    expect(nextPageToken(spec, { hasMore: false }, records(2), '4')).toBeNull();
  });

  it('falls back to the total, then to page length, when the answer carries no flag', () => {
    expect(nextPageToken(spec, { totalResultSize: 4 }, records(2), null)).toBe('2');
    expect(nextPageToken(spec, { totalResultSize: 4 }, records(2), '2')).toBeNull();
    expect(nextPageToken(spec, {}, records(2), '2')).toBe('4');
    expect(nextPageToken(spec, {}, records(1), '4')).toBeNull();
  });

  it('fails on an empty page that says hasMore, so a stuck flag can neither loop nor end the stream early', () => {
    expect(() => nextPageToken(spec, { hasMore: true }, [], '6')).toThrow(SourceAnswerError);
    expect(nextPageToken(spec, { hasMore: false }, [], '6')).toBeNull();
  });

  it('leaves paging without a flag as it was (ActiveCampaign)', () => {
    const plain: PaginationSpec = { type: 'offset', limitParam: 'limit', offsetParam: 'offset', pageSize: 2, totalPath: 'meta.total' };
    expect(nextPageToken(plain, { meta: { total: '5' }, hasMore: false }, records(2), null)).toBe('2');
  });

  it('asks with the declared size and offset parameters, from zero', () => {
    const stream: StreamSpec = { ...stripeSource.streams[0]!, path: '/v1/things', window: undefined, pagination: spec };
    const url = pageUrl({ source: stripeSource, stream, connection: connection(), window: { from: null, to: 1 }, pageToken: null });
    expect(url.searchParams.get('pageSize')).toBe('2');
    expect(url.searchParams.get('skip')).toBe('0');
  });
});

const connection = (over: Partial<PageRequest['connection']> = {}): PageRequest['connection'] => ({
  id: 'acme',
  source: 'stripe',
  environment: 'live',
  base_url: 'https://acme.example.com',
  credential_env: 'X',
  path_params: { accountId: '7' },
  ...over,
});

const base: StreamSpec = { ...stripeSource.streams[0]!, window: undefined, recordsPath: 'data', primaryKey: 'id', cursorField: 'created' };
const programs: StreamSpec = { ...base, name: 'programs', path: '/v1/accounts/{accountId}/programs', pagination: { type: 'none' }, keepWhere: { field: 'accounts', value: '{accountId}' } };
const entries: StreamSpec = {
  ...base,
  name: 'entries',
  path: '/v1/programs/{programId}/entries',
  parent: { stream: 'programs', pathFields: { programId: 'id' } },
  pagination: { type: 'offset', limitParam: 'pageSize', offsetParam: 'skip', pageSize: 2, hasMorePath: 'hasMore' },
  window: { fromParam: 'startDate', toParam: 'endDate', format: 'iso_datetime', fromRequired: true },
};
const balances: StreamSpec = {
  ...base,
  name: 'balances',
  path: '/v1/programs/{programId}/profiles/{profileId}/balance',
  recordsPath: '',
  singleRecord: true,
  pagination: { type: 'none' },
  parent: { stream: 'entries', pathFields: { programId: 'programId', profileId: 'profile' }, recordField: 'cdp_parent' },
};
const source: SourceSpec = { ...stripeSource, streams: [programs, entries, balances] };
const window = { from: 1_700_000_000, to: 1_700_086_400 };
const urlOf = (stream: StreamSpec, pageToken: string | null, w: PageRequest['window'] = window) => pageUrl({ source, stream, connection: connection(), window: w, pageToken });

describe('path placeholders', () => {
  it('fill from the connection\'s path parameters', () => {
    expect(urlOf(programs, null).pathname).toBe('/v1/accounts/7/programs');
  });

  it('name the connection parameter to set when one is missing', () => {
    const bare = connection({ path_params: undefined });
    const error = (() => {
      try {
        pageUrl({ source, stream: programs, connection: bare, window, pageToken: null });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect((error as Error).message).toMatch(/connection "acme", stream programs: .*\{accountId\}; set path_params\.accountId/);
  });

  it('fill a child path from its parent record, escaped', () => {
    const token = JSON.stringify({ p: null, d: true, ids: [{ programId: '3' }], c: null });
    expect(urlOf(entries, token).pathname).toBe('/v1/programs/3/entries');
    const deep = JSON.stringify({ p: null, d: true, ids: [{ programId: '3', profileId: 'a/b c' }], c: null });
    expect(urlOf(balances, deep).pathname).toBe('/v1/programs/3/profiles/a%2Fb%20c/balance');
  });

  it('keep reading child tokens written as bare parent ids', () => {
    const child: StreamSpec = { ...base, name: 'lines', path: '/orders/{parent_id}/lines', parent: { stream: 'programs', idField: 'id' } };
    const withChild: SourceSpec = { ...source, streams: [programs, child] };
    const token = JSON.stringify({ p: null, d: true, ids: ['11'], c: null });
    expect(pageUrl({ source: withChild, stream: child, connection: connection(), window, pageToken: token }).pathname).toBe('/orders/11/lines');
  });
});

describe('windows', () => {
  it('apply to a child stream that declares its own, and start from the epoch where the API needs a lower bound', () => {
    const token = JSON.stringify({ p: null, d: true, ids: [{ programId: '3' }], c: null });
    expect(urlOf(entries, token).searchParams.get('startDate')).toBe('2023-11-14T22:13:20Z');
    expect(urlOf(entries, token).searchParams.get('endDate')).toBe('2023-11-15T22:13:20Z');
    expect(urlOf(entries, token, { from: null, to: window.to }).searchParams.get('startDate')).toBe('1970-01-01T00:00:00Z');
  });

  it('write a strictly-after lower bound one millisecond early, so a record on the boundary is read once', () => {
    const stream: StreamSpec = { ...base, path: '/v1/sessions', window: { fromParam: 'createdAfter', toParam: 'createdBefore', format: 'iso_datetime', fromIsExclusive: true } };
    const url = pageUrl({ source, stream, connection: connection(), window, pageToken: null });
    expect(url.searchParams.get('createdAfter')).toBe('2023-11-14T22:13:19.999Z');
    expect(url.searchParams.get('createdBefore')).toBe('2023-11-15T22:13:20Z');
  });

  it('leave an unpaged list without paging parameters', () => {
    const url = urlOf(programs, null);
    expect([...url.searchParams.keys()]).toEqual([]);
  });
});

describe('keeping the connection\'s own records', () => {
  it('keeps records whose field equals or contains the value, and those without the field', () => {
    const kept = keepOwnRecords([{ id: 1, accounts: [7, 9] }, { id: 2, accounts: [9] }, { id: 3, accounts: '7' }, { id: 4 }], programs.keepWhere!, connection());
    expect(kept.map((r) => r.id)).toEqual([1, 3, 4]);
  });
});

let server: FastifyInstance;
let baseUrl: string;
const answers = new Map<string, unknown>();
const seen: string[] = [];

beforeAll(async () => {
  server = Fastify();
  server.get('/*', async (req, reply) => {
    seen.push(req.url);
    const path = req.url.split('?')[0]!;
    if (!answers.has(path)) return reply.status(404).send({ message: `nothing scripted at ${path}` });
    return answers.get(path);
  });
  baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
});
afterAll(() => server.close());

describe('a child of a child stream', () => {
  const request = (stream: StreamSpec, pageToken: string | null): PageRequest => ({
    source,
    stream,
    connection: connection({ base_url: baseUrl }),
    credential: 'secret',
    limiter: new RateLimiter(1000),
    window,
    pageToken,
  });

  it('reads parents through their own parents, once per distinct parent, and tags each record with what it was read for', async () => {
    answers.set('/v1/accounts/7/programs', { data: [{ id: 3, accounts: [7] }, { id: 4, accounts: [8] }] });
    answers.set('/v1/programs/3/entries', { data: [{ id: 1, programId: 3, profile: 'p1' }, { id: 2, programId: 3, profile: 'p1' }, { id: 3, programId: 3 }], hasMore: false });
    answers.set('/v1/programs/3/profiles/p1/balance', { balance: { activePoints: 5 } });

    const landed: Record<string, unknown>[] = [];
    const requested: string[] = [];
    let token: string | null = null;
    for (let i = 0; i < 10; i++) {
      const before = seen.length;
      const page = await fetchPage(request(balances, token));
      requested.push(...seen.slice(before).map((u) => u.split('?')[0]!));
      landed.push(...page.records);
      token = page.nextToken;
      if (token === null) break;
    }
    // Program 4 is another account's; the entry without a profile has no balance; p1 is read once.
    expect(requested).toEqual(['/v1/accounts/7/programs', '/v1/programs/3/entries', '/v1/programs/3/profiles/p1/balance']);
    expect(landed).toEqual([{ balance: { activePoints: 5 }, cdp_parent: { programId: '3', profileId: 'p1' } }]);
    expect(token).toBeNull();
  });

  it('says where a single-record answer has no record', async () => {
    answers.set('/v1/programs/3/profiles/p2/balance', []);
    const token = JSON.stringify({ p: null, d: true, ids: [{ programId: '3', profileId: 'p2' }], c: null });
    await expect(fetchPage(request(balances, token))).rejects.toThrow(/balances: the answer from \/v1\/programs\/3\/profiles\/p2\/balance has no record/);
  });
});
