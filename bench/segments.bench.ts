// Segment materialization time and peak memory: 50 segments over about a million customers.
//
//   npx tsx bench/segments.bench.ts [--orders 2000000] [--customers-per-order 0.5] [--keep]
//   npx tsx bench/segments.bench.ts --reuse <dir>
//
// It writes the synthetic Stripe data of `synthetic-stripe.ts` and builds the warehouse with the
// child of `rebuild.bench.ts` (or reuses a directory kept by `--keep` of either bench: its segment
// files and the segment store, in the lake and any Parquet one from before, are replaced), writes the 50 definitions of `bench-segments.ts`
// into the config's segments dir, and runs the production `materializeSegments` twice in a child
// process: first with no history (every member enters), then again a millisecond later (nothing
// changes). For each run it reports wall time, the part spent in the per-segment queries, and peak
// RSS (process.memoryUsage().rss sampled every 5 ms, DuckDB's native memory included). It exits 1
// when a segment fails, a count differs from what the data fixes, or the second run changes anything.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { materializeSegments, type MaterializeResult } from '../lib/segments/materialize';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';
import { openSegmentStore } from '../lib/segments/open-segment-store';
import { baseAndLaterFiles, parquetSegmentStore } from '../lib/segments/parquet-import';
import { countRows, STORE, STORE_SCHEMA } from '../lib/segments/segment-store';
import { warehouseCopy } from '../lib/segments/warehouse-copy';
import { loadConfig, type LoadedConfig } from '../lib/config';
import { inBenchDir } from './bench-dir';
import { PROJECT_ROOT } from '../lib/paths';
import { writeSegment } from '../lib/segments/files';
import { BENCH_SEGMENTS, knownCountChecks } from './bench-segments';
import { writeBenchConfig, writeSyntheticStripe } from './synthetic-stripe';

const DAY_MS = 86_400_000;
const RSS_SAMPLE_MS = 5;

interface RunStats {
  wallMs: number;
  /** CPU time of the process during the run (user and system, every DuckDB thread): steadier than wall time on a shared machine. */
  cpuMs: number;
  /** Σ of the per-segment durations materializeSegments reports: compiling, querying and collecting members. */
  queriesMs: number;
  baseRssMb: number;
  peakRssMb: number;
  segments: number;
  failed: string[];
  members: number;
  entered: number;
  exited: number;
  historyRows: number;
  historyMb: number;
  /** Bytes of history files the run wrote (new or rewritten). */
  historyWrittenMb: number;
}

interface ChildResult {
  customers: number;
  orders: number;
  runs: RunStats[];
  problems: string[];
  slowest: string[];
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);

/** Runs `work` while sampling the process RSS; returns its value with the RSS before and at the peak. */
async function withPeakRss<T>(work: () => Promise<T>): Promise<{ value: T; baseRssMb: number; peakRssMb: number }> {
  const base = process.memoryUsage.rss();
  let peak = base;
  const timer = setInterval(() => {
    peak = Math.max(peak, process.memoryUsage.rss());
  }, RSS_SAMPLE_MS);
  try {
    const value = await work();
    peak = Math.max(peak, process.memoryUsage.rss());
    return { value, baseRssMb: mb(base), peakRssMb: mb(peak) };
  } finally {
    clearInterval(timer);
  }
}

/** The history rows in the lake, and the data files of the history table (in the lake's catalog) and of the warehouse copy, with their sizes. */
async function historyState(config: LoadedConfig): Promise<{ rows: number; files: Map<string, number> }> {
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    const rows = await countRows(db, STORE.history);
    const lakeFiles = (
      await db.runAndReadAll(`SELECT data_file, data_file_size_bytes AS bytes FROM ducklake_list_files('lake', 'membership_history', schema => 'segments_store')`)
    ).getRowObjectsJS();
    const files = new Map(lakeFiles.map((f) => [String(f.data_file), Number(f.bytes)]));
    const copy = warehouseCopy(config.layout);
    for (const f of fs.existsSync(copy.dir) ? fs.readdirSync(copy.dir).filter((n) => n.startsWith('membership_history')) : []) {
      const st = fs.statSync(path.join(copy.dir, f));
      files.set(`${path.join(copy.dir, f)}@${st.mtimeMs}`, st.size);
    }
    return { rows, files };
  } finally {
    close();
  }
}

const sumMb = (files: Iterable<number>) => [...files].reduce((total, n) => total + n, 0) / 2 ** 20;

