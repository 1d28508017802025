/**
 * Raw-landing benchmark: how should cdp write one Parquet file per page of API records?
 *
 * Compares the production writer (`writeLandedFile`: DuckDB appender + COPY to zstd Parquet) with
 * @dsnp/parquetjs writing the same envelope columns row by row, against a JSON.stringify-only
 * floor, on realistic Stripe charges. Every written file set is read back with DuckDB and checked
 * against sums computed in JS, so a faster writer cannot win by writing different data.
 *
 *   npx tsx bench/landing.bench.ts [--records N] [--per-file M]
 */
import { DuckDBInstance } from '@duckdb/node-api';
import parquet from '@dsnp/parquetjs';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import v8 from 'node:v8';
import { runInNewContext } from 'node:vm';
import { partFileName, writeLandedFile, type LandedRecord, type LandingTarget } from '../activities/landing/lake';
import { partitionDir } from '../lib/raw-layout';
import { commitFile } from '../lib/fs-atomic';
import { sqlString } from '../lib/sql';

const projectRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const FIXTURE = path.resolve(projectRoot, 'test/fixtures/stripe/fixtures3.subset.json');

// ---------------------------------------------------------------------------------------------
// Arguments

const { values: args } = parseArgs({
  options: { records: { type: 'string', default: '150000' }, 'per-file': { type: 'string', default: '1000' } },
});
function positiveInt(name: string, raw: string): number {
  const n = Number(raw);
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} must be a positive integer, got "${raw}"`);
  return n;
}
const N = positiveInt('records', args.records);
const M = positiveInt('per-file', args['per-file']);

// ---------------------------------------------------------------------------------------------
// Deterministic Stripe charges

/** mulberry32: a tiny seeded PRNG, so every run lands byte-identical payloads. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const BASE62 = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

interface Charge {
  id: string;
  amount: number;
  amount_captured: number;
  captured: boolean;
  created: number;
  customer: string | null;
  balance_transaction: string | null;
  payment_method: string | null;
  metadata: Record<string, string>;
  billing_details: Record<string, unknown>;
  refunds: { url: string };
  [key: string]: unknown;
}

function buildCharges(n: number): Charge[] {
  const fixtureText = JSON.stringify((JSON.parse(fs.readFileSync(FIXTURE, 'utf8')) as { resources: { charge: unknown } }).resources.charge);
  const rand = prng(0xc0ffee);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const token = (len: number) => Array.from({ length: len }, () => BASE62[Math.floor(rand() * 62)]).join('');

  // Non-ASCII names make the read-back byte check catch any writer that re-encodes text.
  const first = ['Jenny', 'Liam', 'Olivia', 'Noah', 'Ava', 'José', 'Zoë', 'Søren', 'Chloé', 'Ngozi', 'Hiroshi', 'Priya', 'Mateo', 'Anaïs', '美咲'];
  const last = ['Rosen', 'Smith', 'García', 'Müller', 'Nguyen', 'O\'Brien', 'Kowalski', 'Okafor', 'Tanaka', 'Patel', 'Dubois', 'Rossi', '佐藤'];
  const places = [
    { city: 'San Francisco', state: 'CA', country: 'US', postal: () => `94${int(100, 199)}` },
    { city: 'Brooklyn', state: 'NY', country: 'US', postal: () => `112${int(10, 99)}` },
    { city: 'Berlin', state: null, country: 'DE', postal: () => `10${int(100, 999)}` },
    { city: 'Paris', state: null, country: 'FR', postal: () => `750${int(10, 20)}` },
    { city: 'Dublin', state: null, country: 'IE', postal: () => `D0${int(1, 9)} X${int(100, 999)}` },
    { city: 'Tokyo', state: '東京都', country: 'JP', postal: () => `1${int(0, 9)}${int(0, 9)}-${int(1000, 9999)}` },
  ] as const;
  const streets = ['Market St', 'Main Street', 'Hauptstraße', 'Rue de Rivoli', 'Grafton Street', 'Bedford Ave'];
  const plans = ['starter', 'growth', 'pro', 'enterprise'];
  const channels = ['web', 'ios', 'android', 'pos'];

  // Customers repeat across charges, as they do in a real account.
  const customers = Array.from({ length: Math.max(1, Math.ceil(n / 5)) }, () => `cus_${token(14)}`);
  const createdBase = 1_704_067_200; // 2024-01-01T00:00:00Z

  const out: Charge[] = new Array(n);
  for (let i = 0; i < n; i++) {
    // Parsed from text, not structured-cloned: records really arrive as freshly parsed JSON.
    const c = JSON.parse(fixtureText) as Charge;
    const id = `ch_${token(18)}${i.toString(36).padStart(6, '0')}`;
    const amount = int(50, 500_000);
    const name = `${pick(first)} ${pick(last)}`;
    const place = pick(places);
    c.id = id;
    c.amount = amount;
    c.amount_captured = amount;
    c.captured = true;
    c.created = createdBase + i * 13 + int(0, 12);
    c.customer = rand() < 0.1 ? null : pick(customers);
    c.balance_transaction = `txn_${token(24)}`;
    c.payment_method = `pm_${token(24)}`;
    c.refunds.url = `/v1/charges/${id}/refunds`;
    c.billing_details = {
      address: {
        city: place.city,
        country: place.country,
        line1: `${int(1, 9999)} ${pick(streets)}`,
        line2: rand() < 0.3 ? `Apt ${int(1, 60)}` : null,
        postal_code: place.postal(),
        state: place.state,
      },
      email: `${name.toLowerCase().replace(/[^a-z]+/g, '.')}${int(1, 999)}@example.com`,
      name,
      phone: rand() < 0.5 ? `+1${int(2000000000, 9999999999)}` : null,
      tax_id: null,
    };
    const metadata: Record<string, string> = { order_id: `ord_${token(12)}`, channel: pick(channels) };
    if (rand() < 0.6) metadata.plan = pick(plans);
    if (rand() < 0.3) metadata.campaign = `spring-${int(2023, 2026)}-${token(4)}`;
    if (rand() < 0.2) metadata.note = `Gift for ${pick(first)} — "thanks!"`;
    c.metadata = metadata;
    out[i] = c;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Landing inputs shared by every writer

const TARGET_BASE: Omit<LandingTarget, 'seq'> = {
  source: 'stripe',
  stream: 'charges',
  connection: 'stripe-bench',
  environment: 'sandbox',
  syncId: '20261101T000000Z-bench000',
  syncMode: 'historical',
};
const SYNCED_AT_BASE = Date.parse('2026-11-01T00:00:00Z');

function toBatches(charges: readonly Charge[], perFile: number): LandedRecord[][] {
  const batches: LandedRecord[][] = [];
  for (let start = 0, seq = 0; start < charges.length; start += perFile, seq++) {
    // One file is one landed page group; its rows share the moment the pages were fetched.
    const syncedAt = new Date(SYNCED_AT_BASE + seq * 1000);
    batches.push(
      charges.slice(start, start + perFile).map((c) => ({ primaryKey: c.id, cursorValue: String(c.created), syncedAt, payload: c })),
    );
  }
  return batches;
}

// ---------------------------------------------------------------------------------------------
// Writers

type Compression = 'UNCOMPRESSED' | 'GZIP';

function parquetjsSchema(payloadCompression: Compression) {
  return new parquet.ParquetSchema({
    source: { type: 'UTF8' },
    stream: { type: 'UTF8' },
    connection: { type: 'UTF8' },
    environment: { type: 'UTF8' },
    primary_key: { type: 'UTF8' },
    cursor_value: { type: 'UTF8', optional: true },
    synced_at: { type: 'TIMESTAMP_MILLIS' },
    sync_id: { type: 'UTF8' },
    sync_mode: { type: 'UTF8' },
    record_index: { type: 'INT32' },
    payload: { type: 'UTF8', compression: payloadCompression },
  });
}

/** The parquetjs equivalent of writeLandedFile, including its fsync + atomic rename, so both pay for durability. */
async function writeWithParquetjs(root: string, target: LandingTarget, records: readonly LandedRecord[], schema: ReturnType<typeof parquetjsSchema>): Promise<string> {
  const dir = partitionDir(root, target);
  await fsp.mkdir(dir, { recursive: true });
  const finalPath = path.join(dir, partFileName(target.seq));
  const tmpPath = `${finalPath}.tmp-${process.pid}-${Date.now()}`;
  const writer = await parquet.ParquetWriter.openFile(schema, tmpPath);
  try {
    for (let i = 0; i < records.length; i++) {
      const r = records[i]!;
      await writer.appendRow({
        source: target.source,
        stream: target.stream,
        connection: target.connection,
        environment: target.environment,
        primary_key: r.primaryKey,
        cursor_value: r.cursorValue ?? undefined,
        synced_at: r.syncedAt,
        sync_id: target.syncId,
        sync_mode: target.syncMode,
        record_index: i,
        payload: JSON.stringify(r.payload),
      });
    }
    await writer.close();
  } catch (err) {
    await fsp.rm(tmpPath, { force: true });
    throw err;
  }
  await commitFile(tmpPath, finalPath);
  return finalPath;
}

interface Variant {
  name: string;
  /** Writes every batch under root; false when the variant writes nothing to disk. */
  writesFiles: boolean;
  run(root: string, batches: readonly LandedRecord[][]): Promise<void>;
}

let stringifySink = 0;
const variants: Variant[] = [
  {
    name: 'JSON.stringify only (floor)',
    writesFiles: false,
    async run(_root, batches) {
      for (const batch of batches) {
        for (const r of batch) stringifySink += JSON.stringify(r.payload).length;
        // Yield between files like the writers do, so the RSS sampler gets to run.
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    },
  },
  {
    name: 'writeLandedFile (DuckDB, zstd)',
    writesFiles: true,
    async run(root, batches) {
      for (let seq = 0; seq < batches.length; seq++) await writeLandedFile(root, { ...TARGET_BASE, seq }, batches[seq]!);
    },
  },
  {
    name: 'parquetjs, uncompressed',
    writesFiles: true,
    async run(root, batches) {
      const schema = parquetjsSchema('UNCOMPRESSED');
      for (let seq = 0; seq < batches.length; seq++) await writeWithParquetjs(root, { ...TARGET_BASE, seq }, batches[seq]!, schema);
    },
  },
  {
    name: 'parquetjs, GZIP payload',
    writesFiles: true,
    async run(root, batches) {
      const schema = parquetjsSchema('GZIP');
      for (let seq = 0; seq < batches.length; seq++) await writeWithParquetjs(root, { ...TARGET_BASE, seq }, batches[seq]!, schema);
    },
  },
];

// ---------------------------------------------------------------------------------------------
// Measurement

// Collecting garbage between runs keeps one variant's leftovers out of the next one's time and
// RSS; `npx tsx` offers no way to pass --expose-gc, so it is switched on here.
v8.setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

interface RunResult {
  wallMs: number;
  files: number;
  bytes: number;
  peakRssDeltaMb: number;
  dir: string;
}

async function diskUsage(dir: string): Promise<{ files: number; bytes: number }> {
  let files = 0;
  let bytes = 0;
  for (const entry of await fsp.readdir(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    files += 1;
    bytes += (await fsp.stat(path.join(entry.parentPath, entry.name))).size;
  }
  return { files, bytes };
}

async function measure(variant: Variant, batches: readonly LandedRecord[][], tmpRoot: string, label: string): Promise<RunResult> {
  const dir = await fsp.mkdtemp(path.join(tmpRoot, `${label}-`));
  gc();
  const baseRss = process.memoryUsage.rss();
  let peakRss = baseRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 5);
  const started = performance.now();
  await variant.run(dir, batches);
  const wallMs = performance.now() - started;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const { files, bytes } = await diskUsage(dir);
  return { wallMs, files, bytes, peakRssDeltaMb: (peakRss - baseRss) / 2 ** 20, dir };
}

// ---------------------------------------------------------------------------------------------
// Verification

interface Expected {
  rows: bigint;
  amountSum: bigint;
  distinctKeys: bigint;
  payloadBytes: bigint;
  recordIndexSum: bigint;
  syncedAtMinMs: bigint;
  syncedAtMaxMs: bigint;
}

function expectedFrom(charges: readonly Charge[], batches: readonly LandedRecord[][]): Expected {
  let amountSum = 0n;
  let payloadBytes = 0n;
  for (const c of charges) {
    amountSum += BigInt(c.amount);
    payloadBytes += BigInt(Buffer.byteLength(JSON.stringify(c)));
  }
  const recordIndexSum = batches.reduce((s, b) => s + BigInt((b.length * (b.length - 1)) / 2), 0n);
  return {
    rows: BigInt(charges.length),
    amountSum,
    distinctKeys: BigInt(new Set(charges.map((c) => c.id)).size),
    payloadBytes,
    recordIndexSum,
    syncedAtMinMs: BigInt(batches[0]![0]!.syncedAt.getTime()),
    syncedAtMaxMs: BigInt(batches.at(-1)![0]!.syncedAt.getTime()),
  };
}

interface Observed extends Expected {
  envelopeOk: bigint;
  payloadHash: string;
}

async function readBack(db: DuckDBInstance, dir: string): Promise<Observed> {
  const connection = await db.connect();
  try {
    const glob = path.join(dir, '**', '*.parquet');
    const t = TARGET_BASE;
    const reader = await connection.runAndReadAll(`
      SELECT count(*)                                              AS rows,
             sum((payload->>'amount')::BIGINT)                      AS amount_sum,
             count(DISTINCT primary_key)                           AS distinct_keys,
             sum(strlen(payload::VARCHAR))                         AS payload_bytes,
             sum(record_index)                                     AS record_index_sum,
             min(epoch_ms(synced_at))                              AS synced_min,
             max(epoch_ms(synced_at))                              AS synced_max,
             count(*) FILTER (WHERE source = ${sqlString(t.source)} AND stream = ${sqlString(t.stream)}
                                AND connection = ${sqlString(t.connection)} AND environment = ${sqlString(t.environment)}
                                AND sync_id = ${sqlString(t.syncId)} AND sync_mode = ${sqlString(t.syncMode)}
                                AND cursor_value = (payload->>'created')
                                AND primary_key = (payload->>'id'))  AS envelope_ok,
             sum(hash(primary_key, payload::VARCHAR))::VARCHAR        AS payload_hash
        FROM read_parquet(${sqlString(glob)}, hive_partitioning = false)`);
    const row = reader.getRowObjects()[0]!;
    const big = (v: unknown) => BigInt(String(v));
    return {
      rows: big(row.rows),
      amountSum: big(row.amount_sum),
      distinctKeys: big(row.distinct_keys),
      payloadBytes: big(row.payload_bytes),
      recordIndexSum: big(row.record_index_sum),
      syncedAtMinMs: big(row.synced_min),
      syncedAtMaxMs: big(row.synced_max),
      envelopeOk: big(row.envelope_ok),
      payloadHash: String(row.payload_hash),
    };
  } finally {
    connection.closeSync();
  }
}

function mismatches(expected: Expected, observed: Observed): string[] {
  const problems: string[] = [];
  for (const key of Object.keys(expected) as (keyof Expected)[]) {
    if (expected[key] !== observed[key]) problems.push(`${key}: expected ${expected[key]}, read ${observed[key]}`);
  }
  if (observed.envelopeOk !== expected.rows) problems.push(`envelope columns wrong on ${expected.rows - observed.envelopeOk} rows`);
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Main

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
const secs = (ms: number) => (ms / 1000).toFixed(2);

async function main() {
  const totalStarted = performance.now();
  process.stderr.write(`building ${N} charges from ${path.relative(projectRoot, FIXTURE)}…\n`);
  const charges = buildCharges(N);
  const batches = toBatches(charges, M);
  const expected = expectedFrom(charges, batches);
  const jsonBytes = Number(expected.payloadBytes);

  const tmpRoot = await fsp.mkdtemp(path.join(os.tmpdir(), 'cdp-landing-bench-'));
  const verifyDb = await DuckDBInstance.create(':memory:');
  const rows: string[] = [];
  const failures: string[] = [];
  const hashes = new Map<string, string>();
  try {
    for (const [vi, variant] of variants.entries()) {
      const runs: RunResult[] = [];
      for (const attempt of [1, 2]) {
        process.stderr.write(`${variant.name}: run ${attempt}…`);
        const result = await measure(variant, batches, tmpRoot, `v${vi}-run${attempt}`);
        process.stderr.write(` ${secs(result.wallMs)} s\n`);
        runs.push(result);
      }
      const [cold, warm] = runs as [RunResult, RunResult];

      let check = 'n/a (nothing written)';
      if (variant.writesFiles) {
        const problems: string[] = [];
        for (const [i, run] of runs.entries()) {
          const observed = await readBack(verifyDb, run.dir);
          problems.push(...mismatches(expected, observed).map((p) => `run ${i + 1}: ${p}`));
          hashes.set(`${variant.name} run ${i + 1}`, observed.payloadHash);
          await fsp.rm(run.dir, { recursive: true, force: true });
        }
        if (problems.length > 0) failures.push(...problems.map((p) => `${variant.name}: ${p}`));
        check = problems.length === 0 ? `ok (${N} rows, Σamount ${expected.amountSum})` : 'FAILED';
      }

      const bytes = variant.writesFiles ? warm.bytes : jsonBytes;
      rows.push(
        `| ${variant.name} | ${secs(warm.wallMs)} | ${secs(cold.wallMs)} | ${Math.round(N / (warm.wallMs / 1000)).toLocaleString('en-US')} | ` +
          `${variant.writesFiles ? warm.files : 0} | ${mb(bytes)}${variant.writesFiles ? '' : ' (in memory)'} | ${(bytes / jsonBytes).toFixed(3)} | ` +
          `${warm.peakRssDeltaMb.toFixed(0)} / ${cold.peakRssDeltaMb.toFixed(0)} | ${check} |`,
      );
    }
  } finally {
    verifyDb.closeSync();
    await fsp.rm(tmpRoot, { recursive: true, force: true });
  }

  // Every writer must have landed the very same (primary_key, payload) pairs.
  const distinctHashes = new Set(hashes.values());
  if (distinctHashes.size > 1) failures.push(`payload hashes differ between writers: ${JSON.stringify(Object.fromEntries(hashes))}`);

  const totalMs = performance.now() - totalStarted;
  console.log(`## Raw landing: ${N.toLocaleString('en-US')} Stripe charges, ${M} per file (${batches.length} files)\n`);
  console.log(
    `Node ${process.version}, ${os.cpus().length} CPUs (${os.cpus()[0]?.model.trim() ?? 'unknown'}), ` +
      `JSON payload ${mb(jsonBytes)} MB (avg ${Math.round(jsonBytes / N)} B/record), total bench time ${secs(totalMs)} s\n`,
  );
  console.log('| Writer | Wall warm (s) | Wall cold (s) | Records/s (warm) | Files | Size (MB) | Size / JSON | Peak RSS Δ warm / cold (MB) | Read-back check |');
  console.log('|---|---:|---:|---:|---:|---:|---:|---:|---|');
  for (const row of rows) console.log(row);
  console.log(
    `\nRead-back: rows, Σamount, distinct keys, payload bytes, Σrecord_index, synced_at range and envelope constants ` +
      `checked against JS; (primary_key, payload) hash ${distinctHashes.size === 1 ? 'identical across all writers' : 'DIFFERS between writers'}.`,
  );
  if (stringifySink < 0) console.log(stringifySink); // keeps the floor's work observable
  if (failures.length > 0) {
    console.error(`\nVERIFICATION FAILED:\n${failures.map((f) => `- ${f}`).join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
