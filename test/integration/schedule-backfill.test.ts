import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connectionRuns, connectionStatuses } from '../../app/connection-status';
import { backfillSchedule, setSchedule } from '../../app/schedules';
import { startSync, waitForSync } from '../../app/syncs';
import { renderStatus } from '../../cli/render/status';
import { buildStripeData, startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { DEFAULT_ANCHOR, generateWorld } from '../../emulators/world';
import { findConnection } from '../../lib/config';
import { scheduleId, SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import type { ScheduledSyncResult } from '../../workflows';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { waitFor } from '../support/processes';
import { startDevServer } from '../support/temporal';
import { committedStates } from '../support/lake-reads';
import { makeWorkspace } from '../support/workspace';
import { queryRawRows } from '../support/raw-lake';

// `cdp schedule backfill`: the schedule's runs of a past period, run now through Temporal's backfill;
// each reads the interval that ends when it was due, and the cursor stays where the newest sync left it.

const KEY = 'sk_test_backfill_key_123';
const ENV_VAR = 'CDP_TEST_BACKFILL_KEY';
const SEED = 23;
const SCALE = 0.1;
const HOUR = 3600;

let env: TestWorkflowEnvironment;
let emulator: StripeEmulator;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, emulator] = await Promise.all([startDevServer(), startStripeEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE, apiKeys: [KEY], rateLimitPerSecond: 0 })]);
  ws = makeWorkspace([{ id: 'stripe-bf', source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: ENV_VAR, streams: ['charges'] }]);
  process.env[ENV_VAR] = KEY;
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await emulator?.close();
  ws?.cleanup();
});

/** The ids of the charges landed by the given syncs, read straight from the lake's raw table. */
async function landedCharges(syncIds: string[]): Promise<string[]> {
  const list = syncIds.map((id) => `'${id}'`).join(', ');
  const rows = await queryRawRows(ws.config(), 'stripe', 'charges', `select primary_key from rows where connection = 'stripe-bf' and sync_id in (${list}) order by 1`);
  return rows.map((r) => String(r.primary_key));
}

describe('a backfill through the schedule', () => {
  it('runs each due run of the period one after another, each reading its own hour, and leaves the cursor where it was', async () => {
    // The emulator's charges, from the same world it serves: the truth the backfill is held to.
    const charges = buildStripeData(generateWorld({ seed: SEED, scale: SCALE })).charges;
    const created = charges.map((c) => c.created).sort((a, b) => a - b);
    // Two hours in the middle of the account's history, on hour boundaries, as an hourly schedule runs.
    const from = Math.floor(created[Math.floor(created.length / 2)]! / HOUR) * HOUR;
    const to = from + 2 * HOUR;
    const inWindow = (lo: number, hi: number) => charges.filter((c) => c.created >= lo && c.created < hi).map((c) => c.id);

    const connection = findConnection(ws.config(), 'stripe-bf');
    await waitForSync(await startSync(env.client, connection, { mode: 'historical' }), () => {});
    const [before] = await committedStates(ws.config(), 'stripe-bf');
    expect(before!.highWaterMark).toBeGreaterThan(to);

    await setSchedule(env.client, connection, SYNC_TASK_QUEUE, { every: '1h', catchupWindow: '1m' });
    const runs = await backfillSchedule(env.client, 'stripe-bf', new Date(from * 1000), new Date(to * 1000));
    expect(runs).toBe(2);

    // The two runs due in (from, to], as Temporal recorded them.
    const handle = env.client.schedule.getHandle(scheduleId('stripe-bf'));
    const backfilled = async () =>
      (await handle.describe()).info.recentActions.filter((a) => a.scheduledAt.getTime() > from * 1000 && a.scheduledAt.getTime() <= to * 1000);
    await waitFor(async () => (await backfilled()).length === 2, 120_000, 'both backfilled runs to start');
    const results: ScheduledSyncResult[] = [];
    for (const action of await backfilled()) {
      const { workflowId, firstExecutionRunId } = action.action.workflow;
      results.push(await env.client.workflow.getHandle<() => Promise<ScheduledSyncResult>>(workflowId, firstExecutionRunId).result());
    }
    await handle.delete();

    const windows = results.map((r) => {
      if (r.skipped) throw new Error(r.reason);
      const [charges] = r.result.streams;
      return { window: charges!.window, rows: charges!.rows, syncId: charges!.syncId };
    });
    expect(windows.map((w) => w.window)).toEqual([
      { from, to: from + HOUR },
      { from: from + HOUR, to },
    ]);
    expect(windows.map((w) => w.rows)).toEqual([inWindow(from, from + HOUR).length, inWindow(from + HOUR, to).length]);
    expect(windows[0]!.rows + windows[1]!.rows).toBeGreaterThan(0);
    expect(await landedCharges(windows.map((w) => w.syncId))).toEqual(inWindow(from, to).sort());

    const [after] = await committedStates(ws.config(), 'stripe-bf');
    expect(after!.highWaterMark).toBe(before!.highWaterMark);
    expect(after!.lastSync!.window).toEqual({ from: from + HOUR, to });
    const status = renderStatus(await connectionStatuses(ws.config(), await connectionRuns(env.client, ['stripe-bf'])), true);
    expect(status).toContain(`backfill of ${new Date((from + HOUR) * 1000).toISOString().slice(0, 16)} to ${new Date(to * 1000).toISOString().slice(0, 16)}`);
  });
});
