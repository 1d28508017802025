// Full warehouse rebuild time and peak memory at growing order counts.
//
//   npx tsx bench/rebuild.bench.ts [--orders 100000,1000000,10000000] [--customers-per-order 0.1]
//
// For each size it writes synthetic raw Parquet the way landing does (the envelope columns and a
// JSON payload per record: Stripe customers, and charges with customer, amount, refunds, status,
// billing details and UTM metadata), then runs the production build (`buildWarehouse`, every model
// of `models/` and its tests) in a child process, and reports the child's wall time and peak RSS
// (VmHWM, which includes DuckDB's native memory). It checks the built `core.orders` and
// `core.customers` row counts against what it wrote, and exits 1 when they differ.
import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWarehouse } from '../activities/models/build-warehouse';
import { loadConfig } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';

const ROWS_PER_FILE = 1_000_000;

/** Writes `count` records of a stream as Parquet files of at most ROWS_PER_FILE rows, the payload made by `payloadSql` from `i`. */
async function writeStream(rawDir: string, stream: string, count: number, payloadSql: string): Promise<void> {
  const dir = path.join(rawDir, 'source=stripe', `stream=${stream}`, 'connection=bench', 'sync_id=bench-historical-1');
  fs.mkdirSync(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (let start = 0, part = 0; start < count; start += ROWS_PER_FILE, part++) {
      const end = Math.min(count, start + ROWS_PER_FILE);
      const file = path.join(dir, `part-${String(part).padStart(6, '0')}.parquet`);
      await db.run(`COPY (
        SELECT 'stripe' AS source, '${stream}' AS stream, 'bench' AS connection, 'live' AS environment,
          p.payload->>'id' AS primary_key, p.payload->>'created' AS cursor_value,
          TIMESTAMPTZ '2026-11-01 00:00:00+00' AS synced_at, 'bench-historical-1' AS sync_id, 'historical' AS sync_mode,
          (i - ${start})::INTEGER AS record_index, p.payload
        FROM range(${start}, ${end}) AS r(i), LATERAL (SELECT (${payloadSql})::JSON AS payload) AS p
      ) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

async function generate(dir: string, orders: number, customers: number): Promise<void> {
  const raw = path.join(dir, 'data', 'raw');
  await writeStream(raw, 'customers', customers, `json_object(
    'id', 'cus_' || lpad(i::VARCHAR, 10, '0'), 'object', 'customer', 'livemode', true,
    'email', CASE WHEN i % 50 = 0 THEN NULL ELSE ' Person' || i || '@Example.com ' END,
    'name', 'Person ' || i, 'phone', '+1555' || lpad((i % 10000000)::VARCHAR, 7, '0'),
    'address', json_object('city', 'City ' || (i % 500), 'country', 'US', 'postal_code', lpad((i % 99999)::VARCHAR, 5, '0')),
    'created', 1700000000 + i, 'metadata', json_object())`);
  await writeStream(raw, 'charges', orders, `json_object(
    'id', 'ch_' || lpad(i::VARCHAR, 12, '0'), 'object', 'charge', 'livemode', true,
    'customer', 'cus_' || lpad((hash(i) % ${customers})::VARCHAR, 10, '0'),
    'amount', 1000 + (i % 40) * 250, 'amount_captured', CASE WHEN i % 20 = 0 THEN 0 ELSE 1000 + (i % 40) * 250 END,
    'amount_refunded', CASE WHEN i % 37 = 0 THEN 500 ELSE 0 END,
    'currency', ['usd', 'eur', 'gbp'][1 + i % 3], 'status', CASE WHEN i % 20 = 0 THEN 'failed' ELSE 'succeeded' END,
    'paid', i % 20 <> 0, 'captured', i % 20 <> 0, 'refunded', false,
    'billing_details', json_object('email', NULL, 'name', 'Person'),
    'metadata', json_object('utm_source', 'facebook', 'utm_medium', 'cpc', 'utm_campaign', 'campaign_' || (i % 30)),
    'created', 1700000000 + i * 3)`);
}

interface RunResult {
  ms: number;
  peakRssMb: number;
  orders: number;
  customers: number;
}

/** The child: builds the warehouse of the config it is given and prints time, peak RSS and row counts as JSON. */
async function runChild(configFile: string): Promise<void> {
  const config = loadConfig(configFile);
  const result = await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  const count = (model: string) => result.models.find((m) => m.model === model)?.rows ?? -1;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  const out: RunResult = { ms: result.durationMs, peakRssMb: hwm ? Math.round(Number(hwm[1]) / 1024) : -1, orders: count('core.orders'), customers: count('core.customers') };
  process.stdout.write(`${JSON.stringify(out)}\n`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { keep: { type: 'boolean', default: false }, orders: { type: 'string', default: '100000,1000000,10000000' }, 'customers-per-order': { type: 'string', default: '0.1' }, child: { type: 'string' } } });
  if (values.child) return runChild(values.child);
  const sizes = values.orders.split(',').map(Number);
  const ratio = Number(values['customers-per-order']);
  console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}`);
  console.log('| orders | customers | raw Parquet | generate | rebuild | peak RSS |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  let failed = false;
  for (const orders of sizes) {
    const customers = Math.max(1, Math.round(orders * ratio));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-rebuild-bench-'));
    try {
      const configFile = path.join(dir, 'cdp.config.yaml');
      fs.writeFileSync(configFile, [
        'data_dir: data',
        'currency_rates: { EUR: 1.1, GBP: 1.25 }',
        'connections:',
        '  - { id: bench, source: stripe, environment: live, base_url: "https://api.stripe.com", credential_env: BENCH_KEY }',
        '',
      ].join('\n'));
      const genStart = Date.now();
      await generate(dir, orders, customers);
      const genMs = Date.now() - genStart;
      const rawBytes = fs.readdirSync(path.join(dir, 'data', 'raw'), { recursive: true })
        .map((f) => path.join(dir, 'data', 'raw', String(f)))
        .filter((f) => f.endsWith('.parquet'))
        .reduce((sum, f) => sum + fs.statSync(f).size, 0);
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'rebuild.bench.ts'), '--child', configFile], { encoding: 'utf8', cwd: PROJECT_ROOT });
      if (child.status !== 0) throw new Error(`rebuild of ${orders} orders failed:\n${child.stderr}`);
      const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as RunResult;
      // Every charge is an order; customers without email (1 in 50) stay their own person, the rest are distinct emails.
      if (r.orders !== orders || r.customers !== customers) {
        failed = true;
        console.error(`row counts differ: built ${r.orders} orders and ${r.customers} customers, wrote ${orders} and ${customers}`);
      }
      console.log(`| ${orders.toLocaleString('en')} | ${customers.toLocaleString('en')} | ${(rawBytes / 2 ** 20).toFixed(0)} MB | ${(genMs / 1000).toFixed(1)} s | ${(r.ms / 1000).toFixed(1)} s | ${r.peakRssMb.toLocaleString('en')} MB |`);
    } finally {
      if (values.keep) console.log(`kept ${dir}`);
      else fs.rmSync(dir, { recursive: true, force: true });
    }
  }
  if (failed) process.exit(1);
}

await main();
