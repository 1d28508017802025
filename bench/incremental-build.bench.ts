// Incremental builds on the rebuild benchmark's synthetic Stripe account: a build with nothing new,
// and a build after a sync that added and changed a share of the orders, each checked against the
// figures the data written fixes (computed here without DuckDB).
//
//   npx tsx bench/incremental-build.bench.ts --from <dir kept by rebuild.bench.ts> [--change 0.01] [--runs 1] [--profile] [--lake embedded|postgres-s3]
//
// On the embedded lake the account is copied once into `<from>-incremental` (its Parquet, imported
// into a lake of its own) and kept there: the first run builds it in full, and every run after starts
// from the last run's warehouse. With `--lake postgres-s3` each run imports it into a new lake on a
// PostgreSQL and an S3 server of its own, in a temporary folder, and builds it in full first. Each run lands new charges (half the change) and refunds in full as many existing
// ones, then builds, then materializes the segments.
import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { loadConfig, type LoadedConfig } from '../lib/config';
import { withLake } from '../lib/lake/lake-session';
import { closeLakes, inLakeTransaction, openLake } from '../lib/lake/open-lake';
import { PROJECT_ROOT } from '../lib/paths';
import { materializeSegments } from '../lib/segments/materialize';
import { buildWarehouse, type BuildResult, type ModelTiming } from '../lib/warehouse/build-warehouse';
import { exportLakeEnv, startLakeServers } from '../test/support/lake-servers';
import { chargePayloadSql, expectedStripeOrders, importSyntheticIntoLake, readOrderFigures, writeBenchConfig, type OrderFigures } from './synthetic-stripe';

interface Changes {
  /** Runs that changed the account so far. */
  runs: number;
}

/** One run's change: the new charges' numbers, and which existing ones it refunds in full (number mod `every` = `residue`, not failed). */
function changeOf(run: number, orders: number, change: number): { from: number; to: number; every: number; residue: number } {
  const added = Math.max(1, Math.round((orders * change) / 2));
  const every = Math.max(2, Math.round(2 / change));
  return { from: orders + run * added, to: orders + (run + 1) * added, every, residue: (run + 1) % every };
}

/** What core.orders holds after `runs` runs' changes, from the generator's rules. */
function expectedAfter(orders: number, customers: number, runs: number, change: number): OrderFigures {
  const changes = Array.from({ length: runs }, (_, r) => changeOf(r, orders, change));
  const f = expectedStripeOrders(changes.at(-1)?.to ?? orders, customers);
  // The charges refunded in full: their refund is the whole amount, and they keep nothing.
  for (let i = 0; i < orders; i++) {
    if (i % 20 === 0 || !changes.some((c) => i % c.every === c.residue)) continue;
    const amount = 1000 + (i % 40) * 250;
    const before = i % 37 === 0 ? 500 : 0;
    f.refundedMinor += amount - before;
    f.netMinor -= amount - before;
    if (before > 0) f.partlyRefunded--;
  }
  return f;
}

async function landChange(config: LoadedConfig, run: number, orders: number, customers: number, change: number): Promise<number> {
  const c = changeOf(run, orders, change);
  const syncedAt = new Date(Date.parse('2026-11-02T00:00:00Z') + run * 3_600_000).toISOString();
  const envelope = (batch: number) => `'stripe' AS source, 'charges' AS stream, 'bench' AS connection, 'live' AS environment,
    TIMESTAMPTZ '${syncedAt}' AS synced_at, 'bench-incremental-${run}' AS sync_id, 'incremental' AS sync_mode, ${batch} AS batch_seq, NULL::INTEGER AS slice`;
  return withLake(await openLake(config.storage, config.layout), (db) =>
    inLakeTransaction(db, async () => {
      const added = await db.runAndReadAll(`INSERT INTO lake.raw.stripe__charges BY NAME
        SELECT ${envelope(0)}, p.payload->>'id' AS primary_key, p.payload->>'created' AS cursor_value, (i - ${c.from})::INTEGER AS record_index, p.payload
        FROM range(${c.from}, ${c.to}) AS r(i), LATERAL (SELECT (${chargePayloadSql('i', customers)})::JSON AS payload) AS p`);
      const refunded = await db.runAndReadAll(`INSERT INTO lake.raw.stripe__charges BY NAME
        SELECT ${envelope(1)}, primary_key, cursor_value, (row_number() OVER () - 1)::INTEGER AS record_index,
          json_merge_patch(payload, json_object('refunded', true, 'amount_refunded', payload->'amount'))::JSON AS payload
        FROM lake.raw.stripe__charges
        WHERE sync_id = 'bench-historical-1' AND primary_key[4:]::BIGINT < ${orders}
          AND primary_key[4:]::BIGINT % ${c.every} = ${c.residue} AND primary_key[4:]::BIGINT % 20 <> 0`);
      return Number(added.getRowObjectsJS()[0]!.Count) + Number(refunded.getRowObjectsJS()[0]!.Count);
    }),
  );
}

