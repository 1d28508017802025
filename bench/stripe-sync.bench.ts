// Throughput and crash recovery of a historical Stripe sync through Temporal, end to end.
//
//   npx tsx bench/stripe-sync.bench.ts [--records 150000] [--modes clean,kills] [--runs 1] [--kills 3] [--rps 1000] [--rows-per-file 1000] [--max-sync-activities 8] [--keep]
//
// It starts a Temporal dev server and the Stripe emulator with no rate limit at the scale that holds
// about `--records` synced records, then for each mode and run, on a fresh data folder, runs a
// sync-only worker (`cdp worker --queues sync`) as a child process and times `cdp sync --historical`
// of one connection (`startSync` with no build after it, until the sync workflow completes). The
// connection's own request limit is `--rps` (the most a config allows, so it does not bind); the
// config's `sync` settings are the defaults but for `--rows-per-file`.
//
// - `clean`: the sync undisturbed.
// - `kills`: the worker is killed with SIGKILL `--kills` times while the sync pages, at even steps of
//   the clean run's request count and each after more batches landed, and restarted at once.
//
// Each run reports wall time, records/s, the worker's CPU-seconds during the sync (/proc; every
// process of a `kills` run added up) per record, the history events of the sync's workflow runs
// (continued-as-new runs and child workflows included) per 1,000 records, the emulator's request
// count (and, for `kills`, the extra over the clean run), and every temporary file left in the data
// folder or the lake's data path after the sync: `*.tmp*` files, and data files the lake's catalog
// does not know (a write cut short). It checks every stream's raw table against the emulator's
// ground truth and exits 1 when one differs.
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { DuckDBConnection } from '@duckdb/node-api';
import type { Client } from '@temporalio/client';
import { startSync, syncTuning, waitForSync } from '../app/syncs';
import type { StripeEmulator } from '../emulators/stripe';
import { findConnection, loadConfig, type LoadedConfig } from '../lib/config';
import { withLake } from '../lib/lake/lake-session';
import { lakeLocation, openLake } from '../lib/lake/open-lake';
import { inBenchDir } from './bench-dir';
import { processCpuSeconds } from './process-memory';
import { checkRawTables, spawnWorker, startBenchServers, stopWorker, writeBenchConfig, type DevServer } from './stripe-sync-harness';

const MODES = ['clean', 'kills'] as const;
type Mode = (typeof MODES)[number];

