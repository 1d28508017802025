/**
 * Many accounts: how the wall time of syncing many connections at once scales with the number of
 * sync workers on one shared lake (PostgreSQL catalog, S3 data on moto's server).
 *
 * Several emulator sets (every source, each set its own world: another seed) give `--connections`
 * connections, as an agency's many clients would. For each worker count in `--workers`, that many
 * `cdp worker --queues sync` processes start, each in an empty directory of its own, on a new lake
 * (a new catalog database and data prefix); once every worker polls, a historical sync of every
 * connection starts at once, and the wall time (and the workers' CPU) runs until the last one finishes. Every sync's rows per stream are checked
 * against its emulator's ground truth; a difference fails the run (exit 1).
 *
 *   npx tsx bench/many-accounts.bench.ts [--connections 50] [--workers 1,2,3] [--scale 0.03] [--latency-ms 20] [--max-sync-activities 8] [--keep]
 */
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { stringify } from 'yaml';
import { startSync, syncTuning, waitForSync } from '../app/syncs';
import { connectClient } from '../app/temporal';
import { stopBackground } from '../cli/background';
import { ensureDevServer } from '../cli/dev-server';
import { findConnection, loadConfig } from '../lib/config';
import { ensureTemporalCli } from '../lib/temporal-cli';
import { SYNC_TASK_QUEUE } from '../lib/temporal-names';
import { startLakeServers } from '../test/support/lake-servers';
import { freePort, killHard, spawnWorker, waitFor } from '../test/support/processes';
import { expectedRows, startSourceEmulators, type SourceEmulators } from '../test/support/source-emulators';
import { processCpuSeconds } from './process-memory';

const { values: args } = parseArgs({
  options: {
    connections: { type: 'string', default: '50' },
    workers: { type: 'string', default: '1,2,3' },
    scale: { type: 'string', default: '0.03' },
    'latency-ms': { type: 'string', default: '20' },
    'max-sync-activities': { type: 'string', default: '8' },
    keep: { type: 'boolean', default: false },
  },
});
const connectionsWanted = Number(args.connections);
const workerCounts = args.workers.split(',').map(Number);
const scale = Number(args.scale);
const latencyMs = Number(args['latency-ms']);
if (!(connectionsWanted > 0) || workerCounts.some((n) => !Number.isInteger(n) || n < 1) || !(scale > 0) || !(latencyMs >= 0)) {
  console.error('usage: --connections N --workers 1,2,3 --scale S --latency-ms MS');
  process.exit(2);
}

/** Emulator sets enough for the connections asked, each connection's id and key variables suffixed with its set. */
async function startAccounts(count: number): Promise<{ sets: SourceEmulators[]; connections: Record<string, unknown>[]; env: Record<string, string>; expected: Record<string, Record<string, number>> }> {
  const sets: SourceEmulators[] = [];
  const connections: Record<string, unknown>[] = [];
  const env: Record<string, string> = {};
  const expected: Record<string, Record<string, number>> = {};
  for (let set = 1; connections.length < count; set++) {
    const e = await startSourceEmulators(100 + set, scale);
    e.setLatency(latencyMs);
    sets.push(e);
    const truth = await expectedRows(e);
    const rename = (name: unknown) => (typeof name === 'string' && name.startsWith('CDP_') ? `${name}_${set}` : name);
    for (const [k, v] of Object.entries(e.env)) env[`${k}_${set}`] = v;
    for (const c of e.connections) {
      if (connections.length >= count) break;
      const id = `${String(c.id)}-${set}`;
      const lwa = c.lwa as Record<string, unknown> | undefined;
      connections.push({
        ...c,
        id,
        credential_env: rename(c.credential_env),
        ...(lwa ? { lwa: Object.fromEntries(Object.entries(lwa).map(([k, v]) => [k, k.endsWith('_env') ? rename(v) : v])) } : {}),
      });
      expected[id] = truth[String(c.id)]!;
    }
  }
  return { sets, connections, env, expected };
}

const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-many-accounts-'));
const servers = await startLakeServers();
const accounts = await startAccounts(connectionsWanted);
const [port, uiPort] = [await freePort(), await freePort()];
const temporalDir = path.join(root, 'temporal');
fs.mkdirSync(temporalDir);
await ensureDevServer({ cliPath: ensureTemporalCli(), dbFile: path.join(temporalDir, 'temporal.db'), runDir: temporalDir, host: '127.0.0.1', port, uiPort, namespace: 'default' });
const address = `127.0.0.1:${port}`;
const client = await connectClient({ address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE });
Object.assign(process.env, servers.env, accounts.env);

