/**
 * Lake landing benchmark: how fast do syncs land into the lake, embedded (SQLite catalog and data
 * under the data folder) against PostgreSQL + S3 (a local PostgreSQL catalog, moto's S3 server)?
 *
 * Each writer is its own OS process, as each sync activity of a worker fleet would be: it opens the
 * lake, then lands `--batches` batches of `--rows` JSON records (about 1 KB each) into its own raw
 * table, each batch one lake transaction that also replaces the writer's row in a state table
 * (delete, insert), as a sync records its cursor: one table all writers share (`--state shared`), or
 * one per writer (`--state per-writer`). Writers run alone and three at once. Every
 * run is checked against what the writers were asked to land (rows per table, the sum of a payload
 * field, the state rows), so a faster setting cannot win by landing less.
 *
 *   npx tsx bench/lake-landing.bench.ts [--batches 30] [--rows 1000] [--processes 1,3] [--backends embedded,postgres-s3] [--state shared|per-writer] [--keep] [--reuse DIR]
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { Rng } from '../emulators/world/prng';
import { closeLakes, inLakeTransaction, openLake } from '../lib/lake/open-lake';
import { RAW_COLUMNS } from '../lib/lake/raw-tables';
import { storageSchema, type StorageConfig } from '../lib/lake/storage-config';
import { dataLayout, PROJECT_ROOT } from '../lib/paths';
import { sqlString } from '../lib/sql';
import { startLakeServers, type LakeServers } from '../test/support/lake-servers';
import { inBenchDir } from './bench-dir';
import { processCpuSeconds } from './process-memory';

const BACKENDS = ['embedded', 'postgres-s3'] as const;
type Backend = (typeof BACKENDS)[number];

const { values: args } = parseArgs({
  options: {
    batches: { type: 'string', default: '30' },
    rows: { type: 'string', default: '1000' },
    processes: { type: 'string', default: '1,3' },
    backends: { type: 'string', default: BACKENDS.join(',') },
    state: { type: 'string', default: 'shared' },
    keep: { type: 'boolean', default: false },
    reuse: { type: 'string' },
    // Internal: one writer process.
    child: { type: 'string' },
  },
});
function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}

// ---------------------------------------------------------------------------------------------
// Records: deterministic, about 1 KB of JSON each

const WORDS = ['annual', 'plan', 'renewal', 'upgrade', 'invoice', 'card', 'refund', 'gift', 'store', 'online', 'coupon', 'order', 'bundle', 'express', 'shipping', 'member'];

/** The records writer `writer` lands in batch `batch`: each with an `amount` whose sums the check recomputes. */
function batchRecords(writer: number, batch: number, rows: number): { id: string; amount: number; json: string }[] {
  const rng = new Rng(writer * 1_000_003 + batch);
  const int = (lo: number, hi: number) => rng.int(lo, hi);
  const words = (n: number) => Array.from({ length: n }, () => rng.pick(WORDS)).join(' ');
  return Array.from({ length: rows }, (_, i) => {
    const id = `ch_${writer}_${batch}_${i}`;
    const amount = int(100, 99_999);
    const record = {
      id,
      object: 'charge',
      amount,
      amount_captured: amount,
      currency: ['usd', 'eur', 'gbp'][int(0, 2)],
      created: 1_760_000_000 + batch * rows + i,
      customer: `cus_${int(1, 50_000)}`,
      description: words(12),
      status: 'succeeded',
      paid: true,
      captured: true,
      livemode: false,
      receipt_email: `customer${int(1, 50_000)}@example.com`,
      billing_details: { address: { city: words(1), country: 'US', line1: `${int(1, 999)} ${words(2)} street`, postal_code: String(int(10000, 99999)), state: 'CA' }, name: words(2) },
      payment_method_details: { card: { brand: 'visa', last4: String(int(1000, 9999)), exp_month: int(1, 12), exp_year: int(2027, 2032), funding: 'credit' }, type: 'card' },
      metadata: { order_id: `ord_${int(1, 1e6)}`, channel: words(1), campaign: words(2), note: words(10) },
      outcome: { network_status: 'approved_by_network', risk_level: 'normal', risk_score: int(0, 99), seller_message: 'Payment complete.', type: 'authorized' },
    };
    return { id, amount, json: JSON.stringify(record) };
  });
}

