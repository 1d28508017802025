import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import readline from 'node:readline';
import { stringify } from 'yaml';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadConfig, type LoadedConfig } from '../../../lib/config';
import { ModelTestFailedError } from '../../../lib/errors';
import { closeLakes } from '../../../lib/lake/open-lake';
import type { StorageConfig } from '../../../lib/lake/storage-config';
import { PROJECT_ROOT } from '../../../lib/paths';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { openWarehouseReadOnly, warehouseSource } from '../../../lib/warehouse/open-read-only';
import { publishModels } from '../../../lib/warehouse/publish-models';
import { startLakeServers, type LakeServers } from '../../support/lake-servers';

// A build publishes its models into the lake in one lake transaction. A reader in another process
// sees the previous build's models while the build holds its copy uncommitted (the build's hook
// pauses there and asks the reader), then all of the new ones; the models the new build no longer
// has are gone; a failing build leaves the published models and the local file as they were.

const MODELS = {
  v1: {
    'core/things.sql': "-- grain: one row per thing\n-- unique: id\n-- not_null: id\nselect * from (values (1, 'v1'), (2, 'v1')) t(id, version)\n",
    'core/retired.sql': '-- grain: one row\nselect 1 as id\n',
    'core/numbers.sql': '-- grain: one row per number\nselect range as n from range(5000)\n',
    'reporting/thing_versions.sql': '-- grain: one row per version\nselect version, count(*) as things from core.things group by version\n',
  },
  v2: {
    'core/things.sql': "-- grain: one row per thing\n-- unique: id\n-- not_null: id\nselect * from (values (1, 'v2'), (2, 'v2'), (3, 'v2')) t(id, version)\n",
    'core/numbers.sql': '-- grain: one row per number\nselect range as n from range(5000)\n',
    // A 128-bit integer, which Parquet does not keep: copied inside the transaction.
    'marts/thing_count.sql': '-- grain: one row\nselect count(*) as things, sum(id)::HUGEINT as id_total from core.things\n',
    'reporting/thing_versions.sql': '-- grain: one row per version\nselect version, count(*) as things from core.things group by version\n',
  },
  broken: {
    'core/things.sql': "-- grain: one row per thing\n-- unique: id\n-- not_null: id\nselect * from (values (NULL::INTEGER, 'v3')) t(id, version)\n",
    'reporting/thing_versions.sql': '-- grain: one row per version\nselect version, count(*) as things from core.things group by version\n',
  },
};

/** What a reader sees, in one statement: the table, the view over it, and the models in the lake. */
const SEEN = `SELECT (SELECT string_agg(DISTINCT version) FROM core.things) AS version,
  (SELECT count(*)::INTEGER FROM core.things) AS things,
  (SELECT sum(things)::INTEGER FROM reporting.thing_versions) AS via_view`;
const LAKE_MODELS = `SELECT schema_name || '.' || name AS model FROM (
  SELECT schema_name, table_name AS name FROM duckdb_tables() WHERE database_name = 'lake' UNION ALL
  SELECT schema_name, view_name FROM duckdb_views() WHERE database_name = 'lake' AND NOT internal)
  WHERE schema_name IN ('core', 'marts', 'reporting') ORDER BY 1`;

const dirs: string[] = [];
const tmp = (prefix: string) => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  dirs.push(d);
  return d;
};

