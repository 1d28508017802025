// Full warehouse rebuild time and peak memory at growing order counts.
//
//   npx tsx bench/rebuild.bench.ts [--orders 100000,1000000,10000000] [--customers-per-order 0.1]
//     [--memory-limit 2GB] [--threads N] [--models <dir>] [--no-segments] [--profile] [--keep]
//     [--lake embedded|postgres-s3]
//   npx tsx bench/rebuild.bench.ts --reuse <dir> [...]   # a dir kept by --keep: builds again, no generating
//
// For each size it writes synthetic raw Parquet the way file landing did (the envelope columns and a
// JSON payload per record: Stripe customers, and charges with customer, amount, refunds, status,
// billing details and UTM metadata) and imports it into the lake's raw tables (`cdp lake
// import-files`; a reused folder whose lake lacks them is imported once), then runs the production build (`buildWarehouse`, every model
// of `models/` and its tests, under the config's `warehouse.memory_limit` and `threads`), then
// materializes the project's segments (`segments/*.yaml` and the generated `customers`), as the
// demo's build chain does, in a child process. It reports the child's wall time (models and
// segments apart), peak RSS (VmHWM, which includes DuckDB's native memory) and the warehouse
// file's size. It checks the built `core.orders` and `core.customers` against what it wrote (row
// counts, money and statuses), and each segment's members against a count taken straight from the
// raw charges, and exits 1 when they differ. `--profile` prints each model's build and test time
// and its CPU time, most CPU first. Each run also prints the build's phases: the copy of the lake's
// raw tables into the warehouse file (`raw.*`), the models, and publishing them into the lake (`lake.*`).
//
// `--lake postgres-s3` puts the lake on a throwaway PostgreSQL catalog and S3 data path
// (test/support/lake-servers.ts), new for each run: the config's `storage:` names them, their secrets
// go to the building child in its environment, and the raw Parquet is imported into that lake before
// the build. A reused folder is then only read: the config, the warehouse and the segments are
// written to a folder of their own. It also reports the servers' CPU time during the build.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { materializeSegments } from '../lib/segments/materialize';
import { buildWarehouse, type ModelTiming } from '../lib/warehouse/build-warehouse';
import { loadConfig } from '../lib/config';
import { closeLakes, LAKE, openLake } from '../lib/lake/open-lake';
import { landedStreams, RAW_SCHEMA, rawTable, rawTableName } from '../lib/lake/raw-tables';
import { PROJECT_ROOT } from '../lib/paths';
import { sqlString } from '../lib/sql';
import { exportLakeEnv, startLakeServers } from '../test/support/lake-servers';
import { processTreeCpuSeconds } from './process-memory';
import { expectedStripeOrders, importSyntheticIntoLake, readOrderFigures, writeBenchConfig, writeSyntheticStripe, type OrderFigures } from './synthetic-stripe';

interface RunResult {
  ms: number;
  /** Materializing the segments after the models, when the run does. */
  segmentsMs?: number;
  segmentsCpuMs?: number;
  segments?: Record<string, number>;
  failedSegments?: string[];
  /** CPU time of the child (user and system, all threads): steadier than wall time on a shared machine. */
  cpuMs: number;
  peakRssMb: number;
  warehouseBytes: number;
  customers: number;
  orders: OrderFigures;
  timings: StepTiming[];
}

/** A model's timing (or the raw copy's, or the publishing's) with the CPU it took, and the lake servers' CPU meanwhile when there are servers. */
type StepTiming = ModelTiming & { cpuMs: number; postgresCpuMs?: number; s3CpuMs?: number };

/** The lake servers' process ids, PostgreSQL's and the S3 server's, when the lake is on servers. */
type ServerPids = [postgres: number, s3: number];

/** CPU milliseconds the lake's servers have used so far: PostgreSQL's (the postmaster and its backends) and the S3 server's. */
const serversCpuMs = (pids: ServerPids) => pids.map((pid) => processTreeCpuSeconds(pid) * 1000) as [number, number];

