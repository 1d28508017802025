// Peak memory of a sync-only worker while it syncs a big Stripe-shaped account, and of the build
// worker beside it that builds what the sync landed.
//
//   npx tsx bench/sync-worker-memory.bench.ts [--records 150000] [--rows-per-file 1000[,5000]] [--sync-heap-mb 0[,192]] [--max-sync-activities 8] [--keep]
//
// It starts a Temporal dev server and the Stripe emulator at the scale that holds about `--records`
// synced records, then for each `--rows-per-file` and each `--sync-heap-mb` (V8's old-space cap for
// the sync worker, `NODE_OPTIONS=--max-old-space-size`; 0 leaves Node's default) runs `cdp worker --queues sync` and
// `cdp worker --queues build` as two processes, syncs the account historically and waits for the build
// the sync asks for. The workers' resident memory is read from /proc (VmRSS sampled every 100 ms,
// VmHWM for the peak), so DuckDB's native memory is in it. It checks every stream's raw table in the
// lake (rows, distinct keys, charge amounts per currency) and the built `core.orders` against the
// emulator's ground truth, and exits 1 when they differ. The memory is reported against the 512 MB
// target, not asserted.
import type { ChildProcess } from 'node:child_process';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { syncTuning, startSync, waitForSync } from '../app/syncs';
import type { StripeEmulator, StripeGroundTruth } from '../emulators/stripe';
import { findConnection, loadConfig, type LoadedConfig } from '../lib/config';
import { BUILD_WORKFLOW_ID, type WorkerQueues } from '../lib/temporal-names';
import type { BuildChainResult } from '../workflows';
import { inBenchDir } from './bench-dir';
import { residentMb, sampleResident } from './process-memory';
import { checkRawTables, landedBatches, spawnWorker as spawnCdpWorker, startBenchServers, stopWorker, whileAlive, writeBenchConfig, type DevServer } from './stripe-sync-harness';