function writeModels(dir: string, files: Record<string, string>): string {
  fs.rmSync(dir, { recursive: true, force: true });
  for (const [file, sql] of Object.entries(files)) {
    fs.mkdirSync(path.join(dir, path.dirname(file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), sql);
  }
  return dir;
}

/** A reader process: each question is a query, answered by a reader it opens for that query. */
class ReaderProcess {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((line: string) => void)[] = [];
  constructor(storage: StorageConfig | undefined, dataDir: string, mode: 'config' | 'lake', env: Record<string, string>) {
    this.child = spawn(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'support', 'models-reader-child.ts'), JSON.stringify(storage ?? {}), dataDir, mode], {
      cwd: PROJECT_ROOT,
      env: { ...process.env, ...env },
    });
    readline.createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(line));
  }
  async ask(sql: string): Promise<{ rows?: Record<string, unknown>[]; error?: string }> {
    const answer = new Promise<string>((resolve) => this.waiting.push(resolve));
    this.child.stdin.write(`${sql.replaceAll('\n', ' ')}\n`);
    return JSON.parse(await answer);
  }
  async seen(): Promise<Record<string, unknown>> {
    const answer = await this.ask(SEEN);
    expect(answer.error).toBeUndefined();
    return answer.rows![0]!;
  }
  async models(): Promise<string[]> {
    const answer = await this.ask(LAKE_MODELS);
    expect(answer.error).toBeUndefined();
    return answer.rows!.map((r) => String(r.model));
  }
  stop(): void {
    this.child.stdin.end();
  }
}

/** What the local warehouse file holds, read in this process. */
async function localSeen(config: LoadedConfig): Promise<Record<string, unknown>> {
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    return (await db.runAndReadAll(SEEN)).getRowObjectsJS()[0]!;
  } finally {
    close();
  }
}

function workspace(storage?: StorageConfig): LoadedConfig {
  const dir = tmp('cdp-publish-');
  const configFile = path.join(dir, 'cdp.config.yaml');
  fs.writeFileSync(configFile, stringify({ data_dir: 'data', ...(storage ? { storage } : {}), warehouse: { memory_limit: '500MB', threads: 1 }, connections: [] }));
  return loadConfig(configFile);
}

const v1 = { version: 'v1', things: 2, via_view: 2 };
const v2 = { version: 'v2', things: 3, via_view: 3 };

/** The whole story, with a reader that reads the lake from another process (and, at scale, another data folder). */
async function buildsAndReader(config: LoadedConfig, reader: ReaderProcess): Promise<void> {
  const modelsDir = path.join(path.dirname(config.layout.root), 'models');
  await buildWarehouse(config, { modelsDir: writeModels(modelsDir, MODELS.v1) });
  expect(await reader.seen()).toEqual(v1);
  expect(await reader.models()).toEqual(['core.numbers', 'core.retired', 'core.things', 'reporting.thing_versions']);

  const duringCommit: Record<string, unknown>[] = [];
  let modelsDuringCommit: string[] = [];
  await buildWarehouse(config, {
    modelsDir: writeModels(modelsDir, MODELS.v2),
    // Every model copied, the transaction not yet committed.
    beforePublishCommit: async () => {
      duringCommit.push(await reader.seen(), await localSeen(config));
      modelsDuringCommit = await reader.models();
    },
  });
  expect(duringCommit).toEqual([v1, v1]);
  expect(modelsDuringCommit).toEqual(['core.numbers', 'core.retired', 'core.things', 'reporting.thing_versions']);
  expect(await reader.seen()).toEqual(v2);
  expect(await reader.models()).toEqual(['core.numbers', 'core.things', 'marts.thing_count', 'reporting.thing_versions']);
  expect(await localSeen(config)).toEqual(v2);
  expect((await reader.ask('SELECT things, id_total FROM marts.thing_count')).rows).toEqual([{ things: 3, id_total: 6 }]);

  await expect(buildWarehouse(config, { modelsDir: writeModels(modelsDir, MODELS.broken) })).rejects.toThrow(ModelTestFailedError);
  expect(await reader.seen()).toEqual(v2);
  expect(await reader.models()).toEqual(['core.numbers', 'core.things', 'marts.thing_count', 'reporting.thing_versions']);
  expect(await localSeen(config)).toEqual(v2);
  expect(fs.readdirSync(path.dirname(config.layout.warehouse)).filter((f) => f.includes('.building-'))).toEqual([]);
}

