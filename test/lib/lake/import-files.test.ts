import { DuckDBInstance } from '@duckdb/node-api';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { importLakeFiles } from '../../../lib/lake/import-files';
import { closeLakes } from '../../../lib/lake/open-lake';
import { PROJECT_ROOT } from '../../../lib/paths';
import { queryRawRows } from '../../support/raw-lake';
import { makeWorkspace } from '../../support/workspace';

// A data folder of landed Parquet files moves into the lake: each file is one batch of its stream's
// raw (or quarantine) table, its sequence and slice taken from its name; importing again adds nothing.

let ws: ReturnType<typeof makeWorkspace> | undefined;
afterEach(async () => {
  await closeLakes();
  ws?.cleanup();
  ws = undefined;
});

interface File {
  root: 'raw' | 'quarantine';
  stream: string;
  connection: string;
  syncId: string;
  name: string;
  keys: string[];
}

/** Writes a landed file the way file landing laid them out: the envelope columns and a JSON payload per record. */
async function writeFile(dataDir: string, f: File): Promise<void> {
  const dir = path.join(dataDir, f.root, 'source=stripe', `stream=${f.stream}`, `connection=${f.connection}`, `sync_id=${f.syncId}`);
  fs.mkdirSync(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  const rows = f.keys.map((k, i) => `('${k}', ${i})`).join(', ');
  const reason = f.root === 'quarantine' ? ", 'amount: expected a number' AS quarantine_reason" : '';
  await db.run(`COPY (SELECT 'stripe' AS source, '${f.stream}' AS stream, '${f.connection}' AS connection, 'live' AS environment, k AS primary_key,
      NULL::VARCHAR AS cursor_value, TIMESTAMPTZ '2026-01-01 00:00:00+00' AS synced_at, '${f.syncId}' AS sync_id, 'historical' AS sync_mode,
      i::INTEGER AS record_index, json_object('id', k) AS payload${reason}
    FROM (VALUES ${rows}) AS t(k, i)) TO '${path.join(dir, f.name)}' (FORMAT parquet)`);
  db.closeSync();
  instance.closeSync();
}

const BATCHES = 'select connection, sync_id, slice, batch_seq, list(primary_key order by record_index) as keys from rows group by all order by all';

describe('importing landed files into the lake', () => {
  it('lands each file as one batch, its sequence and slice from its name, and skips the batches already there', async () => {
    ws = makeWorkspace([]);
    const config = ws.config();
    const files: File[] = [
      { root: 'raw', stream: 'charges', connection: 'shop', syncId: 'h1', name: 'part-000000.parquet', keys: ['ch_1', 'ch_2'] },
      { root: 'raw', stream: 'charges', connection: 'shop', syncId: 'h1', name: 'part-000001.parquet', keys: ['ch_3'] },
      { root: 'raw', stream: 'charges', connection: 'shop', syncId: 'h2', name: 'part-s2-000004.parquet', keys: ['ch_4', 'ch_5', 'ch_1'] },
      { root: 'raw', stream: 'customers', connection: 'shop', syncId: 'h1', name: 'part-000000.parquet', keys: ['cus_1'] },
      { root: 'quarantine', stream: 'charges', connection: 'shop', syncId: 'h1', name: 'part-000001.parquet', keys: ['ch_bad'] },
    ];
    for (const f of files) await writeFile(config.layout.root, f);
    // A file landing was writing when it stopped is no batch.
    fs.writeFileSync(path.join(config.layout.raw, 'source=stripe', 'stream=charges', 'connection=shop', 'sync_id=h1', 'part-000002.parquet.tmp-1-2'), 'partial');

    const first = await importLakeFiles(config);
    expect(first).toEqual([
      { schema: 'raw', source: 'stripe', stream: 'charges', batches: 3, rows: 6, skipped: 0 },
      { schema: 'raw', source: 'stripe', stream: 'customers', batches: 1, rows: 1, skipped: 0 },
      { schema: 'quarantine', source: 'stripe', stream: 'charges', batches: 1, rows: 1, skipped: 0 },
    ]);
    const charges = [
      { connection: 'shop', sync_id: 'h1', slice: null, batch_seq: 0, keys: ['ch_1', 'ch_2'] },
      { connection: 'shop', sync_id: 'h1', slice: null, batch_seq: 1, keys: ['ch_3'] },
      { connection: 'shop', sync_id: 'h2', slice: 2, batch_seq: 4, keys: ['ch_4', 'ch_5', 'ch_1'] },
    ];
    expect(await queryRawRows(config, 'stripe', 'charges', BATCHES)).toEqual(charges);
    expect(await queryRawRows(config, 'stripe', 'customers', BATCHES)).toEqual([{ connection: 'shop', sync_id: 'h1', slice: null, batch_seq: 0, keys: ['cus_1'] }]);
    expect(await queryRawRows(config, 'stripe', 'charges', "select primary_key, quarantine_reason, payload->>'id' as id from rows", { quarantine: true })).toEqual([
      { primary_key: 'ch_bad', quarantine_reason: 'amount: expected a number', id: 'ch_bad' },
    ]);
    expect(await queryRawRows(config, 'stripe', 'charges', 'select distinct source, stream, environment, sync_mode, synced_at from rows')).toEqual([
      { source: 'stripe', stream: 'charges', environment: 'live', sync_mode: 'historical', synced_at: new Date('2026-01-01T00:00:00Z') },
    ]);

    // Again, with one more file: only that one is new.
    await writeFile(config.layout.root, { root: 'raw', stream: 'charges', connection: 'shop', syncId: 'i1', name: 'part-000000.parquet', keys: ['ch_2'] });
    const again = await importLakeFiles(config);
    expect(again).toEqual([
      { schema: 'raw', source: 'stripe', stream: 'charges', batches: 1, rows: 1, skipped: 3 },
      { schema: 'raw', source: 'stripe', stream: 'customers', batches: 0, rows: 0, skipped: 1 },
      { schema: 'quarantine', source: 'stripe', stream: 'charges', batches: 0, rows: 0, skipped: 1 },
    ]);
    expect(await queryRawRows(config, 'stripe', 'charges', BATCHES)).toEqual([...charges, { connection: 'shop', sync_id: 'i1', slice: null, batch_seq: 0, keys: ['ch_2'] }]);
  });

  it('is `cdp lake import-files`, which says what it imported', async () => {
    ws = makeWorkspace([]);
    const config = ws.config();
    await writeFile(config.layout.root, { root: 'raw', stream: 'customers', connection: 'shop', syncId: 'h1', name: 'part-000000.parquet', keys: ['cus_1', 'cus_2'] });
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', ws.configFile, 'lake', 'import-files'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stderr).toContain('raw.stripe__customers: 1 batches (2 rows) imported, 0 already in the lake');
    expect(run.stdout).toContain('imported 1 batches (2 rows) of 1 streams into the lake');
    expect(await queryRawRows(config, 'stripe', 'customers', 'select primary_key from rows order by 1')).toEqual([{ primary_key: 'cus_1' }, { primary_key: 'cus_2' }]);
  });

  it('imports nothing from a data folder without landed files', async () => {
    ws = makeWorkspace([]);
    expect(await importLakeFiles(ws.config())).toEqual([]);
  });
});
