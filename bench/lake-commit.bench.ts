/**
 * What one landing commit costs as the lake grows, by catalog and data-inlining setting.
 *
 * A lake with `--tables` other tables (30 VARCHAR columns each, as published models are) gets
 * `--commits` landing transactions, each as a sync's: read the stream's state row, append 50 JSON
 * rows to a raw table, replace the state row, commit; every one on a new connection of the engine.
 * Inlining settings: `default` (DuckLake's: changes under 10 rows kept in the catalog), `off` (none),
 * `cdp-only` (none, but for the state table's schema: what cdp attaches with). Catalogs: the embedded
 * SQLite file, a DuckDB file (one process only, for comparison) and PostgreSQL (a throwaway server).
 * Reported: the median milliseconds per commit over the first and the last 50, and the tables the
 * catalog holds for inlined data (one per table inlined into): each query of the SQLite catalog pays
 * for every table the catalog database has.
 *
 *   npx tsx bench/lake-commit.bench.ts [--tables 10,300] [--commits 200] [--catalogs sqlite,duckdb,postgres] [--inlining default,off,cdp-only]
 */
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { ensureLakeExtensions } from '../lib/lake/extensions';
import { sqlString } from '../lib/sql';
import { startPostgres, type TestPostgres } from '../test/support/lake-servers';

const { values: args } = parseArgs({
  options: {
    tables: { type: 'string', default: '10,300' },
    commits: { type: 'string', default: '200' },
    catalogs: { type: 'string', default: 'sqlite,duckdb,postgres' },
    inlining: { type: 'string', default: 'default,off,cdp-only' },
  },
});
const tableCounts = args.tables.split(',').map(Number);
const commits = Number(args.commits);
const catalogs = args.catalogs.split(',');
const inlinings = args.inlining.split(',');
if (tableCounts.some((n) => !Number.isInteger(n) || n < 0) || !(commits >= 100) || catalogs.some((c) => !['sqlite', 'duckdb', 'postgres'].includes(c)) || inlinings.some((i) => !['default', 'off', 'cdp-only'].includes(i))) {
  console.error('usage: --tables 10,300 --commits N (>= 100) --catalogs sqlite,duckdb,postgres --inlining default,off,cdp-only');
  process.exit(2);
}

const files = ensureLakeExtensions();
const root = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-lake-commit-'));
const postgres: TestPostgres | undefined = catalogs.includes('postgres') ? await startPostgres() : undefined;
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function run(catalog: string, inlining: string, tables: number): Promise<string> {
  const dir = fs.mkdtempSync(path.join(root, `${catalog}-`));
  let attach: string;
  if (catalog === 'sqlite') attach = `ducklake:sqlite:${path.join(dir, 'lake.sqlite')}`;
  else if (catalog === 'duckdb') attach = `ducklake:${path.join(dir, 'lake.ducklake')}`;
  else {
    const database = `commit_${path.basename(dir).replace(/\W/g, '_').toLowerCase()}`;
    await postgres!.createDatabase(database);
    attach = `ducklake:postgres:${postgres!.settings.replace(/dbname=\S+/, `dbname=${database}`)} password=${postgres!.password}`;
  }
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const setup = await instance.connect();
  for (const f of [files.ducklake, files.sqlite_scanner, files.postgres_scanner]) await setup.run(`LOAD ${sqlString(f)}`);
  const options = [`DATA_PATH ${sqlString(path.join(dir, 'lake') + path.sep)}`, "METADATA_CATALOG 'lake_catalog'"];
  if (catalog === 'sqlite') options.push("META_JOURNAL_MODE 'wal'");
  if (inlining !== 'default') options.push('DATA_INLINING_ROW_LIMIT 0');
  await setup.run(`ATTACH ${sqlString(attach)} AS lake (${options.join(', ')})`);
  await setup.run('CREATE SCHEMA lake.cdp');
  await setup.run('CREATE SCHEMA lake.raw');
  await setup.run('CREATE SCHEMA lake.models');
  if (inlining === 'cdp-only') await setup.run(`CALL lake.set_option('data_inlining_row_limit', 10, schema => 'cdp')`);
  await setup.run('CREATE TABLE lake.cdp.state (k VARCHAR, state JSON)');
  await setup.run('CREATE TABLE lake.raw.charges (k VARCHAR, payload JSON)');
  await setup.run("INSERT INTO lake.cdp.state VALUES ('s', '{}')");
  const columns = Array.from({ length: 30 }, (_, c) => `c${c} VARCHAR`).join(', ');
  await setup.run('BEGIN');
  for (let t = 0; t < tables; t++) await setup.run(`CREATE TABLE lake.models.t${t} (${columns})`);
  await setup.run('COMMIT');
  // Each of the other tables holds a few rows, as built models do.
  for (let t = 0; t < tables; t += 10) {
    await setup.run('BEGIN');
    for (let u = t; u < Math.min(tables, t + 10); u++) await setup.run(`INSERT INTO lake.models.t${u} (c0) SELECT 'v' || i FROM range(20) r(i)`);
    await setup.run('COMMIT');
  }
  const payload = JSON.stringify({ id: 'ch_1', object: 'charge', amount: 1200, currency: 'usd', description: 'x'.repeat(600) });
  const ms: number[] = [];
  for (let i = 0; i < commits; i++) {
    const started = performance.now();
    const db: DuckDBConnection = await instance.connect();
    await db.run('BEGIN');
    await db.runAndReadAll("SELECT state FROM lake.cdp.state WHERE k = 's'");
    await db.run(`INSERT INTO lake.raw.charges SELECT 'ch_' || r, ${sqlString(payload)}::JSON FROM range(50) t(r)`);
    await db.run("DELETE FROM lake.cdp.state WHERE k = 's'");
    await db.run(`INSERT INTO lake.cdp.state VALUES ('s', '{"seq":${i}}')`);
    await db.run('COMMIT');
    db.closeSync();
    ms.push(performance.now() - started);
  }
  const inlinedTables = Number((await setup.runAndReadAll('SELECT count(*) AS n FROM lake_catalog.ducklake_inlined_data_tables')).getRowObjectsJS()[0]!.n);
  setup.closeSync();
  instance.closeSync();
  return `| ${catalog} | ${inlining} | ${tables} | ${median(ms.slice(0, 50)).toFixed(1)} ms | ${median(ms.slice(-50)).toFixed(1)} ms | ${inlinedTables} |`;
}

const rows: string[] = [];
try {
  for (const catalog of catalogs) for (const inlining of inlinings) for (const tables of tableCounts) rows.push(await run(catalog, inlining, tables));
} finally {
  await postgres?.stop();
  fs.rmSync(root, { recursive: true, force: true });
}
console.log(`machine: ${os.cpus().length} cores, load average ${os.loadavg().map((l) => l.toFixed(1)).join(' ')}; ${commits} commits per run`);
console.log('| catalog | inlining | other tables | first 50 commits (median) | last 50 commits (median) | inlined-data tables in the catalog |');
console.log('| --- | --- | ---: | ---: | ---: | ---: |');
for (const r of rows) console.log(r);