async function measureRun(config: LoadedConfig, now: Date): Promise<{ stats: RunStats; result: MaterializeResult }> {
  const before = await historyState(config);
  const t0 = performance.now();
  const cpu0 = process.cpuUsage();
  const { value: result, baseRssMb, peakRssMb } = await withPeakRss(() => materializeSegments(config, { now }));
  const wallMs = performance.now() - t0;
  const cpu = process.cpuUsage(cpu0);
  const after = await historyState(config);
  const sum = (pick: (s: MaterializeResult['segments'][number]) => number) => result.segments.reduce((total, s) => total + pick(s), 0);
  const stats: RunStats = {
    wallMs,
    cpuMs: (cpu.user + cpu.system) / 1000,
    queriesMs: sum((s) => s.durationMs),
    baseRssMb,
    peakRssMb,
    segments: result.segments.length,
    failed: result.failed.map((f) => `${f.segment}: ${f.error}`),
    members: sum((s) => s.members),
    entered: sum((s) => s.entered),
    exited: sum((s) => s.exited),
    historyRows: after.rows,
    historyMb: sumMb(after.files.values()),
    historyWrittenMb: sumMb([...after.files].filter(([f]) => !before.files.has(f)).map(([, n]) => n)),
  };
  return { stats, result };
}

/** The child: materializes the config's segments twice and prints the measurements and any problems as JSON. */
async function runChild(configFile: string): Promise<void> {
  const config = loadConfig(configFile);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  let facts: Record<string, unknown>;
  try {
    facts = (await db.runAndReadAll(
      `SELECT (SELECT count(*) FROM core.customers) AS customers, count(*) AS orders, epoch_ms(max(ordered_at)) AS last_order_ms FROM core.orders`,
    )).getRowObjectsJS()[0]!;
  } finally {
    close();
  }
  const customers = Number(facts.customers);
  // "Now" is 30 days after the last order, half-way into a second. Order times are whole seconds, so
  // the second run, 1 ms later, moves no relative-date boundary past an order: nobody enters or leaves.
  const firstNow = new Date(Math.floor(Number(facts.last_order_ms) / 1000) * 1000 + 30 * DAY_MS + 500);
  const first = await measureRun(config, firstNow);
  const steady = await measureRun(config, new Date(firstNow.getTime() + 1));

  const problems = [...first.stats.failed, ...steady.stats.failed].map((f) => `failed: ${f}`);
  const expectedSegments = BENCH_SEGMENTS.length + 1;
  for (const { stats } of [first, steady]) {
    if (stats.segments !== expectedSegments) problems.push(`materialized ${stats.segments} segments, expected ${expectedSegments}`);
    if (stats.historyRows !== stats.members) problems.push(`history holds ${stats.historyRows} rows, expected one per member (${stats.members})`);
  }
  if (steady.stats.historyWrittenMb > 0) problems.push(`steady run wrote ${steady.stats.historyWrittenMb.toFixed(1)} MB of history, expected none (nothing changed)`);
  const firstBySegment = new Map(first.result.segments.map((s) => [s.segment, s]));
  for (const s of first.result.segments) {
    if (s.entered !== s.members || s.exited !== 0) problems.push(`first run, ${s.segment}: ${s.members} members but ${s.entered} entered and ${s.exited} exited`);
  }
  for (const s of steady.result.segments) {
    const before = firstBySegment.get(s.segment)?.members;
    if (s.members !== before || s.entered !== 0 || s.exited !== 0) {
      problems.push(`steady run, ${s.segment}: ${s.members} members (first run ${before}), ${s.entered} entered, ${s.exited} exited`);
    }
  }
  const members = (segment: string) => firstBySegment.get(segment)?.members ?? Number.NaN;
  for (const c of knownCountChecks(members, customers)) {
    if (c.actual !== c.expected) problems.push(`${c.check}: got ${c.actual}, expected ${c.expected}`);
  }
  const slowest = [...first.result.segments]
    .sort((a, b) => b.durationMs - a.durationMs)
    .slice(0, 5)
    .map((s) => `${s.segment} ${s.durationMs} ms`);
  const out: ChildResult = { customers, orders: Number(facts.orders), runs: [first.stats, steady.stats], problems, slowest };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

/** Runs a bench file with `--child <configFile>` in a fresh Node process and parses its last line of output. */
function runInChild<T>(benchFile: string, configFile: string, what: string): T {
  const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', benchFile), '--child', configFile], {
    encoding: 'utf8',
    cwd: PROJECT_ROOT,
    maxBuffer: 64 * 2 ** 20,
  });
  if (child.status !== 0) throw new Error(`${what} failed:\n${child.stderr}`);
  return JSON.parse(child.stdout.trim().split('\n').pop()!) as T;
}