async function ordersFigures(warehouse: string): Promise<OrderFigures> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  try {
    return await readOrderFigures(db);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

interface Step {
  result: BuildResult;
  cpuMs: number;
  timings: (ModelTiming & { cpuMs: number })[];
}

async function timedBuild(config: LoadedConfig, modelsDir: string): Promise<Step> {
  const timings: Step['timings'] = [];
  let cpuAtStart = process.cpuUsage();
  const cpu = process.cpuUsage();
  const result = await buildWarehouse(config, {
    modelsDir,
    onProgress: () => {
      cpuAtStart = process.cpuUsage();
    },
    onModelBuilt: (t) => {
      const used = process.cpuUsage(cpuAtStart);
      timings.push({ ...t, cpuMs: (used.user + used.system) / 1000 });
    },
  });
  const used = process.cpuUsage(cpu);
  return { result, cpuMs: (used.user + used.system) / 1000, timings };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

function describe(step: Step): string {
  const r = step.result;
  const what = r.mode === 'unchanged' ? r.reason : `${r.rebuilt.length} models made again, ${r.rawRows.toLocaleString('en')} raw rows ${r.mode === 'full' ? 'copied' : 'appended'}`;
  return `| ${r.mode} | ${seconds(r.durationMs)} | ${seconds(step.cpuMs)} | ${what} |`;
}

function printProfile(step: Step): void {
  const top = [...step.timings].sort((a, b) => b.cpuMs - a.cpuMs).slice(0, 12);
  console.log('| step | wall | CPU | rows |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const t of top) console.log(`| \`${t.model}\` | ${seconds(t.buildMs + t.testMs)} | ${seconds(t.cpuMs)} | ${t.rows?.toLocaleString('en') ?? 'view'} |`);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      from: { type: 'string' },
      change: { type: 'string', default: '0.01' },
      runs: { type: 'string', default: '1' },
      'memory-limit': { type: 'string' },
      profile: { type: 'boolean', default: false },
      'no-segments': { type: 'boolean', default: false },
      lake: { type: 'string', default: 'embedded' },
    },
  });
  if (values.lake !== 'embedded' && values.lake !== 'postgres-s3') throw new Error(`--lake must be embedded or postgres-s3, got "${values.lake}"`);
  if (!values.from) throw new Error('--from names a folder kept by rebuild.bench.ts (--keep)');
  const from = path.resolve(values.from);
  const change = Number(values.change);
  if (!(change > 0 && change <= 0.5)) throw new Error(`--change is a share of the orders between 0 and 0.5, not "${values.change}"`);
  const { orders, customers } = JSON.parse(fs.readFileSync(path.join(from, 'bench-size.json'), 'utf8')) as { orders: number; customers: number };
  const servers = values.lake === 'postgres-s3' ? await startLakeServers() : undefined;
  const restoreEnv = servers ? exportLakeEnv(servers.env) : undefined;
  const dir = servers ? fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-incremental-bench-')) : `${from}-incremental`;
  console.log(`machine: ${os.cpus().length} cores, ${Math.round(os.totalmem() / 2 ** 30)} GiB; node ${process.version}; ${orders.toLocaleString('en')} orders, ${customers.toLocaleString('en')} customers; change ${change * 100}% a run; lake ${values.lake}; load ${os.loadavg()[0]!.toFixed(1)}`);
  if (!fs.existsSync(path.join(dir, 'data', 'raw'))) {
    fs.mkdirSync(path.join(dir, 'data'), { recursive: true });
    fs.cpSync(path.join(from, 'data', 'raw'), path.join(dir, 'data', 'raw'), { recursive: true });
    const ms = await importSyntheticIntoLake(dir, servers?.storage);
    console.log(`copied the account into ${dir} and imported it into its lake in ${seconds(ms)}`);
  }
  const configFile = writeBenchConfig(dir, { memory_limit: values['memory-limit'] }, servers?.storage);
  const segmentsDir = path.join(dir, 'segments');
  fs.rmSync(segmentsDir, { recursive: true, force: true });
  fs.mkdirSync(segmentsDir);
  if (!values['no-segments']) for (const f of fs.readdirSync(path.join(PROJECT_ROOT, 'segments'))) fs.copyFileSync(path.join(PROJECT_ROOT, 'segments', f), path.join(segmentsDir, f));
  const config = loadConfig(configFile);
  const modelsDir = path.join(PROJECT_ROOT, 'models');
  const changesFile = path.join(dir, 'bench-changes.json');
  const changes: Changes = fs.existsSync(changesFile) ? (JSON.parse(fs.readFileSync(changesFile, 'utf8')) as Changes) : { runs: 0 };
  const problems: string[] = [];
  const check = async (when: string, warehouse: string) => {
    const built = await ordersFigures(warehouse);
    const expected = expectedAfter(orders, customers, changes.runs, change);
    for (const key of Object.keys(expected) as (keyof OrderFigures)[]) {
      if (built[key] !== expected[key]) problems.push(`${when}: core.orders ${key} is ${built[key]}, the data written gives ${expected[key]}`);
    }
  };
  const segments = async () => {
    if (values['no-segments']) return '';
    const cpu = process.cpuUsage();
    const m = await materializeSegments(config);
    const used = process.cpuUsage(cpu);
    for (const f of m.failed) problems.push(`segment ${f.segment}: ${f.error}`);
    return `; segments ${seconds(m.durationMs)} (CPU ${seconds((used.user + used.system) / 1000)})`;
  };

  console.log('| build | wall | CPU | what it did |');
  console.log('| --- | ---: | ---: | --- |');
  // Up to date first: the first run builds in full.
  const first = await timedBuild(config, modelsDir);
  console.log(`${describe(first)}${await segments()}`);
  await check('first build', first.result.warehouse);
  for (let run = 0; run < Number(values.runs); run++) {
    const idle = await timedBuild(config, modelsDir);
    console.log(describe(idle));
    if (idle.result.mode !== 'unchanged') problems.push(`a build with nothing new was ${idle.result.mode}: ${idle.result.reason}`);
    const landed = await landChange(config, changes.runs, orders, customers, change);
    changes.runs++;
    fs.writeFileSync(changesFile, JSON.stringify(changes));
    const after = await timedBuild(config, modelsDir);
    console.log(`${describe(after)} (after landing ${landed.toLocaleString('en')} charges)${await segments()}`);
    if (after.result.mode !== 'incremental') problems.push(`the build after a sync was ${after.result.mode}: ${after.result.reason}`);
    await check(`run ${run + 1}`, after.result.warehouse);
    if (values.profile) printProfile(after);
  }
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  console.log(`peak RSS ${hwm ? Math.round(Number(hwm[1]) / 1024) : '?'} MB; load ${os.loadavg()[0]!.toFixed(1)}${servers ? '' : `; kept ${dir}`}`);
  await closeLakes();
  if (servers) {
    restoreEnv?.();
    await servers.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
  for (const p of problems) console.error(p);
  if (problems.length > 0) process.exit(1);
}

await main();