const TARGET_MB = 512;

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '150000' },
    'rows-per-file': { type: 'string', default: '1000' },
    'sync-heap-mb': { type: 'string', default: '0' },
    'max-sync-activities': { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const records = Number(args.records);
const rowsPerFile = args['rows-per-file'].split(',').map(Number);
const syncHeapMb = args['sync-heap-mb'].split(',').map(Number);
const maxSyncActivities = Number(args['max-sync-activities']);
if (!(records > 0) || rowsPerFile.some((n) => !Number.isInteger(n) || n < 1) || syncHeapMb.some((n) => !Number.isInteger(n) || n < 0) || !Number.isInteger(maxSyncActivities)) {
  throw new Error('--records, --rows-per-file and --sync-heap-mb (comma lists) and --max-sync-activities take positive integers (--sync-heap-mb 0: no cap)');
}

interface RunResult {
  rowsPerFile: number;
  syncHeapMb: number;
  syncSeconds: number;
  buildSeconds: number;
  syncStartMb: number;
  syncingMb: number;
  syncPeakMb: number;
  buildPeakMb: number;
  /** Batches landed in the lake's raw tables. */
  batches: number;
}

/** Starts a worker of the bench's config; `heapMb` caps V8's old space (0: Node's default). */
function spawnWorker(configFile: string, queues: WorkerQueues, address: string, heapMb = 0): Promise<ChildProcess> {
  return spawnCdpWorker({ configFile, queues, address, maxSyncActivities, env: heapMb > 0 ? { NODE_OPTIONS: `--max-old-space-size=${heapMb}` } : {} });
}

/** Compares the raw tables in the lake and the built orders with the emulator's truth; returns what differs. */
async function checkAgainstTruth(config: LoadedConfig, truth: StripeGroundTruth, landedRows: Record<string, number>, ordersBuilt: number): Promise<string[]> {
  const problems = await checkRawTables(config, truth, landedRows);
  // An order per charge (one that paid an invoice is that invoice's), and per invoice paid outside Stripe.
  const orders = truth.streams.charges.count + truth.streams.invoices.paid_out_of_band_count;
  if (ordersBuilt !== orders) problems.push(`core.orders holds ${ordersBuilt} rows, the emulator ${orders} charges and invoices paid outside Stripe`);
  return problems;
}

/** One sync and its build in a fresh data folder, with a sync worker and a build worker of their own. */
async function runOnce(dir: string, address: string, client: DevServer['client'], emulator: StripeEmulator, perFile: number, heapMb: number): Promise<{ result: RunResult; problems: string[] }> {
  const runDir = path.join(dir, `rows-per-file-${perFile}-heap-${heapMb}`);
  const configFile = writeBenchConfig(runDir, { connectionId: 'big', emulatorUrl: emulator.url, sync: { rows_per_file: perFile } });
  const config = loadConfig(configFile);
  const syncWorker = await spawnWorker(configFile, 'sync', address, heapMb);
  const buildWorker = await spawnWorker(configFile, 'build', address);
  const syncMemory = sampleResident(syncWorker.pid!);
  const buildMemory = sampleResident(buildWorker.pid!);
  try {
    const syncStartMb = syncMemory.window();
    const syncStart = Date.now();
    const handle = await startSync(client, findConnection(config, 'big'), { mode: 'historical', tuning: syncTuning(config) });
    const synced = await whileAlive(syncWorker, 'sync', waitForSync(handle, () => {}));
    const syncSeconds = (Date.now() - syncStart) / 1000;
    const syncingMb = syncMemory.window();
    const buildStart = Date.now();
    const chain: BuildChainResult = await whileAlive(buildWorker, 'build', client.workflow.getHandle(BUILD_WORKFLOW_ID).result());
    const buildSeconds = (Date.now() - buildStart) / 1000;
    const result: RunResult = {
      rowsPerFile: perFile,
      syncHeapMb: heapMb,
      syncSeconds,
      buildSeconds,
      syncStartMb,
      syncingMb,
      syncPeakMb: residentMb(syncWorker.pid!)?.peakMb ?? syncMemory.peakMb(),
      buildPeakMb: residentMb(buildWorker.pid!)?.peakMb ?? buildMemory.peakMb(),
      batches: await landedBatches(config),
    };
    const landedRows = Object.fromEntries(synced.streams.map((s) => [s.stream, s.rows]));
    const ordersBuilt = chain.build?.models.find((m) => m.model === 'core.orders')?.rows ?? -1;
    return { result, problems: await checkAgainstTruth(config, emulator.truth(), landedRows, ordersBuilt) };
  } finally {
    syncMemory.stop();
    buildMemory.stop();
    await Promise.all([stopWorker(syncWorker), stopWorker(buildWorker)]);
  }
}

await inBenchDir('cdp-sync-worker-bench-', { keep: args.keep }, async (dir) => {
  const { env, emulator, stop } = await startBenchServers(records);
  const problems: string[] = [];
  const results: RunResult[] = [];
  try {
    for (const perFile of rowsPerFile) {
      for (const heapMb of syncHeapMb) {
        const run = await runOnce(dir, env.address, env.client, emulator, perFile, heapMb);
        results.push(run.result);
        problems.push(...run.problems.map((p) => `rows_per_file ${perFile}, heap ${heapMb} MB: ${p}`));
        console.log(JSON.stringify(run.result));
      }
    }
  } finally {
    await stop();
  }
  const heap = (mb: number) => (mb > 0 ? `${mb} MB` : 'default');
  console.log(`\n| rows_per_file | sync activities | sync heap cap | batches | sync | sync worker at start | sync worker while syncing | sync worker peak | build | build worker peak |`);
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const r of results) {
    console.log(`| ${r.rowsPerFile} | ${maxSyncActivities} | ${heap(r.syncHeapMb)} | ${r.batches} | ${r.syncSeconds.toFixed(1)} s | ${r.syncStartMb} MB | ${r.syncingMb} MB | ${r.syncPeakMb} MB | ${r.buildSeconds.toFixed(1)} s | ${r.buildPeakMb} MB |`);
  }
  for (const r of results) {
    console.log(`rows_per_file ${r.rowsPerFile}, heap cap ${heap(r.syncHeapMb)}: sync worker peak ${r.syncPeakMb} MB (target under ${TARGET_MB} MB: ${r.syncPeakMb < TARGET_MB ? 'met' : 'MISSED'})`);
  }
  if (problems.length === 0) console.log('every stream landed and built as the emulator holds it');
  return problems;
});