const readers: ReaderProcess[] = [];
afterEach(async () => {
  for (const r of readers.splice(0)) r.stop();
  await closeLakes();
});
afterAll(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('publishing the models into the embedded lake', () => {
  it('shows a reader of the lake the previous models until the build commits, then all the new ones', async () => {
    const config = workspace();
    expect(warehouseSource(config)).toEqual({ kind: 'file', file: config.layout.warehouse });
    const reader = new ReaderProcess(undefined, config.layout.root, 'lake', {});
    readers.push(reader);
    await buildsAndReader(config, reader);
  });
});

describe('the files of replaced models', () => {
  const parquetFiles = (config: LoadedConfig) => fs.readdirSync(path.join(config.layout.root, 'lake', 'core', 'numbers')).filter((f) => f.endsWith('.parquet')).length;

  it('stay an hour for readers of the previous snapshot, and are deleted after', async () => {
    const config = workspace();
    const modelsDir = path.join(path.dirname(config.layout.root), 'models');
    await buildWarehouse(config, { modelsDir: writeModels(modelsDir, MODELS.v1) });
    expect(parquetFiles(config)).toBe(1);
    await publishModels(config, config.layout.warehouse);
    expect(parquetFiles(config)).toBe(2);
    await publishModels(config, config.layout.warehouse, { keepReplacedMs: 0 });
    expect(parquetFiles(config)).toBe(1);
  });

  it('delete a file no snapshot names once it is an hour old: what a landing killed before its commit left', async () => {
    const config = workspace();
    const modelsDir = path.join(path.dirname(config.layout.root), 'models');
    await buildWarehouse(config, { modelsDir: writeModels(modelsDir, MODELS.v1) });
    // Written as DuckLake writes a landing's file, into a raw table's folder; the catalog never named them.
    const folder = path.join(config.layout.root, 'lake', 'raw', 'stripe__charges');
    fs.mkdirSync(folder, { recursive: true });
    const old = path.join(folder, 'ducklake-killed-landing-old.parquet');
    const fresh = path.join(folder, 'ducklake-killed-landing-fresh.parquet');
    for (const f of [old, fresh]) fs.copyFileSync(path.join(config.layout.root, 'lake', 'core', 'numbers', fs.readdirSync(path.join(config.layout.root, 'lake', 'core', 'numbers'))[0]!), f);
    const twoHoursAgo = new Date(Date.now() - 2 * 3_600_000);
    fs.utimesSync(old, twoHoursAgo, twoHoursAgo);
    await publishModels(config, config.layout.warehouse);
    // The fresh one may belong to a landing still in flight; the models' own files stay.
    expect([fs.existsSync(old), fs.existsSync(fresh)]).toEqual([false, true]);
    expect(parquetFiles(config)).toBe(2);
  });
});

describe('publishing the models into a lake on PostgreSQL and S3', () => {
  let servers: LakeServers;
  beforeAll(async () => {
    servers = await startLakeServers();
    for (const [name, value] of Object.entries(servers.env)) vi.stubEnv(name, value);
  });
  afterAll(async () => {
    await closeLakes();
    await servers?.stop();
    vi.unstubAllEnvs();
  });

  it('lets a machine without the warehouse file read the published models, never half a build', async () => {
    const config = workspace(servers.storage);
    // Another machine: another data folder, no warehouse file, the same storage settings.
    const elsewhere = path.join(tmp('cdp-reader-'), 'data');
    expect(warehouseSource({ storage: servers.storage, layout: { ...config.layout, root: elsewhere } })).toEqual({ kind: 'lake' });
    const reader = new ReaderProcess(servers.storage, elsewhere, 'config', servers.env);
    readers.push(reader);
    expect((await reader.ask(SEEN)).error).toMatch(/no models published in the lake/);
    await buildsAndReader(config, reader);
    expect(fs.existsSync(path.join(elsewhere, 'warehouse.duckdb'))).toBe(false);
    // The published tables' data files are in the bucket.
    expect((await servers.s3.listKeys('cdp-lake', 'lake/')).some((k) => k.includes('numbers'))).toBe(true);
  });
});
