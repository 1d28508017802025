import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { stopBackground } from '../../cli/background';
import { setSchedule } from '../../app/schedules';
import { ensureDevServer } from '../../cli/dev-server';
import { connectClient } from '../../app/temporal';
import { runBuild } from '../../app/builds';
import { startSync, syncTuning, waitForSync } from '../../app/syncs';
import { unhonouredWaits } from '../../emulators/http';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { findConnection } from '../../lib/config';
import { ensureTemporalCli } from '../../lib/temporal-cli';
import { scheduleId, SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { activityAttempts } from '../support/activity-attempts';
import { freePort, killHard, spawnWorker, waitFor } from '../support/processes';
import { committedRowCount, committedStates } from '../support/lake-reads';
import { makeWorkspace } from '../support/workspace';
import { queryRawRows } from '../support/raw-lake';
import { sqlString } from '../../lib/sql';

// Every fault here is real: separate worker processes killed with SIGKILL, a dev server stopped
// and restarted on its database file, an emulator that throttles, breaks records and refuses keys.

const KEY = 'sk_test_faults_key_123';
let emulator: StripeEmulator;
let ws: ReturnType<typeof makeWorkspace>;
let client: Client;
let address: string;
let devServer: Parameters<typeof ensureDevServer>[0];
let worker: ChildProcess | undefined;

const workerEnv = { CDP_FAULTS_KEY: KEY, CDP_FAULTS_BAD_KEY: 'sk_test_revoked_key_999' };
const startWorker = () => {
  worker = spawnWorker({ configFile: ws.configFile, address, env: workerEnv, logFile: path.join(ws.dir, 'worker.log') });
  return worker;
};
/** Each test can run alone: it starts a worker unless one is alive. */
const ensureWorker = () => {
  if (!worker || worker.exitCode !== null || worker.signalCode !== null) startWorker();
};

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 5, scale: 0.3, apiKeys: [KEY], rateLimitPerSecond: 0 });
  const connection = (id: string, extra: Record<string, unknown> = {}) => ({
    id,
    source: 'stripe',
    environment: 'sandbox',
    base_url: emulator.url,
    credential_env: 'CDP_FAULTS_KEY',
    ...extra,
  });
  ws = makeWorkspace([
    connection('stripe-crash'),
    // At the source's default rate: the storm test below proves that default against a stricter account.
    connection('stripe-storm', { streams: ['charges'] }),
    connection('stripe-bad', { streams: ['customers'], credential_env: 'CDP_FAULTS_BAD_KEY' }),
    connection('stripe-outage', { streams: ['customers'] }),
  ]);
  // Small files and a short heartbeat timeout, so a killed worker's batch is retried within seconds;
  // historical syncs read three windows of the emulator's two years at once.
  fs.appendFileSync(ws.configFile, 'sync:\n  rows_per_file: 100\n  heartbeat_timeout_seconds: 3\n  historical_slices: 3\n  historical_slice_days: 120\n');
  const [port, uiPort] = [await freePort(), await freePort()];
  address = `127.0.0.1:${port}`;
  devServer = { cliPath: ensureTemporalCli(), dbFile: path.join(ws.dir, 'temporal.db'), runDir: path.join(ws.dir, 'run'), host: '127.0.0.1', port, uiPort, namespace: 'default' };
  await ensureDevServer(devServer);
  client = await connectClient({ address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE });
});

afterAll(async () => {
  if (worker) await killHard(worker);
  await client?.connection.close();
  if (devServer) await stopBackground(devServer.runDir, 'temporal');
  await emulator?.close();
  ws?.cleanup();
});

/** Rows and distinct keys a connection landed for a stream: in all its syncs, or in the one named. */
async function rawCounts(stream: string, connection: string, syncId?: string): Promise<{ rows: number; distinct: number }> {
  const ofSync = syncId === undefined ? '' : ` and sync_id = ${sqlString(syncId)}`;
  const sql = `select count(*)::int as rows, count(distinct primary_key)::int as distinct from rows where connection = ${sqlString(connection)}${ofSync}`;
  return (await queryRawRows(ws.config(), 'stripe', stream, sql))[0] as { rows: number; distinct: number };
}

