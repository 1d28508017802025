// What the benches that sync a big Stripe-shaped account through real worker processes share: the
// emulator's scale, the bench's config, `cdp worker` as a child process, and the check of the landed
// raw tables against the emulator's ground truth.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { startStripeEmulator, type StripeEmulator, type StripeGroundTruth } from '../emulators/stripe';
import { DEFAULT_ANCHOR } from '../emulators/world';
import type { LoadedConfig } from '../lib/config';
import { withLake } from '../lib/lake/lake-session';
import { openLake } from '../lib/lake/open-lake';
import { rawTable } from '../lib/lake/raw-tables';
import { PROJECT_ROOT } from '../lib/paths';
import type { WorkerQueues } from '../lib/temporal-names';
import { startDevServer } from '../test/support/temporal';

export const BENCH_STRIPE_KEY = 'sk_test_sync_worker_bench';
export const BENCH_STRIPE_KEY_ENV = 'CDP_BENCH_STRIPE_KEY';
// Records of the checked streams (customers, charges, invoices, subscriptions, refunds, coupons,
// promotion codes, events) the emulator holds per unit of scale, measured at scale 10.6 (149,593
// records, 22,459 customers); the runs report the exact count.
const RECORDS_PER_SCALE = 14_150;
export const SYNCED_STREAMS = ['customers', 'charges', 'invoices', 'subscriptions', 'refunds', 'coupons', 'promotion_codes', 'events'] as const;

/** The emulator's scale that holds about `records` synced records. */
function scaleForRecords(records: number): number {
  return records / RECORDS_PER_SCALE;
}

/** The records the emulator holds in the synced streams. */
export function syncedRecords(truth: StripeGroundTruth): number {
  return SYNCED_STREAMS.reduce((sum, s) => sum + truth.streams[s].count, 0);
}

/** A Temporal dev server with cdp's search attributes. */
export type DevServer = Awaited<ReturnType<typeof startDevServer>>;

/**
 * Starts a Temporal dev server and the Stripe emulator (seed 42, no rate limit) at the scale that holds
 * about `records` synced records, and says what the emulator holds. `stop` ends both.
 */
export async function startBenchServers(records: number): Promise<{ env: DevServer; emulator: StripeEmulator; stop(): Promise<void> }> {
  const scale = scaleForRecords(records);
  const startedMs = Date.now();
  const [env, emulator] = await Promise.all([startDevServer(), startStripeEmulator({ seed: 42, scale, anchor: DEFAULT_ANCHOR, apiKeys: [BENCH_STRIPE_KEY], rateLimitPerSecond: 0 })]);
  const truth = emulator.truth();
  const { customers, charges, invoices } = truth.streams;
  console.log(
    `Stripe emulator at scale ${scale.toFixed(2)}: ${syncedRecords(truth)} records to sync (${customers.count} customers, ${charges.count} charges, ` +
      `${invoices.count} invoices), ready in ${((Date.now() - startedMs) / 1000).toFixed(1)} s`,
  );
  return {
    env,
    emulator,
    async stop() {
      await env.teardown();
      await emulator.close();
    },
  };
}

/** Writes a config with one sandbox Stripe connection to the emulator in `runDir` (data under `runDir/data`); returns its path. */
export function writeBenchConfig(runDir: string, opts: { connectionId: string; emulatorUrl: string; sync?: Record<string, number>; requestsPerSecond?: number }): string {
  fs.mkdirSync(runDir, { recursive: true });
  const configFile = path.join(runDir, 'cdp.config.yaml');
  const connection = { id: opts.connectionId, source: 'stripe', environment: 'sandbox', base_url: opts.emulatorUrl, credential_env: BENCH_STRIPE_KEY_ENV };
  fs.writeFileSync(
    configFile,
    stringify({
      data_dir: 'data',
      ...(opts.sync ? { sync: opts.sync } : {}),
      connections: [opts.requestsPerSecond ? { ...connection, requests_per_second: opts.requestsPerSecond } : connection],
    }),
  );
  return configFile;
}

