// What publishing a build's models into the lake costs, on a warehouse a rebuild bench kept.
//
//   npx tsx bench/publish.bench.ts --reuse <dir kept by rebuild.bench.ts --keep> [--method publish|copy-database] [--runs 2]
//     [--keep-replaced-ms N]   # how long replaced models' files stay (the build's default: an hour)
//     [--lake embedded|postgres-s3]
//
// Publishes `<dir>/data/warehouse.duckdb` into a new lake (embedded, in a folder of its own, or on
// a throwaway PostgreSQL and S3 server: test/support/lake-servers.ts; the kept dir is left as it is), `--runs` times one after the other, each in a child process: the first into
// the empty lake, the next ones over the models the previous run published, as every build after the
// first does. `publish` is the build's way (lib/warehouse/publish-models.ts: the file attached
// read-only, each table copied by CREATE TABLE ... AS SELECT and each view created again, in one lake
// transaction); `copy-database` is DuckDB's COPY FROM DATABASE of the whole file into the empty lake
// in one transaction (first run only: it cannot replace what is there, and it copies every schema).
// Reports each run's wall time and CPU time (of the publish alone with `publish`), peak RSS,
// the lake's size on disk after it, and the published tables whose row count is not the file's.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LAKE, openLake } from '../lib/lake/open-lake';
import { dataLayout, PROJECT_ROOT } from '../lib/paths';
import { sqlIdent, sqlString } from '../lib/sql';
import { publishModels, PUBLISHED_MODELS } from '../lib/warehouse/publish-models';
import type { StorageConfig } from '../lib/lake/storage-config';
import { startLakeServers, type LakeServers } from '../test/support/lake-servers';

const bytesUnder = (p: string): number => {
  if (!fs.existsSync(p)) return 0;
  const stat = fs.statSync(p);
  if (!stat.isDirectory()) return stat.size;
  return fs.readdirSync(p).reduce((n, f) => n + bytesUnder(path.join(p, f)), 0);
};

/** The published tables whose row count is not the file's, and the published views that do not answer. */
async function differingTables(config: { storage: object; layout: ReturnType<typeof dataLayout> }, built: string): Promise<string[]> {
  const db = await (await openLake(config.storage, config.layout)).connect();
  await db.run(`ATTACH ${sqlString(built)} AS built (READ_ONLY)`);
  const differing: string[] = [];
  try {
    const models = (await db.runAndReadAll(`SELECT schema_name, model_name, kind FROM ${PUBLISHED_MODELS}`)).getRowObjectsJS();
    for (const m of models) {
      const name = `${sqlIdent(String(m.schema_name))}.${sqlIdent(String(m.model_name))}`;
      try {
        if (m.kind === 'view') {
          await db.run(`SELECT * FROM ${LAKE}.${name} LIMIT 0`);
          continue;
        }
        const row = (await db.runAndReadAll(`SELECT (SELECT count(*) FROM ${LAKE}.${name}) = (SELECT count(*) FROM built.${name}) AS same`)).getRowObjectsJS()[0]!;
        if (!row.same) differing.push(name);
      } catch (err) {
        differing.push(`${name}: ${(err as Error).message.split('\n')[0]}`);
      }
    }
  } finally {
    await db.run('DETACH built');
    db.closeSync();
  }
  return differing;
}

