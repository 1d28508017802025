// Attribution layer time and peak memory: every attribution model over about a million conversions
// and five million touches.
//
//   npx tsx bench/attribution.bench.ts [--people 400000] [--touches 5000000] [--orders 650000] [--keep]
//   npx tsx bench/attribution.bench.ts --reuse <dir> [--models <models dir>]
//   either with [--memory-limit 3GB] [--threads 2]: DuckDB's memory_limit and threads for the build
//
// It writes the synthetic config, core and marts tables of `synthetic-attribution.ts` into a DuckDB
// file in a temp dir (or reuses a dir kept by `--keep`), then in a child process builds only the
// attribution layer the way `buildWarehouse` does: each model of `models/attribution/` as a table
// (or a view where it asks) and the computed Markov shares, in dependency order, each followed by its model tests. It reports
// the time of each model and its tests, and peak RSS (process.memoryUsage().rss sampled every 5 ms;
// it includes DuckDB's native memory) and CPU time. It exits 1 when a model test fails, `attribution.credit_check`
// has a row that is not balanced, `attribution_by_campaign` does not add up to the conversions per model, the conversions differ from what the data fixes, or the touches
// differ from the touchpoints written. `--models` builds the attribution layer of another models
// folder (a copy of `models/` with a change to try) over the same data.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { computedModels } from '../lib/warehouse/computed-models';
import { orderModels, readModels, type ModelFile } from '../lib/warehouse/model-files';
import { inBenchDir } from './bench-dir';
import { PROJECT_ROOT } from '../lib/paths';
import { sqlIdent, sqlString } from '../lib/sql';
import { expectedConversions, writeSyntheticAttribution, type AttributionSizes } from './synthetic-attribution';

const RSS_SAMPLE_MS = 5;
const WAREHOUSE_FILE = 'warehouse.duckdb';
const SIZES_FILE = 'sizes.json';
/** first_touch, last_touch, last_non_direct, linear, position_based, time_decay, markov. */
const CREDIT_MODELS = 7;

interface ModelTiming {
  model: string;
  /** Rows of a table; views are not counted, as in the build. */
  rows: number | null;
  buildMs: number;
  testsMs: number;
  /** CPU time of the process (every DuckDB thread) for the model and its tests: steadier than wall time on a shared machine. */
  cpuMs: number;
  /** The highest RSS sampled while the model and its tests ran. */
  peakRssMb: number;
}

interface ChildResult {
  duckdb: string;
  models: ModelTiming[];
  checkpointMs: number;
  totalMs: number;
  /** CPU time of the whole build, checkpoint included. */
  totalCpuMs: number;
  baseRssMb: number;
  peakRssMb: number;
  conversions: Record<string, number>;
  /** Rows of the main tables (or views), counted after the timed build. */
  rows: LayerRows;
  problems: string[];
}

interface LayerRows {
  touches: number;
  conversions: number;
  conversionTouches: number;
  credits: number;
}

const mb = (bytes: number) => Math.round(bytes / 2 ** 20);
const seconds = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
const count = (n: number) => n.toLocaleString('en');
const cpuMs = (usage: NodeJS.CpuUsage) => (usage.user + usage.system) / 1000;

async function readRows(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS();
}

/** The model tests the build runs after a model (`-- unique:` and `-- not_null:` headers), each a query counting the rows that break it. */
function modelTests(model: ModelFile): { test: string; sql: string }[] {
  const table = `${model.layer}.${sqlIdent(model.name)}`;
  const unique = model.unique.map((columns) => ({
    test: `unique (${columns})`,
    sql: `SELECT count(*) AS n FROM (SELECT ${columns.split(',').map((c) => sqlIdent(c.trim())).join(', ')} FROM ${table} GROUP BY ALL HAVING count(*) > 1)`,
  }));
  const notNull = model.notNull.map((column) => ({ test: `not_null ${column}`, sql: `SELECT count(*) AS n FROM ${table} WHERE ${sqlIdent(column)} IS NULL` }));
  return [...unique, ...notNull];
}

