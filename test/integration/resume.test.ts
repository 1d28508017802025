import { MockActivityEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StreamPosition } from '../../lib/sync-state';
import { planSync } from '../../activities/sync/plan-sync';
import { syncStreamBatch } from '../../activities/sync/sync-stream-batch';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { committedState } from '../support/lake-reads';
import { makeWorkspace } from '../support/workspace';
import { queryRawRows } from '../support/raw-lake';

const KEY = 'sk_test_resume_key_123';
const ENV_VAR = 'CDP_TEST_RESUME_KEY';

let emulator: StripeEmulator;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 11, scale: 0.2, apiKeys: [KEY], rateLimitPerSecond: 1000 });
  ws = makeWorkspace([{ id: 'stripe-resume', source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: ENV_VAR, streams: ['charges'] }], {
    // One window, so the interrupted batch is the whole stream's.
    sync: { historical_slices: 1 },
  });
  process.env[ENV_VAR] = KEY;
});
afterAll(async () => {
  await emulator?.close();
  ws?.cleanup();
});

/** The landed charges and the batches (files, when landing wrote files) that hold them. */
async function landedKeys(): Promise<{ rows: number; distinct: number; files: number }> {
  const sql = 'select count(*)::int as rows, count(distinct primary_key)::int as distinct, count(distinct (connection, sync_id, slice, batch_seq))::int as files from rows';
  return (await queryRawRows(ws.config(), 'stripe', 'charges', sql))[0] as { rows: number; distinct: number; files: number };
}

describe('a stream sync interrupted mid-batch', () => {
  it('keeps what it landed, and the retry resumes from the last heartbeat without duplicating a record', async () => {
    const plan = await planSync(ws.config(), { connectionId: 'stripe-resume', mode: 'historical', syncId: 'resume-1', startedAtMs: Date.now() });
    const [start] = plan.streams as [StreamPosition];

    // First attempt: cancelled (as when its worker dies) after two batches are committed.
    const first = new MockActivityEnvironment();
    const beats: StreamPosition[] = [];
    first.on('heartbeat', (d: StreamPosition) => {
      beats.push(d);
      if (beats.filter((b) => b.seq > 0).length === 2 && beats.at(-1)!.seq === 2) first.cancel();
    });
    await expect(first.run(syncStreamBatch, ws.config(), { position: start, rowsPerFile: 100 })).rejects.toThrow();

    const committed = await committedState(ws.config(), 'stripe-resume', 'charges');
    expect(committed.inProgress?.seq).toBe(2);
    expect(committed.inProgress?.rows).toBe(200);
    expect(committed.highWaterMark).toBeNull();
    expect(await landedKeys()).toEqual({ rows: 200, distinct: 200, files: 2 });

    // A new sync of the same mode resumes the committed position rather than starting over.
    const replanned = await planSync(ws.config(), { connectionId: 'stripe-resume', mode: 'historical', syncId: 'resume-2', startedAtMs: Date.now() });
    expect(replanned.streams[0]).toEqual(committed.inProgress);

    // Temporal's retry hands the activity its last heartbeat.
    const retry = new MockActivityEnvironment({ heartbeatDetails: committed.inProgress });
    const result: Awaited<ReturnType<typeof syncStreamBatch>> = await retry.run(syncStreamBatch, ws.config(), { position: start, rowsPerFile: 100, budgetMs: 600_000 });
    expect(result.done).toBe(true);

    const total = emulator.truth().streams.charges.count;
    expect(result.position.rows).toBe(total);
    expect(await landedKeys()).toEqual({ rows: total, distinct: total, files: Math.ceil(total / 100) });
    const finished = await committedState(ws.config(), 'stripe-resume', 'charges');
    expect(finished.inProgress).toBeNull();
    expect(finished.highWaterMark).toBe(start.window.to);
    expect(finished.lastSync).toMatchObject({ syncId: 'resume-1', mode: 'historical', rows: total });
  });

  it('a retry whose last heartbeat came after the final page reads nothing again', async () => {
    const state = await committedState(ws.config(), 'stripe-resume', 'charges');
    const requestsBefore = emulator.stats().requests;
    const lastBeat: StreamPosition = { ...state.lastSync!, ...(await planSync(ws.config(), { connectionId: 'stripe-resume', mode: 'manual', syncId: 'x', startedAtMs: Date.now() })).streams[0]!, exhausted: true, rows: 7, seq: 9 };
    const retry = new MockActivityEnvironment({ heartbeatDetails: lastBeat });
    const result: Awaited<ReturnType<typeof syncStreamBatch>> = await retry.run(syncStreamBatch, ws.config(), { position: lastBeat, rowsPerFile: 100 });
    expect(result).toMatchObject({ done: true, filesLanded: 0, position: { rows: 7 } });
    expect(emulator.stats().requests).toBe(requestsBefore);
  });
});