const { values: args } = parseArgs({
  options: {
    records: { type: 'string', default: '150000' },
    modes: { type: 'string', default: 'clean,kills' },
    runs: { type: 'string', default: '1' },
    kills: { type: 'string', default: '3' },
    rps: { type: 'string', default: '1000' },
    'rows-per-file': { type: 'string', default: '1000' },
    'max-sync-activities': { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const records = Number(args.records);
const modes = args.modes.split(',') as Mode[];
const runs = Number(args.runs);
const kills = Number(args.kills);
const rps = Number(args.rps);
const maxSyncActivities = Number(args['max-sync-activities']);
const rowsPerFile = Number(args['rows-per-file']);
if (!(records > 0) || ![runs, kills, rps, maxSyncActivities, rowsPerFile].every((n) => Number.isInteger(n) && n > 0) || modes.some((m) => !MODES.includes(m))) {
  throw new Error(`--records, --runs, --kills, --rps, --rows-per-file and --max-sync-activities take positive integers; --modes a comma list of ${MODES.join(', ')}`);
}

interface RunResult {
  mode: Mode;
  run: number;
  records: number;
  wallSeconds: number;
  cpuSeconds: number;
  historyEvents: number;
  workflowRuns: number;
  /** Attempts of the sync's activities after their first. */
  activityRetries: number;
  requests: number;
  killed: number;
  /** Whole seconds of the sync in which the emulator served no request. */
  idleSeconds: number;
  /** Temporary files left after the sync, relative to the run's folder. */
  leftovers: string[];
}

/** Every file under `dir`, as paths relative to `base`. */
function filesUnder(dir: string, base: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.relative(base, path.join(e.parentPath, e.name)));
}

/** The Parquet files in the lake's data path: one more for every batch landed. */
function lakeDataFiles(config: LoadedConfig): number {
  const dataPath = lakeLocation(config.storage, config.layout).dataPath;
  return filesUnder(dataPath, dataPath).filter((f) => f.endsWith('.parquet')).length;
}

/**
 * Temporary files a sync left: `*.tmp*` anywhere in the data folder or the lake's data path, and
 * files in the lake's data path that its catalog holds neither as data nor as delete files (a write
 * the process did not live to commit).
 */
async function leftoverFiles(config: LoadedConfig, runDir: string): Promise<string[]> {
  const dataPath = lakeLocation(config.storage, config.layout).dataPath;
  const all = [...new Set([...filesUnder(config.layout.root, runDir), ...filesUnder(dataPath, runDir)])];
  const known = await withLake(await openLake(config.storage, config.layout), catalogFiles);
  const inLake = (f: string) => path.resolve(runDir, f).startsWith(path.resolve(dataPath) + path.sep);
  return all.filter((f) => /\.tmp/.test(path.basename(f)) || (inLake(f) && !known.has(path.resolve(runDir, f)))).sort();
}

/** The absolute paths of every data and delete file the lake's catalog holds, of any snapshot. */
async function catalogFiles(db: DuckDBConnection): Promise<Set<string>> {
  const files = new Set<string>();
  const tables = await db.runAndReadAll(`select table_schema, table_name from information_schema.tables where table_catalog = 'lake'`);
  for (const [schema, table] of tables.getRows()) {
    const listed = await db.runAndReadAll(`select data_file, delete_file from ducklake_list_files('lake', $1, schema => $2)`, [String(table), String(schema)]);
    for (const [data, del] of listed.getRows()) {
      for (const f of [data, del]) if (f) files.add(path.resolve(String(f)));
    }
  }
  return files;
}

/** The history events of a workflow run, the runs it continued as, and the child workflows they started; and the activities' retries. */
async function historyEvents(client: Client, workflowId: string, runId: string): Promise<{ events: number; runs: number; retries: number }> {
  let events = 0;
  let runs = 0;
  let retries = 0;
  type Run = { workflowId: string; runId: string };
  let next: Run | undefined = { workflowId, runId };
  const pending: Run[] = [];
  while (next) {
    const current: Run = next;
    const list = (await client.workflow.getHandle(current.workflowId, current.runId).fetchHistory()).events ?? [];
    events += list.length;
    runs += 1;
    for (const e of list) {
      retries += Math.max(0, (e.activityTaskStartedEventAttributes?.attempt ?? 1) - 1);
      const child = e.childWorkflowExecutionStartedEventAttributes?.workflowExecution;
      if (child?.workflowId && child.runId) pending.push({ workflowId: child.workflowId, runId: child.runId });
    }
    const continued = list.at(-1)?.workflowExecutionContinuedAsNewEventAttributes?.newExecutionRunId;
    next = continued ? { workflowId: current.workflowId, runId: continued } : pending.shift();
  }
  return { events, runs, retries };
}

/**
 * Kills the worker with SIGKILL at even steps of the expected requests, each once more batches have
 * landed since the last, and starts a new one at once. Hands back the CPU-seconds of the killed processes.
 */
function killDuringSync(opts: {
  kills: number;
  expectedRequests: number;
  requestsSoFar: () => number;
  batchesSoFar: () => number;
  worker: () => ChildProcess;
  restart: () => Promise<void>;
  finished: () => boolean;
}): Promise<{ killed: number; cpuSeconds: number }> {
  const minBatchesBetween = 4;
  const startedMs = Date.now();
  return (async () => {
    let killed = 0;
    let cpuSeconds = 0;
    let batchesAtLastKill = opts.batchesSoFar();
    while (killed < opts.kills && !opts.finished()) {
      await new Promise((r) => setTimeout(r, 50));
      const due = (opts.expectedRequests * (killed + 1)) / (opts.kills + 1);
      if (opts.requestsSoFar() < due || opts.batchesSoFar() < batchesAtLastKill + minBatchesBetween || opts.finished()) continue;
      const pid = opts.worker().pid!;
      cpuSeconds += processCpuSeconds(pid);
      await stopWorker(opts.worker(), 'SIGKILL');
      killed += 1;
      batchesAtLastKill = opts.batchesSoFar();
      const killedMs = Date.now();
      const requestsAtKill = opts.requestsSoFar();
      await opts.restart();
      console.log(
        `  kill ${killed}: ${((killedMs - startedMs) / 1000).toFixed(1)} s into the sync, at ${requestsAtKill} requests and ${batchesAtLastKill} data files in the lake; ` +
          `the new worker polled ${((Date.now() - killedMs) / 1000).toFixed(1)} s later`,
      );
    }
    return { killed, cpuSeconds };
  })();
}

async function runOnce(dir: string, env: DevServer, emulator: StripeEmulator, mode: Mode, run: number, cleanRequests: number | undefined): Promise<{ result: RunResult; problems: string[] }> {
  const runDir = path.join(dir, `${mode}-${run}`);
  fs.rmSync(runDir, { recursive: true, force: true });
  const connectionId = `stripe_${mode}_${run}`;
  const configFile = writeBenchConfig(runDir, { connectionId, emulatorUrl: emulator.url, requestsPerSecond: rps, sync: { rows_per_file: rowsPerFile } });
  const config = loadConfig(configFile);
  const start = () => spawnWorker({ configFile, queues: 'sync', address: env.address, maxSyncActivities });
  let worker = await start();
  let startCpu = processCpuSeconds(worker.pid!);
  let finished = false;
  try {
    const requestsBefore = emulator.stats().requests;
    const startedMs = Date.now();
    const handle = await startSync(env.client, findConnection(config, connectionId), { mode: 'historical', tuning: syncTuning(config), buildAfter: false });
    let endedMs = 0;
    const completed = handle.result().then(() => {
      endedMs = Date.now();
    });
    const killer =
      mode === 'kills'
        ? killDuringSync({
            kills,
            expectedRequests: cleanRequests ?? records / 100,
            requestsSoFar: () => emulator.stats().requests - requestsBefore,
            batchesSoFar: () => lakeDataFiles(config),
            worker: () => worker,
            restart: async () => {
              worker = await start();
              startCpu = processCpuSeconds(worker.pid!);
            },
            finished: () => finished,
          })
        : Promise.resolve({ killed: 0, cpuSeconds: 0 });
    // Seconds in which the emulator served no request: the sync waiting (for a dead worker's timeout).
    let idleSeconds = 0;
    let requestsAtLastSecond = emulator.stats().requests;
    const idle = setInterval(() => {
      const now = emulator.stats().requests;
      if (now === requestsAtLastSecond) idleSeconds += 1;
      requestsAtLastSecond = now;
    }, 1000);
    const synced = await waitForSync(handle, () => {}).finally(() => clearInterval(idle));
    await completed;
    finished = true;
    const killedRuns = await killer;
    const cpuSeconds = killedRuns.cpuSeconds + processCpuSeconds(worker.pid!) - startCpu;
    const requests = emulator.stats().requests - requestsBefore;
    const leftovers = await leftoverFiles(config, runDir);
    const history = await historyEvents(env.client, handle.workflowId, handle.firstExecutionRunId);
    const landed = Object.fromEntries(synced.streams.map((s) => [s.stream, s.rows]));
    const result: RunResult = {
      mode,
      run,
      records: synced.streams.reduce((sum, s) => sum + s.rows, 0),
      wallSeconds: (endedMs - startedMs) / 1000,
      cpuSeconds,
      historyEvents: history.events,
      workflowRuns: history.runs,
      activityRetries: history.retries,
      requests,
      killed: killedRuns.killed,
      idleSeconds,
      leftovers,
    };
    const problems = await checkRawTables(config, emulator.truth(), landed);
    if (mode === 'kills' && killedRuns.killed < kills) problems.push(`the sync finished after ${killedRuns.killed} of ${kills} kills`);
    return { result, problems };
  } finally {
    finished = true;
    await stopWorker(worker);
  }
}

const loadAverage = () => os.loadavg().map((l) => l.toFixed(2)).join(' / ');

await inBenchDir('cdp-stripe-sync-bench-', { keep: args.keep }, async (dir) => {
  const { env, emulator, stop } = await startBenchServers(records);
  const problems: string[] = [];
  const results: RunResult[] = [];
  const loadBefore = loadAverage();
  try {
    // A kills run is measured against a clean run of the same invocation: one goes first when none was asked for.
    const order: Mode[] = modes.includes('kills') && !modes.includes('clean') ? ['clean', ...modes] : [...modes];
    for (let run = 1; run <= runs; run++) {
      for (const mode of order) {
        const clean = results.filter((r) => r.mode === 'clean').at(-1)?.requests;
        const { result, problems: found } = await runOnce(dir, env, emulator, mode, run, clean);
        results.push(result);
        problems.push(...found.map((p) => `${mode} run ${run}: ${p}`));
        console.log(JSON.stringify({ ...result, loadAverage: loadAverage() }));
      }
    }
  } finally {
    await stop();
  }
  console.log(`\nmachine: ${os.cpus().length} cores; load average (1 / 5 / 15 min) before ${loadBefore}, after ${loadAverage()}`);
  console.log('\n| mode | run | records | wall | records/s | worker CPU | CPU per record | history events | events per 1k records | requests | extra requests | batch retries | seconds without a request | temp files left |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |');
  for (const r of results) {
    const clean = results.filter((c) => c.mode === 'clean' && c.run <= r.run).at(-1) ?? results.find((c) => c.mode === 'clean');
    const extra = r.mode === 'kills' && clean ? `${(((r.requests - clean.requests) / clean.requests) * 100).toFixed(1)} % (${r.killed} kills)` : '';
    console.log(
      `| ${r.mode} | ${r.run} | ${r.records} | ${r.wallSeconds.toFixed(1)} s | ${Math.round(r.records / r.wallSeconds)} | ${r.cpuSeconds.toFixed(1)} s | ${Math.round((r.cpuSeconds / r.records) * 1e6)} µs ` +
        `| ${r.historyEvents} (${r.workflowRuns} runs) | ${((r.historyEvents / r.records) * 1000).toFixed(2)} | ${r.requests} | ${extra} | ${r.activityRetries} | ${r.idleSeconds} | ${r.leftovers.length === 0 ? 'none' : r.leftovers.join(', ')} |`,
    );
  }
  if (problems.length === 0) console.log('\nevery stream landed as the emulator holds it');
  return problems;
});
