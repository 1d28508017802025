import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { planSync } from '../../../activities/sync/plan-sync';
import { syncStreamBatch } from '../../../activities/sync/sync-stream-batch';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { ERROR_NAMES, NON_RETRYABLE_ERROR_NAMES } from '../../../lib/errors';
import { openLake } from '../../../lib/lake/open-lake';
import { queryRawRows } from '../../support/raw-lake';
import { makeWorkspace } from '../../support/workspace';

// Two workers on one task queue with different lakes (here: different data folders, so different
// embedded lakes) must never each land part of one sync: the sync records its lake when it plans,
// and a worker attached to another lake refuses its steps, for good.

const KEY = ['sk', 'test', 'lake', 'identity', '0001'].join('_');
const ENV_VAR = 'CDP_TEST_LAKE_IDENTITY_KEY';
const connection = (url: string) => [{ id: 'shop', source: 'stripe', environment: 'sandbox', base_url: url, credential_env: ENV_VAR, streams: ['customers'] }];

let emulator: StripeEmulator;
let mine: ReturnType<typeof makeWorkspace>;
let other: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 3, scale: 0.05, apiKeys: [KEY], rateLimitPerSecond: 1000 });
  mine = makeWorkspace(connection(emulator.url), { sync: { historical_slices: 1 } });
  other = makeWorkspace(connection(emulator.url), { sync: { historical_slices: 1 } });
  process.env[ENV_VAR] = KEY;
});
afterAll(async () => {
  await emulator?.close();
  mine?.cleanup();
  other?.cleanup();
});

describe('a sync and its lake', () => {
  it('a worker of another lake refuses the sync with a non-retryable error and lands nothing; a worker of the same lake lands it', async () => {
    const plan = await planSync(mine.config(), { connectionId: 'shop', mode: 'historical', syncId: 'identity-1', startedAtMs: Date.now() });
    const ours = await openLake(mine.config().storage, mine.config().layout);
    const theirs = await openLake(other.config().storage, other.config().layout);
    expect(ours.id).not.toBe(theirs.id);
    expect(plan.streams.map((p) => p.lakeId)).toEqual([ours.id]);

    const requests = emulator.stats().requests;
    const refused = await new MockActivityEnvironment().run(syncStreamBatch, other.config(), { position: plan.streams[0]! }).then(
      () => undefined,
      (err: Error) => err,
    );
    expect(refused?.name).toBe(ERROR_NAMES.lakeMismatch);
    expect(NON_RETRYABLE_ERROR_NAMES).toContain(ERROR_NAMES.lakeMismatch);
    expect(refused?.message).toContain(`this worker's lake (catalog sqlite:${other.config().layout.root}/lake.sqlite`);
    expect(refused?.message).toContain(`is not the lake this sync lands in (identity ${ours.id})`);
    // Refused before asking the source anything, and nothing landed in the other lake.
    expect(emulator.stats().requests).toBe(requests);
    expect(await queryRawRows(other.config(), 'stripe', 'customers', 'select count(*)::int as n from rows')).toEqual([{ n: 0 }]);

    const done: Awaited<ReturnType<typeof syncStreamBatch>> = await new MockActivityEnvironment().run(syncStreamBatch, mine.config(), { position: plan.streams[0]!, budgetMs: 600_000 });
    expect(done.done).toBe(true);
    const total = emulator.truth().streams.customers.count;
    expect(await queryRawRows(mine.config(), 'stripe', 'customers', 'select count(distinct primary_key)::int as n from rows')).toEqual([{ n: total }]);
  });
});