const streamTable = (writer: number) => `lake.raw."bench__charges_${writer}"`;
/** The state table a writer replaces its row in: shared by all, or its own. */
const stateTable = (writer: number, state: string) => (state === 'per-writer' ? `lake.cdp.bench_sync_state_${writer}` : 'lake.cdp.bench_sync_state');

// ---------------------------------------------------------------------------------------------
// One writer process

interface WriterResult {
  writer: number;
  startMs: number;
  endMs: number;
  cpuS: number;
  attempts: number;
  rows: number;
}

async function runWriter(spec: { storage: StorageConfig; dataDir: string; writer: number; batches: number; rows: number; state: string }): Promise<WriterResult> {
  const lake = await openLake(storageSchema.parse(spec.storage), dataLayout(spec.dataDir));
  const db = await lake.connect();
  await db.run('CREATE TEMP TABLE landing (primary_key VARCHAR, record_index INTEGER, payload VARCHAR)');
  // Records are made before the clock starts: the source's side is not the lake's cost.
  const batches = Array.from({ length: spec.batches }, (_, b) => batchRecords(spec.writer, b, spec.rows));
  // Ready, then wait for the word to start, so that writers started together land together.
  console.log('ready');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  process.stdin.destroy();
  const cpu0 = process.cpuUsage();
  const startMs = Date.now();
  let attempts = 0;
  for (const [b, records] of batches.entries()) {
    await db.run('DELETE FROM landing');
    const appender = await db.createAppender('landing');
    records.forEach((r, i) => {
      appender.appendVarchar(r.id);
      appender.appendInteger(i);
      appender.appendVarchar(r.json);
      appender.endRow();
    });
    appender.closeSync();
    const stream = `charges_${spec.writer}`;
    await inLakeTransaction(db, async () => {
      attempts += 1;
      await db.run(
        `INSERT INTO ${streamTable(spec.writer)}
         SELECT 'bench', ${sqlString(stream)}, 'bench', 'test', primary_key, NULL, now(), 'sync-${spec.writer}', 'incremental', ${b}, NULL, record_index, payload::JSON
         FROM landing`,
      );
      await db.run(`DELETE FROM ${stateTable(spec.writer, spec.state)} WHERE stream = ${sqlString(stream)}`);
      await db.run(`INSERT INTO ${stateTable(spec.writer, spec.state)} VALUES (${sqlString(stream)}, ${b}, ${sqlString(records.at(-1)?.id ?? '')}, now())`);
    });
  }
  const endMs = Date.now();
  const cpu = process.cpuUsage(cpu0);
  db.closeSync();
  await closeLakes();
  return { writer: spec.writer, startMs, endMs, cpuS: (cpu.user + cpu.system) / 1e6, attempts, rows: spec.batches * spec.rows };
}

/** Starts a writer; `ready` settles once it has opened the lake and made its records, `start()` lets it land. */
function spawnWriter(spec: Parameters<typeof runWriter>[0], env: Record<string, string>, logFile: string) {
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'lake-landing.bench.ts'), '--child', JSON.stringify(spec)], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...env },
    stdio: ['pipe', 'pipe', fs.openSync(logFile, 'a')],
  });
  let out = '';
  let onReady: () => void = () => {};
  const ready = new Promise<void>((resolve) => (onReady = resolve));
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
    if (out.includes('ready\n')) onReady();
  });
  const done = new Promise<WriterResult>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => {
      if (code === 0) resolve(JSON.parse(out.trim().split('\n').at(-1) as string) as WriterResult);
      else reject(new Error(`writer ${spec.writer} exited with ${code}: see ${logFile}`));
    });
  });
  return { ready: Promise.race([ready, done.then(() => {})]), done, start: () => child.stdin?.end('go\n') };
}

