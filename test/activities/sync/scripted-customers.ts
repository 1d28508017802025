import { MockActivityEnvironment } from '@temporalio/testing';
import Fastify from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll } from 'vitest';
import { planSync } from '../../../activities/sync/plan-sync';
import { syncStreamBatch, type SyncStreamBatchResult } from '../../../activities/sync/sync-stream-batch';
import type { LoadedConfig } from '../../../lib/config';
import type { StreamPosition } from '../../../lib/sync-state';
import { makeWorkspace } from '../../support/workspace';

// A Stripe-shaped source of customers whose every answer a test scripts, for the sync's own
// behaviour when a source is slow, pages wrongly or the data folder cannot be written.

export const CONNECTION = 'scripted-stripe';
export const SECRET = 'sk_test_scripted_secret_42';
const ENV_VAR = 'CDP_TEST_SCRIPTED_STRIPE_KEY';

/** The n-th customer, valid under the Stripe customer schema, created in increasing order. */
export const customer = (n: number) => ({
  id: `cus_${String(n).padStart(4, '0')}`,
  object: 'customer',
  created: 1_700_000_000 + n,
  email: `c${n}@example.com`,
  name: `Customer ${n}`,
  phone: null,
  livemode: false,
  metadata: {},
});

/** A Stripe list page. */
export const listPage = (data: unknown[], hasMore: boolean) => ({ object: 'list', data, has_more: hasMore, url: '/v1/customers' });

/** Answers each page in the real API's way: `count` customers, `perPage` at a time after `starting_after`. */
export const pagedCustomers = (count: number, perPage: number) => (query: URLSearchParams) => {
  const after = query.get('starting_after');
  const start = after === null ? 1 : Number(after.slice('cus_'.length)) + 1;
  const data = Array.from({ length: Math.max(0, Math.min(perPage, count - start + 1)) }, (_, i) => customer(start + i));
  return listPage(data, start + perPage <= count);
};

/** The scripted server, started before the file's tests; `answer` decides each page from its query. */
export function scriptedCustomers() {
  const state = { answer: pagedCustomers(0, 1) as (query: URLSearchParams) => unknown, asked: [] as URLSearchParams[], baseUrl: '' };
  const server = Fastify();
  server.get('/v1/customers', async (req) => {
    const query = new URL(req.url, 'http://x').searchParams;
    state.asked.push(query);
    return state.answer(query);
  });
  beforeAll(async () => {
    state.baseUrl = await server.listen({ port: 0, host: '127.0.0.1' });
    process.env[ENV_VAR] = SECRET;
  });
  afterAll(() => server.close());
  return state;
}

/** A workspace whose one connection reads customers from `baseUrl`, at `requestsPerSecond`. */
export function customersWorkspace(baseUrl: string, opts: { requestsPerSecond?: number; sync?: Record<string, unknown>; dataDir?: string } = {}) {
  return makeWorkspace(
    [{ id: CONNECTION, source: 'stripe', environment: 'sandbox', base_url: baseUrl, credential_env: ENV_VAR, streams: ['customers'], requests_per_second: opts.requestsPerSecond ?? 100 }],
    { ...(opts.dataDir ? { data_dir: opts.dataDir } : {}), sync: { historical_slices: 1, ...opts.sync } },
  );
}

/** The stream's starting position in a historical sync. */
export async function startPosition(config: LoadedConfig, syncId: string): Promise<StreamPosition> {
  const plan = await planSync(config, { connectionId: CONNECTION, mode: 'historical', syncId, startedAtMs: Date.now() });
  return plan.streams[0]!;
}

/** Runs one batch as the sync workflow's activity would. */
export function runBatch(config: LoadedConfig, position: StreamPosition, rowsPerFile = 1000): Promise<SyncStreamBatchResult> {
  return new MockActivityEnvironment().run(syncStreamBatch, config, { position, rowsPerFile });
}

/** Every landed Parquet file and every leftover temporary file under a folder. */
export function filesUnder(dir: string): { parquet: string[]; temporary: string[] } {
  const all = fs.existsSync(dir) ? fs.readdirSync(dir, { recursive: true }).map(String) : [];
  return { parquet: all.filter((f) => f.endsWith('.parquet')).map((f) => path.join(dir, f)), temporary: all.filter((f) => f.includes('.tmp-')) };
}