/** Starts `cdp worker --queues <queues>` and resolves once it says it is polling. */
export async function spawnWorker(opts: { configFile: string; queues: WorkerQueues; address: string; maxSyncActivities: number; env?: Record<string, string> }): Promise<ChildProcess> {
  const child = spawn(
    process.execPath,
    [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', opts.configFile, 'worker', '--queues', opts.queues, '--address', opts.address, '--max-sync-activities', String(opts.maxSyncActivities)],
    { env: { ...process.env, [BENCH_STRIPE_KEY_ENV]: BENCH_STRIPE_KEY, ...opts.env }, stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let log = '';
  await new Promise<void>((resolve, reject) => {
    child.stderr!.on('data', (chunk: Buffer) => {
      log += chunk.toString();
      if (log.includes('worker polling')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`cdp worker --queues ${opts.queues} exited with ${code} before polling:\n${log}`)));
  });
  return child;
}

/** Waits for `work`, failing at once when the worker dies first (e.g. out of memory under a heap cap) instead of waiting forever. */
export function whileAlive<T>(child: ChildProcess, what: string, work: Promise<T>): Promise<T> {
  const died = new Promise<never>((_, reject) => child.once('exit', (code, signal) => reject(new Error(`the ${what} worker exited (${signal ?? code}) mid-run`))));
  return Promise.race([work, died]);
}

/** Stops a worker with `signal` (SIGTERM: it finishes running activities first; SIGKILL: at once) and waits for it to exit. */
export async function stopWorker(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  await exited;
}

/** The batches landed in the lake's raw tables of the synced streams. */
export async function landedBatches(config: LoadedConfig): Promise<number> {
  return withLake(await openLake(config.storage, config.layout), async (db) => {
    let batches = 0;
    for (const stream of SYNCED_STREAMS) {
      const reader = await db.runAndReadAll(`select count(distinct (connection, sync_id, slice, batch_seq))::int from ${rawTable('stripe', stream)}`);
      batches += Number(reader.getRows()[0]![0]);
    }
    return batches;
  });
}

/**
 * Compares every synced stream's raw table in the lake (rows, distinct primary keys, and the rows the
 * sync reported) and the charges' amounts per currency with the emulator's truth; returns what differs.
 */
export async function checkRawTables(config: LoadedConfig, truth: StripeGroundTruth, reportedRows: Record<string, number>): Promise<string[]> {
  const problems: string[] = [];
  await withLake(await openLake(config.storage, config.layout), async (db) => {
    for (const stream of SYNCED_STREAMS) {
      const reader = await db.runAndReadAll(`select count(*)::int as n, count(distinct primary_key)::int as keys from ${rawTable('stripe', stream)}`);
      const [n, keys] = reader.getRows()[0] as [number, number];
      const expected = truth.streams[stream].count;
      if (n !== expected || keys !== expected || reportedRows[stream] !== expected) {
        problems.push(`${stream}: ${n} rows landed (${keys} distinct keys; the sync reported ${reportedRows[stream]}), the emulator holds ${expected}`);
      }
    }
    const sums = await db.runAndReadAll(`select payload->>'currency' as c, sum((payload->>'amount')::bigint)::bigint::varchar from ${rawTable('stripe', 'charges')} group by 1`);
    const landed = Object.fromEntries(sums.getRows().map(([c, s]) => [String(c), Number(s)]));
    if (JSON.stringify(Object.entries(landed).sort()) !== JSON.stringify(Object.entries(truth.streams.charges.amount_sum_by_currency).sort())) {
      problems.push(`charge amounts per currency landed ${JSON.stringify(landed)}, the emulator holds ${JSON.stringify(truth.streams.charges.amount_sum_by_currency)}`);
    }
  });
  return problems;
}