/** The child: one publish of `built` into the embedded lake of `dataDir`, printed as one JSON line. */
async function runChild(built: string, dataDir: string, method: string, keepReplacedMs: number | undefined, storage: StorageConfig): Promise<void> {
  const config = { storage, layout: dataLayout(dataDir) };
  const started = performance.now();
  let detail: unknown;
  if (method === 'publish') {
    const cpuBefore = process.cpuUsage();
    const published = await publishModels(config, built, { keepReplacedMs });
    const ms = performance.now() - started;
    const cpu = process.cpuUsage(cpuBefore);
    detail = { ...published, differing: await differingTables(config, built), ms, cpuMs: (cpu.user + cpu.system) / 1000 };
  } else {
    const db = await (await openLake(config.storage, config.layout)).connect();
    await db.run(`ATTACH ${sqlString(built)} AS built (READ_ONLY)`);
    await db.run('BEGIN TRANSACTION');
    await db.run(`COPY FROM DATABASE built TO ${LAKE}`);
    await db.run('COMMIT');
    db.closeSync();
  }
  const ms = (detail as { ms?: number } | undefined)?.ms ?? performance.now() - started;
  const cpu = process.cpuUsage();
  const cpuMs = (detail as { cpuMs?: number } | undefined)?.cpuMs ?? (cpu.user + cpu.system) / 1000;
  const hwm = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync('/proc/self/status', 'utf8'));
  console.log(JSON.stringify({ ms, cpuMs, peakRssMb: hwm ? Math.round(Number(hwm[1]) / 1024) : -1, detail }));
}

const { values } = parseArgs({
  options: {
    reuse: { type: 'string' },
    method: { type: 'string', default: 'publish' },
    runs: { type: 'string', default: '2' },
    child: { type: 'string' },
    'data-dir': { type: 'string' },
    'keep-replaced-ms': { type: 'string' },
    lake: { type: 'string', default: 'embedded' },
    storage: { type: 'string', default: '{}' },
  },
});

if (values.child) {
  await runChild(values.child, values['data-dir']!, values.method!, values['keep-replaced-ms'] === undefined ? undefined : Number(values['keep-replaced-ms']), JSON.parse(values.storage!) as StorageConfig);
} else {
  if (!values.reuse) throw new Error('--reuse <dir kept by rebuild.bench.ts --keep> is required');
  const built = path.join(values.reuse, 'data', 'warehouse.duckdb');
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-publish-bench-'));
  const runs = values.method === 'copy-database' ? 1 : Number(values.runs);
  if (values.lake !== 'embedded' && values.lake !== 'postgres-s3') throw new Error(`--lake must be embedded or postgres-s3, got "${values.lake}"`);
  const servers: LakeServers | undefined = values.lake === 'postgres-s3' ? await startLakeServers() : undefined;
  const storage = JSON.stringify(servers?.storage ?? {});
  console.log(`publishing ${built} (${(fs.statSync(built).size / 1e6).toFixed(0)} MB) into ${dataDir} by ${values.method}, load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')}`);
  try {
    for (let run = 1; run <= runs; run++) {
      const child = spawnSync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'bench', 'publish.bench.ts'), '--child', built, '--data-dir', dataDir, '--method', values.method!, '--storage', storage, ...(values['keep-replaced-ms'] ? ['--keep-replaced-ms', values['keep-replaced-ms']] : [])], {
        cwd: PROJECT_ROOT,
        encoding: 'utf8',
        env: { ...process.env, ...servers?.env },
      });
      if (child.status !== 0) throw new Error(`run ${run} failed: ${child.stderr}`);
      const result = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { ms: number; cpuMs: number; peakRssMb: number; detail: unknown };
      const lake = servers
        ? `lake ${(await servers.s3.listKeys('cdp-lake')).length} objects in S3`
        : `lake ${((bytesUnder(path.join(dataDir, 'lake')) + bytesUnder(path.join(dataDir, 'lake.sqlite'))) / 1e6).toFixed(0)} MB`;
      console.log(
        `run ${run} (${values.lake}): ${(result.ms / 1000).toFixed(1)} s wall, ${(result.cpuMs / 1000).toFixed(1)} s CPU, ${result.peakRssMb} MB peak, ${lake}; ${JSON.stringify(result.detail)}; load ${os.loadavg()[0]!.toFixed(2)}`,
      );
    }
  } finally {
    fs.rmSync(dataDir, { recursive: true, force: true });
    await servers?.stop();
  }
}
