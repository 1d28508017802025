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
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { buildWarehouse } from '../lib/warehouse/build-warehouse';
import { loadConfig } from '../lib/config';
import { PROJECT_ROOT } from '../lib/paths';
import { writeBenchConfig, writeSyntheticStripe } from './synthetic-stripe';

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
      const configFile = writeBenchConfig(dir);
      const genStart = Date.now();
      await writeSyntheticStripe(dir, orders, customers);
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
