import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { dataLayout, type DataLayout } from '../../../lib/paths';
import { isSandboxRefusal, openWarehouseReadOnly } from '../../../lib/warehouse/open-read-only';

// Every read-only warehouse connection the app opens (segments, members, exports, reports) reads
// the warehouse (its raw tables copied from the lake) and the segment store the warehouse's views
// read, and nothing else on disk; it writes only into the segment store, where materialization
// replaces its files.

let dir: string;
let layout: DataLayout;
let outside: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-open-ro-'));
  layout = dataLayout(path.join(dir, 'data'));
  outside = path.join(dir, 'outside');
  fs.mkdirSync(layout.segments, { recursive: true });
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret.csv'), 'a,b\n1,2\n');
  const instance = await DuckDBInstance.create(layout.warehouse);
  const db = await instance.connect();
  await db.run(`COPY (select 'vip' as segment) TO '${layout.segments}/runs.parquet'`);
  // The build's copy of a raw table of the lake.
  await db.run('CREATE TABLE lake AS SELECT 7 AS n');
  await db.run(`CREATE VIEW runs AS SELECT * FROM read_parquet('${layout.segments}/runs.parquet')`);
  db.closeSync();
  instance.closeSync();
});

afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let opened: { db: DuckDBConnection; close: () => void } | undefined;
afterEach(() => {
  opened?.close();
  opened = undefined;
});

const open = async () => (opened = await openWarehouseReadOnly(layout.warehouse));
const refusal = async (sql: string) => {
  const { db } = await open();
  const err = await db.run(sql).then(
    () => undefined,
    (e: unknown) => e,
  );
  opened!.close();
  opened = undefined;
  return err;
};

describe('a read-only warehouse connection', () => {
  it('reads the raw tables copied from the lake and the views over the segment store', async () => {
    const { db } = await open();
    expect((await db.runAndReadAll('select n from lake')).getRowObjectsJS()).toEqual([{ n: 7 }]);
    expect((await db.runAndReadAll('select segment from runs')).getRowObjectsJS()).toEqual([{ segment: 'vip' }]);
  });

  it('computes in UTC', async () => {
    const { db } = await open();
    expect((await db.runAndReadAll("select current_setting('TimeZone') as tz")).getRowObjectsJS()[0]!.tz).toMatch(/UTC$/);
  });

  it('writes into the segment store, where materialization replaces its files', async () => {
    const { db } = await open();
    await db.run(`COPY (select 1 as n) TO '${layout.segments}/next.parquet'`);
    expect(fs.existsSync(path.join(layout.segments, 'next.parquet'))).toBe(true);
  });

  it.each([
    ['a system file', () => "select * from read_csv('/etc/passwd')"],
    ['a file beside the data folder', () => `select * from read_csv('${outside}/secret.csv')`],
    ['a path that climbs out of the segment store', () => `select * from read_csv('${layout.segments}/../../outside/secret.csv')`],
    ['a file of the lake', () => `select * from read_parquet('${layout.root}/lake/**/*.parquet')`],
    ['a COPY over the warehouse', () => `COPY (select 'x') TO '${layout.warehouse}'`],
    ['a COPY out of the data folder', () => `COPY (select 'x') TO '${outside}/x.csv'`],
    ['an ATTACH of another database', () => `ATTACH '${outside}/other.duckdb'`],
    ['switching external access back on', () => 'SET enable_external_access = true'],
    ['unlocking the configuration', () => 'SET lock_configuration = false'],
    ['widening the allowed folders', () => "SET allowed_directories = ['/']"],
  ])('refuses %s', async (_what, statement) => {
    // The statements name folders made in beforeAll, so they are built when the test runs.
    const sql = statement();
    const err = await refusal(sql);
    expect(err, sql).toBeInstanceOf(Error);
    expect(isSandboxRefusal(err), String(err)).toBe(true);
    expect(fs.existsSync(path.join(outside, 'x.csv'))).toBe(false);
    expect(fs.existsSync(path.join(outside, 'other.duckdb'))).toBe(false);
  });

  it('leaves the warehouse readable after every refusal', async () => {
    const { db } = await open();
    expect((await db.runAndReadAll('select n from lake')).getRowObjectsJS()).toEqual([{ n: 7 }]);
  });

  it('takes settings at creation, before the configuration is locked', async () => {
    opened = await openWarehouseReadOnly(layout.warehouse, { settings: { preserve_insertion_order: 'false' } });
    const row = (await opened.db.runAndReadAll("select current_setting('preserve_insertion_order') as p")).getRowObjectsJS()[0]!;
    expect(row.p).toBe(false);
  });
});
