import { scriptedServer } from '../../support/scripted-server';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { fetchPage, pageUrl, type PageRequest } from '../../../activities/sources/pager';
import { RateLimiter } from '../../../activities/sources/rate-limiter';
import { readPath } from '../../../activities/sources/read-path';
import { thrivecartSource } from '../../../activities/sources/thrivecart/spec';
import { PROJECT_ROOT } from '../../../lib/paths';

// The fixture is ThriveCart's own documented "Search transactions" answer
// (see test/fixtures/thrivecart/README.md).
const documented = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'thrivecart', 'transactions.json'), 'utf8')) as {
  transactions: Record<string, unknown>[];
};
const transactions = thrivecartSource.streams.find((s) => s.name === 'transactions')!;

describe('ThriveCart stream schemas', () => {
  it('accept the documented transactions answer', () => {
    const records = readPath(documented, transactions.recordsPath) as Record<string, unknown>[];
    expect(records).toHaveLength(2);
    for (const record of records) {
      const result = transactions.schema.safeParse(record);
      expect(result.success ? 'ok' : result.error.issues).toBe('ok');
      expect(result.data).toEqual(record);
    }
  });

  it('reject a transaction whose amount is a decimal rather than minor units', () => {
    expect(transactions.schema.safeParse({ ...documented.transactions[0], amount: 100.5 }).success).toBe(false);
  });

  it('reject a transaction without its timestamp', () => {
    const { timestamp: _t, ...record } = documented.transactions[0]!;
    expect(transactions.schema.safeParse(record).success).toBe(false);
  });
});

// A scripted server: each test queues the pages it wants ThriveCart to answer with.
const scripted = scriptedServer({ noAnswer: { error: 'no scripted answer' }, path: '/api/external' });
const { answers, seen } = scripted;

const event = (id: number, timestamp: number) => ({ ...documented.transactions[0], event_id: String(id), timestamp });
const page = (events: ReturnType<typeof event>[]) => ({ status: 200, body: { transactions: events, meta: { total: 1000, results: events.length } } });
const request = (over: Partial<PageRequest>): PageRequest => ({
  source: thrivecartSource,
  stream: transactions,
  connection: { id: 'tc', source: 'thrivecart', environment: 'live', base_url: scripted.baseUrl, credential_env: 'TC_KEY' },
  credential: 'tc-secret',
  limiter: new RateLimiter(1000),
  window: { from: null, to: 2_000_000_000 },
  pageToken: null,
  ...over,
});
const fullPage = (newest: number, id: number) => Array.from({ length: 100 }, (_, i) => event(id - i, newest - i * 60));

describe('ThriveCart paging with a client-side window', () => {
  it('asks for 100 transactions of every type per numbered page', () => {
    const url = pageUrl(request({ pageToken: '3' }));
    expect(url.pathname).toBe('/api/external/transactions');
    expect(url.searchParams.get('page')).toBe('3');
    expect(url.searchParams.get('perPage')).toBe('100');
    expect(url.searchParams.get('transactionType')).toBe('any');
  });

  it('skips events newer than the window and stops at the first one older than it', async () => {
    const window = { from: 1_600_000_000, to: 1_600_005_000 };
    // Page 1: the newest events, some after the window's end.
    answers.push(page(fullPage(1_600_006_000, 900)));
    const first = await fetchPage(request({ window }));
    expect(seen.at(-1)!.auth).toBe('Bearer tc-secret');
    expect(first.records.every((r) => (r.timestamp as number) < window.to)).toBe(true);
    expect(first.records.length).toBeLessThan(100);
    expect(first.nextToken).toBe('2');

    // Page 2 crosses the window's start: what is inside lands, and paging ends.
    answers.push(page(fullPage(1_600_000_600, 800)));
    const second = await fetchPage(request({ window, pageToken: '2' }));
    expect(second.records.map((r) => r.timestamp)).toEqual(Array.from({ length: 11 }, (_, i) => 1_600_000_600 - i * 60));
    expect(second.nextToken).toBeNull();
  });

  it('reads every page of a historical sync until a short page', async () => {
    answers.push(page(fullPage(1_600_000_000, 100)));
    expect((await fetchPage(request({}))).nextToken).toBe('2');
    answers.push(page([event(1, 1_500_000_000)]));
    const last = await fetchPage(request({ pageToken: '2' }));
    expect(last.records).toHaveLength(1);
    expect(last.nextToken).toBeNull();
  });

  it('keeps an event whose timestamp cannot be read, for validation to quarantine', async () => {
    answers.push(page([{ ...event(5, 0), timestamp: 'soon' as unknown as number }]));
    const result = await fetchPage(request({ window: { from: 1_600_000_000, to: 1_600_005_000 } }));
    expect(result.records).toHaveLength(1);
    expect(transactions.schema.safeParse(result.records[0]).success).toBe(false);
  });
});
