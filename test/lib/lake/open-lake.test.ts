import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { configSchema } from '../../../lib/config-schema';
import { attachLake, closeLakes, inLakeTransaction, lakeLocation, openLake } from '../../../lib/lake/open-lake';
import { dataLayout } from '../../../lib/paths';

const dirs: string[] = [];
const tmp = () => {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-lake-'));
  dirs.push(d);
  return d;
};
afterEach(async () => {
  await closeLakes();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

describe('the embedded lake', () => {
  it('keeps its catalog and its data under the data folder, and one identity for every process that opens it', async () => {
    const layout = dataLayout(tmp());
    const lake = await openLake({}, layout);
    expect(lake.location).toEqual({ catalog: `sqlite:${path.join(layout.root, 'lake.sqlite')}`, dataPath: `${path.join(layout.root, 'lake')}/`, kind: 'embedded' });
    const db = await lake.connect();
    await db.run('CREATE SCHEMA lake.raw');
    await db.run('CREATE TABLE lake.raw.t (i INTEGER)');
    await inLakeTransaction(db, () => db.run('INSERT INTO lake.raw.t SELECT * FROM range(2000)'));
    db.closeSync();
    const id = lake.id;
    expect(id).toMatch(/^[0-9a-f-]{36}$/);
    await closeLakes();

    const again = await openLake({}, layout);
    expect(again.id).toBe(id);
    const reader = await again.connect();
    expect((await reader.runAndReadAll('SELECT count(*)::INTEGER AS n, sum(i)::BIGINT AS s FROM lake.raw.t')).getRowObjectsJS()).toEqual([{ n: 2000, s: 1999000n }]);
    reader.closeSync();
    expect(fs.readdirSync(path.join(layout.root, 'lake'), { recursive: true }).some((f) => String(f).endsWith('.parquet'))).toBe(true);
    // Another lake is another identity.
    expect((await openLake({}, dataLayout(tmp()))).id).not.toBe(id);
  });

  it('a failing transaction leaves nothing behind and its error is thrown, not retried', async () => {
    const lake = await openLake({}, dataLayout(tmp()));
    const db = await lake.connect();
    await db.run('CREATE SCHEMA lake.raw');
    await db.run('CREATE TABLE lake.raw.t (i INTEGER)');
    let runs = 0;
    await expect(
      inLakeTransaction(db, async () => {
        runs += 1;
        await db.run('INSERT INTO lake.raw.t VALUES (1)');
        await db.run('SELECT * FROM lake.raw.missing');
      }),
    ).rejects.toThrow(/missing/);
    expect(runs).toBe(1);
    expect((await db.runAndReadAll('SELECT count(*)::INTEGER AS n FROM lake.raw.t')).getRowObjectsJS()).toEqual([{ n: 0 }]);
    db.closeSync();
  });
  it("a reader's open transaction neither holds a writer up nor sees its commit", async () => {
    const layout = dataLayout(tmp());
    const lake = await openLake({}, layout);
    const writer = await lake.connect();
    await writer.run('CREATE SCHEMA lake.raw');
    await writer.run('CREATE TABLE lake.raw.t (i INTEGER)');
    await writer.run('INSERT INTO lake.raw.t SELECT * FROM range(100)');
    // Another engine, as a build's DuckDB file or another process is, reading in one transaction.
    const instance = await DuckDBInstance.create(':memory:');
    const reader = await instance.connect();
    try {
      await attachLake(reader, {}, lakeLocation({}, layout), { readOnly: true });
      const count = async () => (await reader.runAndReadAll('SELECT count(*)::INTEGER AS n FROM lake.raw.t')).getRowObjectsJS();
      await reader.run('BEGIN TRANSACTION');
      expect(await count()).toEqual([{ n: 100 }]);
      // Not retried: a catalog that locked writers out while a reader reads would fail this commit.
      await writer.run('INSERT INTO lake.raw.t VALUES (100)');
      expect(await count()).toEqual([{ n: 100 }]);
      await reader.run('COMMIT');
      expect(await count()).toEqual([{ n: 101 }]);
    } finally {
      reader.closeSync();
      instance.closeSync();
      writer.closeSync();
    }
  });
});

describe('storage settings', () => {
  const storage = (s: unknown) => configSchema.safeParse({ storage: s });
  const messages = (s: unknown) => {
    const r = storage(s);
    return r.success ? [] : r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
  };

  it('the embedded default needs nothing; PostgreSQL and S3 are named, their secrets only by variable', () => {
    expect(storage(undefined).success).toBe(true);
    expect(
      storage({
        catalog: 'postgres:dbname=cdp host=db.internal',
        catalog_password_env: 'CDP_CATALOG_PASSWORD',
        data_path: 's3://cdp-lake/prod',
        s3: { endpoint_env: 'CDP_S3_ENDPOINT', key_id_env: 'CDP_S3_KEY_ID', secret_env: 'CDP_S3_SECRET', url_style: 'path' },
      }),
    ).toMatchObject({ success: true, data: { storage: { data_path: 's3://cdp-lake/prod/', s3: { region: 'us-east-1', url_style: 'path' } } } });
  });

  it('refuses a password in the catalog string, an s3 path without keys, and keys without an s3 path', () => {
    expect(messages({ catalog: 'postgres:dbname=cdp password=hunter22' })).toEqual([
      'storage.catalog: no password in the catalog string: name the variable that holds it in catalog_password_env',
    ]);
    expect(messages({ data_path: 's3://cdp-lake/prod/' })).toEqual([
      'storage.s3: an s3:// data_path needs s3: { key_id_env, secret_env } (and endpoint_env for a server other than AWS)',
    ]);
    expect(messages({ s3: { key_id_env: 'K', secret_env: 'S' } })).toEqual(['storage.data_path: s3 is set but data_path is not an s3:// URL']);
    expect(messages({ catalog: 'mysql:db=cdp' })[0]).toMatch(/^storage.catalog: postgres: followed by libpq key=value settings/);
    expect(messages({ data_path: '/var/lake' })[0]).toMatch(/^storage.data_path: an s3:\/\/ URL/);
  });

  it('a variable that is not set is named; an unreachable catalog says where, never with its password', async () => {
    const layout = dataLayout(tmp());
    const name = `CDP_TEST_PW_${process.pid}`;
    delete process.env[name];
    await expect(openLake({ catalog: 'postgres:dbname=cdp host=127.0.0.1 port=1 user=cdp', catalog_password_env: name }, layout)).rejects.toThrow(
      `storage: catalog_password_env: the environment variable ${name} is not set`,
    );
    const password = ['pw', process.pid, 'lake-secret'].join('-');
    process.env[name] = password;
    try {
      const err = await openLake({ catalog: 'postgres:dbname=cdp host=127.0.0.1 port=1 user=cdp connect_timeout=2', catalog_password_env: name }, layout).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err?.message).toContain('the lake (catalog postgres:dbname=cdp host=127.0.0.1 port=1 user=cdp connect_timeout=2');
      expect(err?.message).not.toContain(password);
    } finally {
      delete process.env[name];
    }
  });
});
