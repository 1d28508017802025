import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { landAndCommit, type LandedRecord } from '../../../activities/landing/land-batch';
import { finishStream } from '../../../activities/sync/stream-landing';
import { withLake } from '../../../lib/lake/lake-session';
import { closeLakes, openLake } from '../../../lib/lake/open-lake';
import { PROJECT_ROOT } from '../../../lib/paths';
import type { StreamPosition } from '../../../lib/sync-state';
import { publishModels } from '../../../lib/warehouse/publish-models';
import { committedStates } from '../../support/lake-reads';
import { startLakeServers, type LakeServers } from '../../support/lake-servers';
import { queryRawRows } from '../../support/raw-lake';
import { makeWorkspace } from '../../support/workspace';

// An embedded lake moves into a lake on PostgreSQL and S3 with `cdp lake migrate --from`: the raw
// and quarantined rows, the stream states and the published models read the same there as in the
// data folder they came from, the new lake keeps an identity of its own, and a second move into
// the now non-empty lake is refused.

let servers: LakeServers;
let old: ReturnType<typeof makeWorkspace>;
let shared: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  servers = await startLakeServers();
  Object.assign(process.env, servers.env);
  old = makeWorkspace([]);
  shared = makeWorkspace([], { storage: servers.storage });
});

afterAll(async () => {
  await closeLakes();
  await servers?.stop();
  old?.cleanup();
  shared?.cleanup();
});

const position = (stream: string, seq: number, rows: number): StreamPosition => ({
  connection: 'shop',
  stream,
  mode: 'historical',
  syncId: 'h1',
  window: { from: null, to: 1_790_000_000 },
  pageToken: seq === 2 ? null : `page-${seq}`,
  exhausted: seq === 2,
  seq,
  pages: seq,
  rows,
  quarantined: 0,
  firstCursor: null,
  lastCursor: null,
  startedAt: '2026-12-01T00:00:00.000Z',
});

const record = (id: string, reason?: string): LandedRecord => ({
  primaryKey: id,
  cursorValue: '1790000000',
  syncedAt: new Date('2026-12-01T00:00:00Z'),
  payload: { id, amount: 1200 },
  quarantineReason: reason,
});

/** A built warehouse of one table and one view reading it, as a build leaves it. */
async function builtFile(dir: string): Promise<string> {
  const file = path.join(dir, 'built.duckdb');
  const instance = await DuckDBInstance.create(file);
  const db = await instance.connect();
  await db.run(`CREATE SCHEMA core; CREATE TABLE core.customers AS SELECT 'cus_' || i AS customer_id, i * 100 AS spent_minor FROM range(5) t(i)`);
  await db.run(`CREATE SCHEMA marts; CREATE VIEW marts.big_spenders AS SELECT customer_id FROM core.customers WHERE spent_minor >= 300`);
  db.closeSync();
  instance.closeSync();
  return file;
}

const ROWS = 'select connection, sync_id, batch_seq, record_index, primary_key, payload::VARCHAR as payload from rows order by all';

describe('cdp lake migrate', () => {
  it('copies every table and view of an embedded lake into an empty lake on PostgreSQL and S3, once', async () => {
    const config = old.config();
    const lake = await openLake(config.storage, config.layout);
    const target = { source: 'stripe', connection: 'shop', environment: 'live', syncId: 'h1', syncMode: 'historical' };
    // charges: two batches, one with a quarantined record, then finished; customers: one batch, still in progress.
    await landAndCommit(lake, { ...target, stream: 'charges' }, [{ seq: 0, records: [record('ch_1'), record('ch_2'), record('ch_bad', 'amount: expected a number')] }], { base: position('charges', 0, 0), next: position('charges', 1, 2) });
    await landAndCommit(lake, { ...target, stream: 'charges' }, [{ seq: 1, records: [record('ch_3')] }], { base: position('charges', 1, 2), next: position('charges', 2, 3) });
    await finishStream(lake, position('charges', 2, 3));
    await landAndCommit(lake, { ...target, stream: 'customers' }, [{ seq: 0, records: [record('cus_1')] }], { base: position('customers', 0, 0), next: position('customers', 1, 1) });
    await publishModels(config, await builtFile(old.dir));
    const oldId = lake.id;
    await closeLakes();

    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', shared.configFile, 'lake', 'migrate', '--from', config.layout.root], {
      encoding: 'utf8',
      env: { ...process.env, ...servers.env },
    });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('raw.stripe__charges: 3 rows');
    expect(run.stdout).toMatch(/copied \d+ tables \(\d+ rows\) and 1 views into the lake \(catalog postgres:/);

    const moved = shared.config();
    for (const stream of ['charges', 'customers']) {
      const before = await queryRawRows(config, 'stripe', stream, ROWS);
      expect(before.length).toBeGreaterThan(0);
      expect(await queryRawRows(moved, 'stripe', stream, ROWS), stream).toEqual(before);
    }
    expect(await queryRawRows(moved, 'stripe', 'charges', 'select primary_key, quarantine_reason from rows', { quarantine: true })).toEqual([
      { primary_key: 'ch_bad', quarantine_reason: 'amount: expected a number' },
    ]);
    const states = await committedStates(config, 'shop');
    expect(states.map((s) => [s.stream, s.lastSync?.rows ?? null, s.inProgress?.seq ?? null])).toEqual([['charges', 3, null], ['customers', null, 1]]);
    expect(await committedStates(moved, 'shop')).toEqual(states);

    const newLake = await openLake(moved.storage, moved.layout);
    expect(newLake.id).not.toBe(oldId);
    const published = await withLake(newLake, async (db) => ({
      customers: (await db.runAndReadAll('SELECT count(*)::INTEGER AS n, sum(spent_minor)::INTEGER AS spent FROM lake.core.customers')).getRowObjectsJS(),
      view: (await db.runAndReadAll('SELECT customer_id FROM lake.marts.big_spenders ORDER BY 1')).getRowObjectsJS(),
    }));
    expect(published).toEqual({ customers: [{ n: 5, spent: 1000 }], view: [{ customer_id: 'cus_3' }, { customer_id: 'cus_4' }] });
    // The rows are files in the bucket, and the data folder the config names holds no lake of its own.
    expect((await servers.s3.listKeys('cdp-lake')).some((k) => k.endsWith('.parquet'))).toBe(true);
    expect(fs.existsSync(path.join(moved.layout.root, 'lake.sqlite'))).toBe(false);
    await closeLakes();

    const again = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', shared.configFile, 'lake', 'migrate', '--from', config.layout.root], {
      encoding: 'utf8',
      env: { ...process.env, ...servers.env },
    });
    expect(again.status).not.toBe(0);
    expect(again.stderr).toMatch(/already holds cdp\.published_models, core\.customers, marts\.big_spenders, \.\.\.; move into a new, empty lake/);
    expect(again.stderr).not.toContain(servers.env.CDP_CATALOG_PASSWORD!);
    expect((await queryRawRows(moved, 'stripe', 'charges', 'select count(*)::INTEGER as n from rows'))).toEqual([{ n: 3 }]);
  });

  it('names the folder that holds no embedded lake', async () => {
    const empty = makeWorkspace([]);
    try {
      const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', shared.configFile, 'lake', 'migrate', '--from', empty.dir], {
        encoding: 'utf8',
        env: { ...process.env, ...servers.env },
      });
      expect(run.status).not.toBe(0);
      expect(run.stderr).toContain(`${empty.dir} holds no embedded lake`);
    } finally {
      empty.cleanup();
    }
  });
});