const committedRows = (connection: string) => committedRowCount(ws.config(), connection);

const sync = (connectionId: string, mode: 'historical' | 'manual' = 'historical') =>
  startSync(client, findConnection(ws.config(), connectionId), { mode, tuning: syncTuning(ws.config()) });

describe('syncs under faults', () => {
  it('a worker killed with SIGKILL three times mid-sync loses and duplicates nothing', async () => {
    emulator.setFaults({ latencyMs: 250 });
    const handle = await sync('stripe-crash');
    for (let kill = 1; kill <= 3; kill++) {
      const before = await committedRows('stripe-crash');
      const w = startWorker();
      await waitFor(async () => (await committedRows('stripe-crash')) >= before + 100, 60_000, `progress before kill ${kill}`);
      await killHard(w);
    }
    startWorker();
    const result = await waitForSync(handle, () => {});
    emulator.setFaults({ latencyMs: 0 });

    const truth = emulator.truth().streams;
    const expected: Record<string, number> = {
      customers: truth.customers.count,
      charges: truth.charges.count,
      invoices: truth.invoices.count,
      subscriptions: truth.subscriptions.count,
      refunds: truth.refunds.count,
      coupons: truth.coupons.count,
      promotion_codes: truth.promotion_codes.count,
      // The world ends when the emulator started: its last 30 days left events.
      events: truth.events.count,
    };
    expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]))).toEqual(expected);
    for (const [stream, count] of Object.entries(expected)) {
      expect(await rawCounts(stream, 'stripe-crash'), stream).toEqual({ rows: count, distinct: count });
    }
    const build = await runBuild(client);
    // An order per charge (one that paid an invoice is that invoice's), and per invoice paid outside Stripe.
    expect(build.models.find((m) => m.model === 'core.orders')?.rows).toBe(truth.charges.count + truth.invoices.paid_out_of_band_count);
  });

  it('a sync survives the dev server stopping and starting again on its database', async () => {
    ensureWorker();
    emulator.setFaults({ latencyMs: 150 });
    const handle = await sync('stripe-storm');
    const before = await committedRows('stripe-storm');
    await waitFor(async () => (await committedRows('stripe-storm')) > before, 60_000, 'first batch');
    await stopBackground(devServer.runDir, 'temporal');
    await ensureDevServer(devServer);
    const result = await waitForSync(handle, () => {});
    emulator.setFaults({ latencyMs: 0 });
    expect(result.streams[0]!.rows).toBe(emulator.truth().streams.charges.count);
  });

  it('a storm of 429s at the default rate slows the sync down, loses nothing, and every announced wait is honoured', async () => {
    ensureWorker();
    const before = emulator.stats();
    const waitsBefore = emulator.announcedWaits().length;
    // An account allowing 2 requests a second, well below the connector's default for a test key and
    // the sync's own pace (a lake commit per batch of 100 holds it to a few pages a second); each 429
    // names a one-second wait, as Stripe's client libraries expect where it sends one.
    emulator.setFaults({ rateLimitPerSecond: 2, retryAfterSeconds: 1 });
    const result = await waitForSync(await sync('stripe-storm'), () => {});
    emulator.setFaults({ rateLimitPerSecond: 0, retryAfterSeconds: null });
    const after = emulator.stats();
    expect(result.streams[0]!.rows).toBe(emulator.truth().streams.charges.count);
    // The test before this one synced the same connection: count this sync's rows.
    expect(await rawCounts('charges', 'stripe-storm', result.streams[0]!.syncId)).toEqual({ rows: emulator.truth().streams.charges.count, distinct: emulator.truth().streams.charges.count });
    const pages = result.streams[0]!.pages;
    // The storm happened, and the connector backed off instead of hammering: a client that only
    // retried would draw about a dozen 429s a page; backing off, it draws about one at most.
    expect(after.rateLimited - before.rateLimited).toBeGreaterThan(0);
    expect(after.rateLimited - before.rateLimited).toBeLessThan(2 * pages);
    // Every wait a 429 announced was over before the key's next request came, by the emulator's own clock.
    const waits = emulator.announcedWaits().slice(waitsBefore);
    expect(waits.length).toBe(after.rateLimited - before.rateLimited);
    expect(unhonouredWaits(waits)).toEqual([]);
  });

  it('a malformed record is quarantined with its reason and the rest lands', async () => {
    ensureWorker();
    const response = await fetch(`${emulator.url}/v1/charges?limit=3`, { headers: { authorization: `Bearer ${KEY}` } });
    const bad = ((await response.json()) as { data: { id: string }[] }).data[2]!.id;
    emulator.setFaults({ malformedIds: [bad] });
    const result = await waitForSync(await sync('stripe-storm'), () => {});
    emulator.setFaults({ malformedIds: [] });
    expect(result.streams[0]).toMatchObject({ rows: emulator.truth().streams.charges.count - 1, quarantined: 1 });

    const rows = await queryRawRows(ws.config(), 'stripe', 'charges', "select primary_key, quarantine_reason, payload->>'created' as created from rows where connection = 'stripe-storm'", { quarantine: true });
    expect(rows).toEqual([{ primary_key: bad, quarantine_reason: expect.stringMatching(/^stripe\.charges: created: /), created: 'malformed' }]);
  });

  it('scheduled incremental runs ride out a source outage and then catch up with no gap', async () => {
    ensureWorker();
    await waitForSync(await sync('stripe-outage'), () => {});
    const [before] = await committedStates(ws.config(), 'stripe-outage');
    const connection = findConnection(ws.config(), 'stripe-outage');

    emulator.setFaults({ failRate: 1, failStatus: 503 });
    await setSchedule(client, connection, SYNC_TASK_QUEUE, { every: '2s', catchupWindow: '1m' }, syncTuning(ws.config()));
    const failedBefore = emulator.stats().injectedFailures;
    await waitFor(() => emulator.stats().injectedFailures >= failedBefore + 3, 30_000, 'scheduled runs meeting the outage');
    const outageEnd = Date.now() / 1000;
    emulator.setFaults({ failRate: 0 });

    await waitFor(
      async () => {
        const [s] = await committedStates(ws.config(), 'stripe-outage');
        return s?.lastSync?.mode === 'incremental' && (s.highWaterMark ?? 0) > outageEnd;
      },
      90_000,
      'an incremental run that finished after the outage',
    );
    await client.schedule.getHandle(scheduleId('stripe-outage')).delete();
    const [after] = await committedStates(ws.config(), 'stripe-outage');
    // No gap: the first window after the outage starts at or before where the last good sync ended.
    expect(after!.lastSync!.window.from).toBeLessThanOrEqual(before!.highWaterMark!);
    expect(await rawCounts('customers', 'stripe-outage')).toMatchObject({ distinct: emulator.truth().streams.customers.count });
  });

  it('a rejected key fails the sync at once with what to do, and pauses the schedule', async () => {
    ensureWorker();
    const connection = findConnection(ws.config(), 'stripe-bad');
    await setSchedule(client, connection, SYNC_TASK_QUEUE, { every: '1h', catchupWindow: '1d' });
    const handle = await sync('stripe-bad');
    const failure = await waitForSync(handle, () => {}).catch((err: Error & { cause?: Error }) => err.cause?.message ?? err.message);
    expect(failure).toMatch(/^credentials for stripe-bad were rejected \(HTTP 401 .*\): update CDP_FAULTS_BAD_KEY and run `cdp sync stripe-bad`$/);
    // At once: no activity was tried a second time.
    const attempts = await activityAttempts(handle);
    expect(attempts.length).toBeGreaterThan(0);
    expect(attempts.filter((a) => a.attempt !== 1)).toEqual([]);
    const schedule = await client.schedule.getHandle(scheduleId('stripe-bad')).describe();
    expect(schedule.state.paused).toBe(true);
    expect(schedule.state.note).toMatch(/credentials for stripe-bad were rejected/);
  });
});