interface Run {
  workers: number;
  rows: number;
  wallS: number;
  workersCpuS: number;
  problems: string[];
}
const runs: Run[] = [];
let children: ChildProcess[] = [];
try {
  for (const count of workerCounts) {
    // A new lake per run: its own catalog database and data prefix.
    const database = `cdp_many_${count}_${runs.length}`;
    await servers.postgres.createDatabase(database);
    const storage = { ...servers.storage, catalog: servers.storage.catalog!.replace(/dbname=\S+/, `dbname=${database}`), data_path: `s3://cdp-lake/${database}/` };
    const dir = path.join(root, `run-${database}`);
    fs.mkdirSync(dir);
    const configFile = path.join(dir, 'cdp.config.yaml');
    fs.writeFileSync(configFile, stringify({ data_dir: 'data', storage, sync: { historical_slices: 1, report_poll_seconds: 0.5, report_max_poll_seconds: 2 }, connections: accounts.connections }));
    const config = loadConfig(configFile);
    children = Array.from({ length: count }, (_, i) => {
      const cwd = fs.mkdtempSync(path.join(dir, `worker-${i}-`));
      return spawnWorker({
        configFile,
        address,
        env: { ...servers.env, ...accounts.env, CDP_DATA_DIR: path.join(cwd, 'data') },
        logFile: path.join(dir, `worker-${i}.log`),
        args: ['--queues', 'sync', '--max-sync-activities', args['max-sync-activities']],
        cwd,
      });
    });
    // The clock starts once every worker polls: a worker's start (compiling, bundling the workflows) is not syncing.
    const logs = children.map((_, i) => path.join(dir, `worker-${i}.log`));
    await waitFor(() => logs.every((f) => fs.existsSync(f) && /state: 'RUNNING'/.test(fs.readFileSync(f, 'utf8'))), 300_000, 'the workers to poll');
    const cpuAtStart = children.reduce((s, c) => s + processCpuSeconds(c.pid!), 0);
    const started = performance.now();
    const handles = await Promise.all(
      accounts.connections.map((c) => startSync(client, findConnection(config, String(c.id)), { mode: 'historical', buildAfter: false, tuning: syncTuning(config) })),
    );
    const results = await Promise.all(handles.map((h) => waitForSync(h, () => {})));
    const wallS = (performance.now() - started) / 1000;
    const workersCpuS = children.reduce((s, c) => s + processCpuSeconds(c.pid!), 0) - cpuAtStart;
    for (const c of children) await killHard(c);
    children = [];
    const problems: string[] = [];
    let rows = 0;
    for (const r of results) {
      const landed = Object.fromEntries(r.streams.map((s) => [s.stream, s.rows]));
      rows += r.streams.reduce((n, s) => n + s.rows, 0);
      const want = accounts.expected[r.connectionId]!;
      for (const [stream, n] of Object.entries(want)) if (landed[stream] !== n) problems.push(`${r.connectionId}.${stream}: landed ${landed[stream]}, the emulator holds ${n}`);
    }
    runs.push({ workers: count, rows, wallS, workersCpuS, problems });
    console.log(`${count} worker(s): ${accounts.connections.length} connections, ${rows} rows in ${wallS.toFixed(1)} s, workers' CPU ${workersCpuS.toFixed(1)} s${problems.length ? `; ${problems.length} differences` : ''}`);
  }
} finally {
  for (const c of children) await killHard(c);
  await client.connection.close();
  await stopBackground(temporalDir, 'temporal');
  await Promise.all(accounts.sets.map((s) => s.close()));
  await servers.stop();
  if (!args.keep) fs.rmSync(root, { recursive: true, force: true });
}

const base = runs.find((r) => r.workers === 1)?.wallS;
console.log(`\nmachine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}`);
console.log('| sync workers | connections | rows | wall | rows/s | speed-up over one worker | workers CPU |');
console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
for (const r of runs) {
  console.log(`| ${r.workers} | ${accounts.connections.length} | ${r.rows.toLocaleString('en-US')} | ${r.wallS.toFixed(1)} s | ${Math.round(r.rows / r.wallS).toLocaleString('en-US')} | ${base ? `${(base / r.wallS).toFixed(2)}×` : '–'} | ${r.workersCpuS.toFixed(1)} s |`);
}
const problems = runs.flatMap((r) => r.problems.map((p) => `${r.workers} worker(s): ${p}`));
if (problems.length > 0) {
  console.error(problems.join('\n'));
  process.exit(1);
}