/** Builds one model as `buildWarehouse` does (a table, or a view where the model asks), then runs its tests and counts a table's rows. */
async function buildModel(db: DuckDBConnection, model: ModelFile): Promise<{ timing: Omit<ModelTiming, 'peakRssMb'>; failed: string[] }> {
  const kind = model.materialized === 'view' ? 'VIEW' : 'TABLE';
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  if (model.compute) await model.compute(db);
  else await db.run(`CREATE ${kind} ${model.layer}.${sqlIdent(model.name)} AS ${model.sql}`);
  const t1 = performance.now();
  const failed: string[] = [];
  for (const { test, sql } of modelTests(model)) {
    const n = Number((await readRows(db, sql))[0]!.n);
    if (n > 0) failed.push(`${model.layer}.${model.name}: ${test} fails on ${n} row(s)`);
  }
  const rows = kind === 'TABLE' ? Number((await readRows(db, `SELECT count(*) AS n FROM ${model.layer}.${sqlIdent(model.name)}`))[0]!.n) : null;
  return { timing: { model: `${model.layer}.${model.name}`, rows, buildMs: t1 - t0, testsMs: performance.now() - t1, cpuMs: cpuMs(process.cpuUsage(cpu0)) }, failed };
}

/** What the data fixes: conversions per kind, a touch per touchpoint, every credit model balanced for each kind. */
async function checkResults(db: DuckDBConnection, sizes: AttributionSizes): Promise<{ conversions: Record<string, number>; rows: LayerRows; problems: string[] }> {
  const problems: string[] = [];
  const conversions: Record<string, number> = {};
  for (const r of await readRows(db, 'SELECT kind, count(*) AS n FROM attribution.conversions GROUP BY kind')) conversions[String(r.kind)] = Number(r.n);
  for (const [kind, expected] of Object.entries(expectedConversions(sizes))) {
    if (conversions[kind] !== expected) problems.push(`${kind} conversions: ${conversions[kind] ?? 0}, the data fixes ${expected}`);
  }
  const counted = await readRows(
    db,
    `SELECT (SELECT count(*) FROM attribution.touches) AS touches, (SELECT count(*) FROM attribution.conversions) AS conversions,
       (SELECT count(*) FROM attribution.conversion_touches) AS conversion_touches, (SELECT count(*) FROM attribution.attribution_credits) AS credits`,
  );
  const rows: LayerRows = {
    touches: Number(counted[0]!.touches),
    conversions: Number(counted[0]!.conversions),
    conversionTouches: Number(counted[0]!.conversion_touches),
    credits: Number(counted[0]!.credits),
  };
  if (rows.touches !== sizes.touches) problems.push(`attribution.touches has ${rows.touches} rows, ${sizes.touches} touchpoints were written`);
  const checks = await readRows(
    db,
    `SELECT model, environment, kind, balanced, credited - conversions AS credit_gap,
       credited_invoiced_minor - invoiced_minor AS invoiced_gap, credited_collected_minor - collected_minor AS collected_gap
     FROM attribution.credit_check ORDER BY ALL`,
  );
  for (const c of checks.filter((c) => c.balanced !== true)) {
    problems.push(
      `credit_check: ${c.model} ${c.environment} ${c.kind} is not balanced (credited minus conversions ${c.credit_gap}, ` +
        `invoiced gap ${c.invoiced_gap ?? 0}, collected gap ${c.collected_gap ?? 0} minor units)`,
    );
  }
  // What the reports read: per model, the campaign days add up to every conversion and every order's money.
  const campaignTotals = await readRows(
    db,
    `WITH totals AS (SELECT count(*) FILTER (WHERE kind = 'lead') AS all_leads, count(*) FILTER (WHERE kind = 'customer') AS all_customers,
         sum(invoiced_minor) AS all_invoiced, sum(collected_minor) AS all_collected FROM attribution.conversions)
     SELECT c.model, abs(sum(c.leads) - any_value(all_leads)) AS lead_gap, abs(sum(c.customers) - any_value(all_customers)) AS customer_gap,
       sum(c.invoiced_minor) - any_value(all_invoiced) AS invoiced_gap, sum(c.collected_minor) - any_value(all_collected) AS collected_gap
     FROM attribution.attribution_by_campaign AS c, totals GROUP BY c.model ORDER BY c.model`,
  );
  for (const c of campaignTotals) {
    if (Number(c.lead_gap) > 1e-6 || Number(c.customer_gap) > 1e-6 || Number(c.invoiced_gap) !== 0 || Number(c.collected_gap) !== 0) {
      problems.push(`attribution_by_campaign: ${c.model} does not add up to the conversions (leads off by ${c.lead_gap}, customers by ${c.customer_gap}, invoiced ${c.invoiced_gap}, collected ${c.collected_gap} minor units)`);
    }
  }
  if (campaignTotals.length !== CREDIT_MODELS) problems.push(`attribution_by_campaign has ${campaignTotals.length} models, expected ${CREDIT_MODELS}`);
  const expectedChecks = CREDIT_MODELS * Object.keys(conversions).length;
  if (checks.length !== expectedChecks) problems.push(`credit_check has ${checks.length} rows, expected ${expectedChecks} (every model for every kind)`);
  return { conversions, rows, problems };
}