/** Generates the raw data and builds the warehouse in `dir`; returns the config file. */
async function buildBenchWarehouse(dir: string, orders: number, customers: number): Promise<string> {
  const configFile = writeBenchConfig(dir);
  const genStart = Date.now();
  await writeSyntheticStripe(dir, orders, customers);
  console.log(`generated ${orders.toLocaleString('en')} charges and ${customers.toLocaleString('en')} customers in ${((Date.now() - genStart) / 1000).toFixed(1)} s`);
  const built = runInChild<{ ms: number; peakRssMb: number; orders: { count: number }; customers: number }>('rebuild.bench.ts', configFile, 'warehouse build');
  console.log(
    `built the warehouse in ${(built.ms / 1000).toFixed(1)} s (peak RSS ${built.peakRssMb.toLocaleString('en')} MB): ${built.orders.count.toLocaleString('en')} orders, ${built.customers.toLocaleString('en')} customers`,
  );
  return configFile;
}

/** Replaces the config's segment files with the bench's, and drops the segment store: its lake tables, any Parquet store from before and the warehouse copy. */
async function writeBenchSegments(configFile: string): Promise<void> {
  const config = loadConfig(configFile);
  if (fs.existsSync(config.segmentsDir)) {
    for (const f of fs.readdirSync(config.segmentsDir).filter((f) => /\.ya?ml$/.test(f))) fs.rmSync(path.join(config.segmentsDir, f));
  }
  for (const definition of BENCH_SEGMENTS) writeSegment(config, definition);
  const store = parquetSegmentStore(config.layout);
  for (const file of [...baseAndLaterFiles(store.history), ...baseAndLaterFiles(store.keys)]) fs.rmSync(file);
  fs.rmSync(store.members, { recursive: true, force: true });
  fs.rmSync(store.runs, { force: true });
  fs.rmSync(warehouseCopy(config.layout).dir, { recursive: true, force: true });
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    for (const table of Object.values(STORE)) await db.run(`DROP TABLE ${table}`);
    await db.run(`DROP SCHEMA ${STORE_SCHEMA}`);
  } finally {
    close();
  }
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      orders: { type: 'string', default: '2000000' },
      'customers-per-order': { type: 'string', default: '0.5' },
      reuse: { type: 'string' },
      keep: { type: 'boolean', default: false },
      child: { type: 'string' },
    },
  });
  if (values.child) return runChild(values.child);
  await inBenchDir('cdp-segments-bench-', { reuse: values.reuse, keep: values.keep }, async (dir) => {
    const orders = Number(values.orders);
    const configFile = values.reuse
      ? path.join(dir, 'cdp.config.yaml')
      : await buildBenchWarehouse(dir, orders, Math.max(1, Math.round(orders * Number(values['customers-per-order']))));
    await writeBenchSegments(configFile);
    const r = runInChild<ChildResult>('segments.bench.ts', configFile, 'materialization');
    const [first, steady] = r.runs as [RunStats, RunStats];
    console.log(`load average ${os.loadavg().map((l) => l.toFixed(1)).join(', ')}`);
    console.log('| customers | orders | segments | members | history rows | first run (all enter) | CPU | of which queries | peak RSS | steady run | CPU | of which queries | peak RSS |');
    console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    console.log(
      `| ${r.customers.toLocaleString('en')} | ${r.orders.toLocaleString('en')} | ${first.segments} | ${first.members.toLocaleString('en')} | ${first.historyRows.toLocaleString('en')} ` +
        `| ${seconds(first.wallMs)} | ${seconds(first.cpuMs)} | ${seconds(first.queriesMs)} | ${first.peakRssMb.toLocaleString('en')} MB ` +
        `| ${seconds(steady.wallMs)} | ${seconds(steady.cpuMs)} | ${seconds(steady.queriesMs)} | ${steady.peakRssMb.toLocaleString('en')} MB |`,
    );
    for (const [name, run] of [['first', first], ['steady', steady]] as const) {
      console.log(
        `${name} run: ${seconds(run.wallMs)} wall, ${seconds(run.queriesMs)} in the segment queries, ${seconds(run.wallMs - run.queriesMs)} in the rest ` +
          `(history, run log, Parquet writes); RSS ${run.baseRssMb} MB before, ${run.peakRssMb} MB at the peak; ` +
          `${run.entered.toLocaleString('en')} entered, ${run.exited.toLocaleString('en')} exited; history ${run.historyMb.toFixed(1)} MB, of which written by this run ${run.historyWrittenMb.toFixed(1)} MB`,
      );
    }
    console.log(`slowest segment queries (first run): ${r.slowest.join(', ')}`);
    return r.problems;
  });
}

await main();
