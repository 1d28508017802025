import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CdpError } from '../../../lib/errors';
import { closeLakes, inLakeTransaction, openLake } from '../../../lib/lake/open-lake';
import type { StorageConfig } from '../../../lib/lake/storage-config';
import { dataLayout, PROJECT_ROOT } from '../../../lib/paths';
import { exportLakeEnv, startLakeServers, type LakeServers } from '../../support/lake-servers';

// The lake at scale against real servers: a PostgreSQL catalog and an S3 data path (moto's server),
// both started fresh for this file.

const execFileAsync = promisify(execFile);
let servers: LakeServers;
let restoreEnv: (() => void) | undefined;
const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-lake-'));
  dirs.push(d);
  return d;
};

beforeAll(async () => {
  servers = await startLakeServers();
  restoreEnv = exportLakeEnv(servers.env);
});
afterEach(async () => {
  await closeLakes();
  process.env.CDP_CATALOG_PASSWORD = servers.env.CDP_CATALOG_PASSWORD;
});
afterAll(async () => {
  await closeLakes();
  await servers?.stop();
  restoreEnv?.();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

/** The lake child process's one JSON line, run with the servers' variables. */
async function child(storage: StorageConfig, dataDir: string, ...command: string[]): Promise<Record<string, unknown>> {
  const { stdout } = await execFileAsync(process.execPath, ['--import', 'tsx', path.join(PROJECT_ROOT, 'test', 'support', 'lake-child.ts'), JSON.stringify(storage), dataDir, ...command], {
    cwd: PROJECT_ROOT,
    env: { ...process.env, ...servers.env },
  });
  return JSON.parse(stdout.trim().split('\n').at(-1) as string);
}

const withCatalog = (storage: StorageConfig, database: string, prefix: string): StorageConfig => ({
  ...storage,
  catalog: (storage.catalog as string).replace(/dbname=\S+/, `dbname=${database}`),
  data_path: `s3://cdp-lake/${prefix}/`,
});

describe('the lake on PostgreSQL and S3', () => {
  it('commits rows whose data files are in the bucket and nowhere on the local disk', async () => {
    const dataDir = tmp();
    const lake = await openLake(servers.storage, dataLayout(dataDir));
    expect(lake.location).toEqual({ catalog: servers.storage.catalog, dataPath: 's3://cdp-lake/lake/', kind: 'postgres' });
    const db = await lake.connect();
    await db.run('CREATE SCHEMA lake.landing');
    await db.run('CREATE TABLE lake.landing.orders (id INTEGER, amount_minor BIGINT, note VARCHAR)');
    const rows = Array.from({ length: 300 }, (_, i) => ({ id: i + 1, amount: (i * 37) % 1000, note: `order ${i + 1}` }));
    for (const batch of [rows.slice(0, 100), rows.slice(100)]) {
      await inLakeTransaction(db, () => db.run(`INSERT INTO lake.landing.orders VALUES ${batch.map((r) => `(${r.id}, ${r.amount}, '${r.note}')`).join(', ')}`));
    }
    const read = (await db.runAndReadAll('SELECT count(*)::INTEGER AS n, sum(amount_minor)::BIGINT AS total, max(note) AS last FROM lake.landing.orders')).getRowObjectsJS();
    expect(read).toEqual([{ n: 300, total: BigInt(rows.reduce((s, r) => s + r.amount, 0)), last: rows.map((r) => r.note).sort().at(-1) }]);

    // Every data file the catalog names is an object in the bucket.
    const files = (await db.runAndReadAll("SELECT data_file FROM ducklake_list_files('lake', 'orders', schema => 'landing')")).getRowObjectsJS().map((r) => String(r.data_file));
    db.closeSync();
    expect(files.length).toBeGreaterThanOrEqual(2);
    const keys = await servers.s3.listKeys('cdp-lake', 'lake/');
    for (const file of files) {
      expect(file.startsWith('s3://cdp-lake/lake/')).toBe(true);
      expect(keys).toContain(file.slice('s3://cdp-lake/'.length));
    }
    // The data folder holds no lake: no catalog file, no data files.
    expect(fs.readdirSync(dataDir, { recursive: true })).toEqual([]);
  });

  it('is one lake, with one identity, for a second process, and another lake for another catalog database', async () => {
    const lake = await openLake(servers.storage, dataLayout(tmp()));
    expect(lake.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(await child(servers.storage, tmp(), 'identity')).toEqual({ id: lake.id });

    await servers.postgres.createDatabase('other_lake');
    const other = withCatalog(servers.storage, 'other_lake', 'other');
    const otherId = (await openLake(other, dataLayout(tmp()))).id;
    expect(otherId).not.toBe(lake.id);
    expect(await child(other, tmp(), 'identity')).toEqual({ id: otherId });
  });

  it('is one lake for three processes that open a new, empty catalog at the same moment', async () => {
    await servers.postgres.createDatabase('racing_lake');
    const racing = withCatalog(servers.storage, 'racing_lake', 'racing');
    const ids = await Promise.all([1, 2, 3].map(() => child(racing, tmp(), 'identity')));
    const id = (await openLake(racing, dataLayout(tmp()))).id;
    expect(ids).toEqual([{ id }, { id }, { id }]);
  });

  it("lands every commit of three processes writing one table at once", async () => {
    const lake = await openLake(servers.storage, dataLayout(tmp()));
    const db = await lake.connect();
    await db.run('CREATE SCHEMA IF NOT EXISTS lake.raw');
    await db.run('CREATE TABLE lake.raw.events (writer INTEGER, seq INTEGER)');
    const perWriter = 30;
    const results = await Promise.all([1, 2, 3].map((writer) => child(servers.storage, tmp(), 'write', String(writer), String(perWriter))));
    expect(results).toEqual([1, 2, 3].map(() => ({ committed: perWriter })));
    const landed = (await db.runAndReadAll('SELECT writer, seq FROM lake.raw.events ORDER BY writer, seq')).getRowObjectsJS();
    db.closeSync();
    expect(landed).toEqual([1, 2, 3].flatMap((writer) => Array.from({ length: perWriter }, (_, seq) => ({ writer, seq }))));
  });

  it('refuses a wrong catalog password with a clear error that does not quote it', async () => {
    const wrong = `not-${servers.env.CDP_CATALOG_PASSWORD}-either`;
    process.env.CDP_CATALOG_PASSWORD = wrong;
    const error = await openLake(servers.storage, dataLayout(tmp())).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(error).toBeInstanceOf(CdpError);
    const message = (error as Error).message;
    expect(message).toMatch(/cannot be opened/);
    expect(message).toMatch(/password authentication failed for user "cdp"/);
    expect(message).not.toContain(wrong);
    expect(message).not.toContain(servers.env.CDP_CATALOG_PASSWORD);
  });
});