/** The child: builds the warehouse of the config it is given and prints time, peak RSS, size and the built figures as JSON. */
async function runChild(configFile: string, modelsDir: string, withSegments: boolean, serverPids: ServerPids | undefined): Promise<void> {
  const config = loadConfig(configFile);
  const timings: StepTiming[] = [];
  // Models build one after another, so the process's CPU time between a model's start and end is its own.
  let cpuAtStart = process.cpuUsage();
  let serversAtStart = serverPids && serversCpuMs(serverPids);
  const result = await buildWarehouse(config, {
    modelsDir,
    onProgress: () => {
      cpuAtStart = process.cpuUsage();
      serversAtStart = serverPids && serversCpuMs(serverPids);
    },
    onModelBuilt: (t) => {
      const cpu = process.cpuUsage(cpuAtStart);
      const servers = serverPids && serversCpuMs(serverPids).map((ms, i) => ms - serversAtStart![i]!);
      timings.push({ ...t, cpuMs: (cpu.user + cpu.system) / 1000, ...(servers && { postgresCpuMs: servers[0], s3CpuMs: servers[1] }) });
    },
  });
  const cpu = process.cpuUsage();
  let segmentRun: Pick<RunResult, 'segmentsMs' | 'segmentsCpuMs' | 'segments' | 'failedSegments'> = {};
  if (withSegments) {
    const materialized = await materializeSegments(config);
    const segmentsCpu = process.cpuUsage(cpu);
    segmentRun = {
      segmentsMs: materialized.durationMs,
      segmentsCpuMs: (segmentsCpu.user + segmentsCpu.system) / 1000,
      segments: Object.fromEntries(materialized.segments.map((o) => [o.segment, o.members])),
      failedSegments: materialized.failed.map((f) => `${f.segment}: ${f.error}`),
    };
  }
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const peakRssMb = hwm ? Math.round(Number(hwm[1]) / 1024) : -1;
  const instance = await DuckDBInstance.create(result.warehouse, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  try {
    const read = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS()[0] as Record<string, unknown>;
    const orders = await readOrderFigures(db);
    const c = await read('SELECT count(*) AS n FROM core.customers');
    const out: RunResult = { ms: result.durationMs, cpuMs: (cpu.user + cpu.system) / 1000, ...segmentRun, peakRssMb, warehouseBytes: fs.statSync(result.warehouse).size, customers: Number(c.n), orders, timings };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const mb = (bytes: number) => `${(bytes / 2 ** 20).toLocaleString('en', { maximumFractionDigits: 0 })} MB`;

/** Sizes of the raw tables' Parquet in the config's lake (its folder or its bucket), in bytes, as its catalog lists them. */
async function rawSize(configFile: string): Promise<number> {
  const config = loadConfig(configFile);
  const db = await (await openLake(config.storage, config.layout)).connect();
  try {
    let bytes = 0;
    for (const { source, stream } of await landedStreams(db)) {
      const files = await db.runAndReadAll(`SELECT sum(data_file_size_bytes) AS bytes FROM ducklake_list_files(${sqlString(LAKE)}, ${sqlString(rawTableName(source, stream))}, schema => ${sqlString(RAW_SCHEMA)})`);
      bytes += Number(files.getRowObjectsJS()[0]?.bytes ?? 0);
    }
    return bytes;
  } finally {
    db.closeSync();
    await closeLakes();
  }
}

/** The build's phases, wall and CPU: the raw copy (`raw.*`), the models (and the rest of the build), the publishing (`lake.*`). */
function phases(r: RunResult): string {
  const step = (name: string): Partial<StepTiming> => r.timings.find((t) => t.model === name) ?? {};
  const raw = step('raw.*');
  const publish = step('lake.*');
  const s = (ms = 0) => `${(ms / 1000).toFixed(1)} s`;
  const onServers = (t: Partial<StepTiming>) => (t.postgresCpuMs === undefined ? '' : `; PostgreSQL ${s(t.postgresCpuMs)}, S3 ${s(t.s3CpuMs)}`);
  return [
    `raw copy ${s(raw.buildMs)} (CPU ${s(raw.cpuMs)}${onServers(raw)})`,
    `models ${s(r.ms - (raw.buildMs ?? 0) - (publish.buildMs ?? 0))} (CPU ${s(r.cpuMs - (raw.cpuMs ?? 0) - (publish.cpuMs ?? 0))})`,
    `publish ${s(publish.buildMs)} (CPU ${s(publish.cpuMs)}${onServers(publish)})`,
  ].join(', ');
}

/**
 * The members each project segment must have over the synthetic data, counted straight from the raw
 * charges: every customer is its own person (distinct emails, or none), `orders_count` counts the
 * succeeded charges, the generated `customers` segment is everyone with one, and the data has no
 * tags, products or subscriptions for the other segments to find.
 */
async function expectedSegments(configFile: string): Promise<Record<string, number>> {
  const config = loadConfig(configFile);
  const db = await (await openLake(config.storage, config.layout)).connect();
  try {
    const rows = await db.runAndReadAll(`SELECT count(*) FILTER (WHERE paid >= 1) AS customers, count(*) FILTER (WHERE paid = 3) AS three
      FROM (SELECT payload->>'customer' AS customer, count(*) FILTER (WHERE payload->>'status' = 'succeeded') AS paid
        FROM ${rawTable('stripe', 'charges')} GROUP BY ALL)`);
    const r = rows.getRowObjectsJS()[0] as Record<string, bigint>;
    return {
      customers: Number(r.customers),
      'three-orders-with-name': Number(r.three),
      'lapsed-high-spenders': 0,
      'recent-course-buyers': 0,
      'subscribers-or-vip': 0,
      'tagged-customers': 0,
    };
  } finally {
    db.closeSync();
    await closeLakes();
  }
}

function printProfile(timings: StepTiming[]): void {
  const totalCpu = timings.reduce((s, t) => s + t.cpuMs, 0);
  console.log(`\n| model | rows | build | tests | CPU (build and tests) | share of CPU |`);
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const t of [...timings].sort((a, b) => b.cpuMs - a.cpuMs)) {
    if (t.cpuMs < 50) continue;
    console.log(`| \`${t.model}\` | ${t.rows === null ? 'view' : t.rows.toLocaleString('en')} | ${(t.buildMs / 1000).toFixed(2)} s | ${(t.testMs / 1000).toFixed(2)} s | ${(t.cpuMs / 1000).toFixed(2)} s | ${((t.cpuMs / totalCpu) * 100).toFixed(0)}% |`);
  }
  console.log(`(models under 50 ms of CPU left out; ${(totalCpu / 1000).toFixed(1)} s of CPU in all models and tests)\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      keep: { type: 'boolean', default: false },
      profile: { type: 'boolean', default: false },
      orders: { type: 'string', default: '100000,1000000,10000000' },
      'customers-per-order': { type: 'string', default: '0.1' },
      'memory-limit': { type: 'string' },
      threads: { type: 'string' },
      models: { type: 'string', default: path.join(PROJECT_ROOT, 'models') },
      'no-segments': { type: 'boolean', default: false },
      lake: { type: 'string', default: 'embedded' },
      reuse: { type: 'string' },
      child: { type: 'string' },
      'server-pids': { type: 'string' },
    },
  });
  const modelsDir = path.resolve(values.models);
  const withSegments = !values['no-segments'];
  if (values.child) return runChild(values.child, modelsDir, withSegments, values['server-pids']?.split(',').map(Number) as ServerPids | undefined);
  if (values.lake !== 'embedded' && values.lake !== 'postgres-s3') throw new Error(`--lake must be embedded or postgres-s3, got "${values.lake}"`);
  const ratio = Number(values['customers-per-order']);
  const warehouse = { memory_limit: values['memory-limit'], threads: values.threads === undefined ? undefined : Number(values.threads) };
  // With --reuse the sizes are the kept dir's: its file names them.
  const runs = values.reuse
    ? [JSON.parse(fs.readFileSync(path.join(values.reuse, 'bench-size.json'), 'utf8')) as { orders: number; customers: number }]
    : values.orders.split(',').map(Number).map((orders) => ({ orders, customers: Math.max(1, Math.round(orders * ratio)) }));
  console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; models ${path.relative(PROJECT_ROOT, modelsDir) || '.'}; lake ${values.lake}`);
  console.log('| orders | customers | raw in the lake | generate | import into the lake | models | segments | build in all | CPU | peak RSS | warehouse | warehouse per 1M orders |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  let failed = false;
  for (const { orders, customers } of runs) {
    const dir = values.reuse ?? fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-rebuild-bench-'));
    // A new lake on its own servers for each run; their secrets in this process's environment for the import and the checks.
    const servers = values.lake === 'postgres-s3' ? await startLakeServers() : undefined;
    const restoreEnv = servers ? exportLakeEnv(servers.env) : undefined;
    // With servers a reused folder is only read: what the run writes goes to a folder of its own.
    const workDir = servers && values.reuse ? fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-rebuild-bench-lake-')) : dir;
    try {
      const configFile = writeBenchConfig(workDir, warehouse, servers?.storage);
      let genMs = 0;
      if (!values.reuse) {
        const genStart = Date.now();
        await writeSyntheticStripe(dir, orders, customers, servers?.storage);
        genMs = Date.now() - genStart;
        fs.writeFileSync(path.join(dir, 'bench-size.json'), JSON.stringify({ orders, customers }));
      }
      // A reused folder of Parquet only moves into the lake once; generating imports as it writes.
      const importMs = values.reuse ? await importSyntheticIntoLake(dir, servers?.storage) : 0;
      // The project's segments, as the demo materializes them after each build (none with --no-segments).
      const segmentsDir = path.join(workDir, 'segments');
      fs.rmSync(segmentsDir, { recursive: true, force: true });
      fs.mkdirSync(segmentsDir);
      if (withSegments) for (const f of fs.readdirSync(path.join(PROJECT_ROOT, 'segments'))) fs.copyFileSync(path.join(PROJECT_ROOT, 'segments', f), path.join(segmentsDir, f));
      const loadBefore = os.loadavg()[0]!;
      const serverPids: ServerPids | undefined = servers && [servers.postgres.pid, servers.s3.pid];
      const serversCpuBefore = serverPids && serversCpuMs(serverPids);
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'rebuild.bench.ts'), '--child', configFile, '--models', modelsDir, ...(withSegments ? [] : ['--no-segments']), ...(serverPids ? ['--server-pids', serverPids.join(',')] : [])], {
        encoding: 'utf8',
        cwd: PROJECT_ROOT,
        env: { ...process.env, ...servers?.env },
        maxBuffer: 64 * 2 ** 20,
      });
      const serversCpu = serverPids && serversCpuMs(serverPids).map((ms, i) => (ms - serversCpuBefore![i]!) / 1000);
      const loadAfter = os.loadavg()[0]!;
      if (child.status !== 0) throw new Error(`rebuild of ${orders} orders failed:\n${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as RunResult;
      // Every charge is an order; customers without email (1 in 50) stay their own person, the rest are distinct emails.
      const expected = expectedStripeOrders(orders, customers);
      for (const key of Object.keys(expected) as (keyof OrderFigures)[]) {
        if (r.orders[key] !== expected[key]) {
          failed = true;
          console.error(`core.orders ${key}: built ${r.orders[key]}, the data written gives ${expected[key]}`);
        }
      }
      if (r.customers !== customers) {
        failed = true;
        console.error(`core.customers: built ${r.customers} rows, wrote ${customers} customers`);
      }
      if (withSegments) {
        for (const failure of r.failedSegments ?? []) {
          failed = true;
          console.error(`segment failed: ${failure}`);
        }
        for (const [segment, members] of Object.entries(await expectedSegments(configFile))) {
          if (r.segments?.[segment] !== members) {
            failed = true;
            console.error(`segment ${segment}: ${r.segments?.[segment] ?? 'no'} members, the raw charges give ${members}`);
          }
        }
      }
      const perMillion = r.warehouseBytes / (orders / 1e6);
      const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
      const segmentsCell = r.segmentsMs === undefined ? 'not run' : `${seconds(r.segmentsMs)} (CPU ${seconds(r.segmentsCpuMs!)})`;
      console.log(`| ${orders.toLocaleString('en')} | ${customers.toLocaleString('en')} | ${mb(await rawSize(configFile))} | ${values.reuse ? 'reused' : seconds(genMs)} | ${values.reuse ? seconds(importMs) : 'in generate'} | ${seconds(r.ms)} | ${segmentsCell} | ${seconds(r.ms + (r.segmentsMs ?? 0))} | ${seconds(r.cpuMs + (r.segmentsCpuMs ?? 0))} | ${r.peakRssMb.toLocaleString('en')} MB | ${mb(r.warehouseBytes)} | ${mb(perMillion)} |`);
      const onServers = servers && serversCpu ? `; servers' CPU in the whole run: PostgreSQL ${serversCpu[0]!.toFixed(1)} s, S3 ${serversCpu[1]!.toFixed(1)} s; ${(await servers.s3.listKeys('cdp-lake')).length} objects in S3` : '';
      console.log(`phases: ${phases(r)}${onServers}; load ${loadBefore.toFixed(1)} to ${loadAfter.toFixed(1)}`);
      if (r.segments) console.log(`segment members: ${Object.entries(r.segments).map(([name, n]) => `${name} ${n.toLocaleString('en')}`).join(', ')}`);
      if (values.profile) printProfile(r.timings);
    } finally {
      restoreEnv?.();
      await servers?.stop();
      if (values.keep || values.reuse) console.log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
      if (workDir !== dir) {
        if (values.keep) console.log(`kept ${workDir} (its lake's servers are gone)`);
        else fs.rmSync(workDir, { recursive: true, force: true });
      }
    }
  }
  if (failed) process.exit(1);
}

await main();