/** The child: builds the attribution layer over the dir's warehouse and prints timings, peak RSS and problems as JSON. */
async function runChild(dir: string, modelsDir: string, limits: { memoryLimit: string; threads: number }): Promise<void> {
  const sizes = JSON.parse(fs.readFileSync(path.join(dir, SIZES_FILE), 'utf8')) as AttributionSizes;
  const models = orderModels(readModels(modelsDir, computedModels())).filter((m) => m.layer === 'attribution');
  const instance = await DuckDBInstance.create(path.join(dir, WAREHOUSE_FILE));
  const db = await instance.connect();
  try {
    await db.run("SET TimeZone = 'UTC'");
    await db.run(`SET memory_limit = ${sqlString(limits.memoryLimit)}`);
    await db.run(`SET threads = ${limits.threads}`);
    await db.run('DROP SCHEMA IF EXISTS attribution CASCADE');
    await db.run('CHECKPOINT');
    const setup = (await readRows(db, "SELECT current_setting('threads') AS threads, current_setting('memory_limit') AS memory_limit, version() AS version"))[0]!;
    const base = process.memoryUsage.rss();
    let peak = base;
    let modelPeak = base;
    const sample = () => {
      const rss = process.memoryUsage.rss();
      peak = Math.max(peak, rss);
      modelPeak = Math.max(modelPeak, rss);
    };
    const timer = setInterval(sample, RSS_SAMPLE_MS);
    const timings: ModelTiming[] = [];
    const problems: string[] = [];
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    let checkpointMs: number;
    try {
      await db.run('CREATE SCHEMA attribution');
      for (const model of models) {
        modelPeak = process.memoryUsage.rss();
        const { timing, failed } = await buildModel(db, model);
        sample();
        timings.push({ ...timing, peakRssMb: mb(modelPeak) });
        problems.push(...failed);
      }
      const t1 = performance.now();
      await db.run('CHECKPOINT');
      checkpointMs = performance.now() - t1;
    } finally {
      clearInterval(timer);
    }
    const totalMs = performance.now() - t0;
    const totalCpuMs = cpuMs(process.cpuUsage(cpu0));
    sample();
    const checked = await checkResults(db, sizes);
    const out: ChildResult = {
      duckdb: `${setup.version}, ${setup.threads} threads, memory_limit ${setup.memory_limit}`,
      models: timings,
      checkpointMs,
      totalMs,
      totalCpuMs,
      baseRssMb: mb(base),
      peakRssMb: mb(peak),
      conversions: checked.conversions,
      rows: checked.rows,
      problems: [...problems, ...checked.problems],
    };
    process.stdout.write(`${JSON.stringify(out)}\n`);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/** Writes the synthetic inputs into a new warehouse file in `dir`; returns how long it took. */
async function generate(dir: string, sizes: AttributionSizes): Promise<number> {
  const t0 = performance.now();
  const instance = await DuckDBInstance.create(path.join(dir, WAREHOUSE_FILE));
  const db = await instance.connect();
  try {
    await writeSyntheticAttribution(db, sizes, dir);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
  fs.writeFileSync(path.join(dir, SIZES_FILE), JSON.stringify(sizes));
  return performance.now() - t0;
}

function printResults(sizes: AttributionSizes, r: ChildResult, genMs: number | undefined): void {
  const rowsText = (rows: number | null) => (rows === null ? 'view' : count(rows));
  const buildMs = r.models.reduce((sum, m) => sum + m.buildMs, 0);
  const testsMs = r.models.reduce((sum, m) => sum + m.testsMs, 0);
  console.log(`DuckDB ${r.duckdb}; conversions by kind: ${Object.entries(r.conversions).map(([k, n]) => `${k} ${count(n)}`).join(', ')}`);
  console.log('| people | touches | conversions | conversion touches | credits | generate | models | tests | checkpoint | total | CPU | peak RSS |');
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  console.log(
    `| ${count(sizes.people)} | ${count(r.rows.touches)} | ${count(r.rows.conversions)} | ${count(r.rows.conversionTouches)} | ${count(r.rows.credits)} ` +
      `| ${genMs === undefined ? 'reused' : seconds(genMs)} | ${seconds(buildMs)} | ${seconds(testsMs)} | ${seconds(r.checkpointMs)} | ${seconds(r.totalMs)} | ${seconds(r.totalCpuMs)} | ${count(r.peakRssMb)} MB |`,
  );
  console.log(`RSS before the models: ${count(r.baseRssMb)} MB`);
  console.log('');
  console.log('| model | rows | build | tests | CPU | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const m of r.models) {
    console.log(`| \`${m.model}\` | ${rowsText(m.rows)} | ${(m.buildMs / 1000).toFixed(2)} s | ${(m.testsMs / 1000).toFixed(2)} s | ${(m.cpuMs / 1000).toFixed(2)} s | ${count(m.peakRssMb)} MB |`);
  }
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      people: { type: 'string', default: '400000' },
      touches: { type: 'string', default: '5000000' },
      orders: { type: 'string', default: '650000' },
      reuse: { type: 'string' },
      keep: { type: 'boolean', default: false },
      models: { type: 'string', default: path.join(PROJECT_ROOT, 'models') },
      child: { type: 'string' },
      'memory-limit': { type: 'string', default: '3GB' },
      threads: { type: 'string', default: '2' },
    },
  });
  const modelsDir = path.resolve(values.models);
  const limits = { memoryLimit: values['memory-limit'], threads: Number(values.threads) };
  if (values.child) return runChild(values.child, modelsDir, limits);
  await inBenchDir('cdp-attribution-bench-', { reuse: values.reuse, keep: values.keep }, async (dir) => {
    if (modelsDir !== path.join(PROJECT_ROOT, 'models')) console.log(`models: ${modelsDir}`);
    let genMs: number | undefined;
    let sizes: AttributionSizes;
    if (values.reuse) sizes = JSON.parse(fs.readFileSync(path.join(dir, SIZES_FILE), 'utf8')) as AttributionSizes;
    else {
      sizes = { people: Number(values.people), touches: Number(values.touches), orders: Number(values.orders) };
      genMs = await generate(dir, sizes);
    }
    const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'attribution.bench.ts'), '--child', dir, '--models', modelsDir, '--memory-limit', limits.memoryLimit, '--threads', String(limits.threads)], {
      encoding: 'utf8',
      cwd: PROJECT_ROOT,
    });
    if (child.status !== 0) throw new Error(`attribution build failed:\n${child.stderr}`);
    const r = JSON.parse(child.stdout.trim().split('\n').pop()!) as ChildResult;
    printResults(sizes, r, genMs);
    return r.problems;
  });
}

await main();