// ---------------------------------------------------------------------------------------------
// One run: a fresh lake, P writers at once, the check

interface RunResult {
  backend: Backend;
  processes: number;
  rows: number;
  wallS: number;
  writersCpuS: number;
  serversCpuS: number;
  attempts: number;
  commits: number;
}

async function run(dir: string, backend: Backend, processes: number, servers: LakeServers | undefined, runNo: number): Promise<{ result: RunResult; problems: string[] }> {
  const batches = positiveInt('batches', args.batches);
  const rows = positiveInt('rows', args.rows);
  const state = args.state;
  let storage: StorageConfig = {};
  if (backend === 'postgres-s3' && servers) {
    const database = `bench_${runNo}_${Date.now()}`;
    await servers.postgres.createDatabase(database);
    storage = { ...servers.storage, catalog: (servers.storage.catalog as string).replace(/dbname=\S+/, `dbname=${database}`), data_path: `s3://cdp-lake/${database}/` };
  }
  const dataDir = path.join(dir, `run-${runNo}-${backend}-${processes}`);
  fs.rmSync(dataDir, { recursive: true, force: true });
  fs.mkdirSync(dataDir, { recursive: true });

  const env = servers?.env ?? {};
  Object.assign(process.env, env);
  const lake = await openLake(storage, dataLayout(dataDir));
  const db = await lake.connect();
  await db.run('CREATE SCHEMA IF NOT EXISTS lake.raw');
  for (let w = 1; w <= processes; w++) await db.run(`CREATE TABLE ${streamTable(w)} (${RAW_COLUMNS})`);
  const stateTables = [...new Set(Array.from({ length: processes }, (_, i) => stateTable(i + 1, state)))];
  for (const t of stateTables) await db.run(`CREATE TABLE ${t} (stream VARCHAR NOT NULL, batch_seq INTEGER NOT NULL, last_id VARCHAR NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);

  const serverPids = servers && backend === 'postgres-s3' ? [servers.postgres.pid, servers.s3.pid] : [];
  const serverCpu0 = serverPids.reduce((s, pid) => s + processCpuSeconds(pid), 0);
  const writers = Array.from({ length: processes }, (_, i) => spawnWriter({ storage, dataDir, writer: i + 1, batches, rows, state }, env, path.join(dir, `writer-${runNo}-${i + 1}.log`)));
  await Promise.all(writers.map((w) => w.ready));
  for (const w of writers) w.start();
  const results = await Promise.all(writers.map((w) => w.done));
  await new Promise((r) => setTimeout(r, 300)); // the backends' exits reaped into the server's time
  const serversCpuS = serverPids.reduce((s, pid) => s + processCpuSeconds(pid), 0) - serverCpu0;

  // The check: every batch of every writer landed once, and each writer's state row is its last batch.
  const problems: string[] = [];
  for (let w = 1; w <= processes; w++) {
    const want = Array.from({ length: batches }, (_, b) => batchRecords(w, b, rows)).flat();
    const got = (await db.runAndReadAll(`SELECT count(*)::BIGINT AS n, count(DISTINCT primary_key)::BIGINT AS keys, sum((payload->>'amount')::BIGINT)::BIGINT AS amount FROM ${streamTable(w)}`)).getRowObjectsJS()[0];
    const expected = { n: BigInt(want.length), keys: BigInt(want.length), amount: BigInt(want.reduce((s, r) => s + r.amount, 0)) };
    if (JSON.stringify(got, (_, v) => (typeof v === 'bigint' ? String(v) : v)) !== JSON.stringify(expected, (_, v) => (typeof v === 'bigint' ? String(v) : v))) {
      problems.push(`${backend} ×${processes}: writer ${w} landed ${JSON.stringify(got, (_, v) => String(v))}, expected ${JSON.stringify(expected, (_, v) => String(v))}`);
    }
  }
  const stateRows = (await db.runAndReadAll(`SELECT stream, batch_seq FROM (${stateTables.map((t) => `SELECT * FROM ${t}`).join(' UNION ALL ')}) ORDER BY stream`)).getRowObjectsJS();
  const wantState = Array.from({ length: processes }, (_, i) => ({ stream: `charges_${i + 1}`, batch_seq: batches - 1 })).sort((a, b) => a.stream.localeCompare(b.stream));
  if (JSON.stringify(stateRows) !== JSON.stringify(wantState)) problems.push(`${backend} ×${processes}: state rows ${JSON.stringify(stateRows)}, expected ${JSON.stringify(wantState)}`);
  db.closeSync();
  await closeLakes();

  const start = Math.min(...results.map((r) => r.startMs));
  const end = Math.max(...results.map((r) => r.endMs));
  return {
    result: {
      backend,
      processes,
      rows: results.reduce((s, r) => s + r.rows, 0),
      wallS: (end - start) / 1000,
      writersCpuS: results.reduce((s, r) => s + r.cpuS, 0),
      serversCpuS,
      attempts: results.reduce((s, r) => s + r.attempts, 0),
      commits: processes * batches,
    },
    problems,
  };
}

// ---------------------------------------------------------------------------------------------

if (args.child) {
  console.log(JSON.stringify(await runWriter(JSON.parse(args.child))));
} else {
  const processCounts = args.processes.split(',').map((p) => positiveInt('processes', p));
  const backends = args.backends.split(',').map((b) => {
    if (!(BACKENDS as readonly string[]).includes(b)) throw new Error(`--backends: ${b} is not one of ${BACKENDS.join(', ')}`);
    return b as Backend;
  });
  await inBenchDir('cdp-lake-landing-', { reuse: args.reuse, keep: args.keep }, async (dir) => {
    console.log(`load average at start: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
    if (!['shared', 'per-writer'].includes(args.state)) throw new Error(`--state: ${args.state} is not shared or per-writer`);
    console.log(`${args.batches} batches of ${args.rows} records per writer, each batch one lake transaction with a state-row replace in a ${args.state === 'shared' ? 'state table all writers share' : 'state table per writer'}`);
    const servers = backends.includes('postgres-s3') ? await startLakeServers() : undefined;
    const problems: string[] = [];
    const table: RunResult[] = [];
    try {
      let runNo = 0;
      for (const processes of processCounts) {
        for (const backend of backends) {
          const { result, problems: p } = await run(dir, backend, processes, servers, ++runNo);
          problems.push(...p);
          table.push(result);
          console.log(`${backend} ×${processes}: ${result.rows} rows in ${result.wallS.toFixed(1)} s, writers ${result.writersCpuS.toFixed(1)} CPU-s, servers ${result.serversCpuS.toFixed(1)} CPU-s, ${result.attempts - result.commits} retried transactions`);
        }
      }
    } finally {
      await servers?.stop();
    }
    console.log(`load average at end: ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}\n`);
    console.log('| backend | writer processes | rows | wall | rows/s | writers CPU | servers CPU | CPU-s per 100k rows | retried transactions |');
    console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
    for (const r of table) {
      const cpu = r.writersCpuS + r.serversCpuS;
      console.log(
        `| ${r.backend === 'embedded' ? 'embedded (SQLite + local files)' : 'PostgreSQL + S3 (moto)'} | ${r.processes} | ${r.rows.toLocaleString('en-US')} | ${r.wallS.toFixed(1)} s | ${Math.round(r.rows / r.wallS).toLocaleString('en-US')} | ${r.writersCpuS.toFixed(1)} s | ${r.backend === 'embedded' ? '–' : `${r.serversCpuS.toFixed(1)} s`} | ${((cpu / r.rows) * 1e5).toFixed(1)} | ${r.attempts - r.commits} |`,
      );
    }
    return problems;
  });
}
