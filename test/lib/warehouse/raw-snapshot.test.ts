import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../../lib/config';
import { closeLakes } from '../../../lib/lake/open-lake';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { landRawRows } from '../../support/raw-lake';
import { makeWorkspace } from '../../support/workspace';

// The build reads the lake's raw tables, and the warehouse it publishes keeps its own copy of them:
// `raw.*` and `raw_latest.*` answer in a DuckDB that has no lake extension, as of the lake when the
// build read it.

let ws: ReturnType<typeof makeWorkspace> | undefined;
afterEach(async () => {
  await closeLakes();
  ws?.cleanup();
  ws = undefined;
});

/** A models folder with one staging model over the newest charges, and one over a stream that never landed. */
function writeModels(dir: string): string {
  const models = path.join(dir, 'models');
  fs.mkdirSync(path.join(models, 'staging'), { recursive: true });
  fs.writeFileSync(
    path.join(models, 'staging', 'stg_test__charges.sql'),
    `-- grain: one row per charge\n-- unique: primary_key\nselect primary_key, (payload->>'amount')::int as amount, sync_id from raw_latest.stripe__charges\n`,
  );
  fs.writeFileSync(path.join(models, 'staging', 'stg_test__refunds.sql'), `-- grain: one row per refund\nselect primary_key from raw_latest.stripe__refunds\n`);
  return models;
}

async function landCharges(config: LoadedConfig, syncId: string, seq: number, charges: [string, number][], syncedAt: string): Promise<void> {
  await landRawRows(
    config,
    { source: 'stripe', stream: 'charges', connection: 'pay', environment: 'live', syncId, syncMode: 'incremental', seq },
    charges.map(([id, amount]) => ({ primaryKey: id, cursorValue: null, syncedAt: new Date(syncedAt), payload: { id, amount } })),
  );
}

/** Reads the warehouse with a DuckDB of its own that neither has nor may load any extension. */
async function readWithoutExtensions(warehouse: string, sql: string): Promise<Record<string, unknown>[]> {
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(sql)).getRowObjectsJS();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('the build over the lake', () => {
  it('copies every landed version into raw.*, keeps the newest in raw_latest.*, and publishes a warehouse that needs no extension', async () => {
    ws = makeWorkspace([]);
    const config = ws.config();
    const modelsDir = writeModels(ws.dir);
    await landCharges(config, 'sync-1', 0, [['ch_1', 100], ['ch_2', 200]], '2026-01-01T00:00:00Z');
    await landCharges(config, 'sync-1', 1, [['ch_3', 300]], '2026-01-01T00:00:00Z');
    await landCharges(config, 'sync-2', 0, [['ch_1', 150]], '2026-01-02T00:00:00Z');
    await landRawRows(
      config,
      { source: 'stripe', stream: 'charges', connection: 'pay', environment: 'live', syncId: 'sync-2', syncMode: 'incremental', seq: 0 },
      [{ primaryKey: 'ch_bad', cursorValue: null, syncedAt: new Date('2026-01-02T00:00:00Z'), payload: { id: 'ch_bad' }, quarantineReason: 'amount: required' }],
      { quarantine: true },
    );

    const { warehouse } = await buildWarehouse(config, { modelsDir });

    expect(await readWithoutExtensions(warehouse, 'select primary_key, sync_id, batch_seq, record_index, payload::varchar as payload from raw.stripe__charges order by all')).toEqual([
      { primary_key: 'ch_1', sync_id: 'sync-1', batch_seq: 0, record_index: 0, payload: '{"id":"ch_1","amount":100}' },
      { primary_key: 'ch_1', sync_id: 'sync-2', batch_seq: 0, record_index: 0, payload: '{"id":"ch_1","amount":150}' },
      { primary_key: 'ch_2', sync_id: 'sync-1', batch_seq: 0, record_index: 1, payload: '{"id":"ch_2","amount":200}' },
      { primary_key: 'ch_3', sync_id: 'sync-1', batch_seq: 1, record_index: 0, payload: '{"id":"ch_3","amount":300}' },
    ]);
    expect(await readWithoutExtensions(warehouse, "select primary_key, payload->>'amount' as amount from raw_latest.stripe__charges order by all")).toEqual([
      { primary_key: 'ch_1', amount: '150' },
      { primary_key: 'ch_2', amount: '200' },
      { primary_key: 'ch_3', amount: '300' },
    ]);
    expect(await readWithoutExtensions(warehouse, 'select primary_key, amount, sync_id from staging.stg_test__charges order by all')).toEqual([
      { primary_key: 'ch_1', amount: 150, sync_id: 'sync-2' },
      { primary_key: 'ch_2', amount: 200, sync_id: 'sync-1' },
      { primary_key: 'ch_3', amount: 300, sync_id: 'sync-1' },
    ]);
    // A stream a model reads that never landed is an empty raw table; the quarantine stays in the lake.
    expect(await readWithoutExtensions(warehouse, 'select count(*)::int as n from raw.stripe__refunds')).toEqual([{ n: 0 }]);
    expect(await readWithoutExtensions(warehouse, "select table_schema, table_name from information_schema.tables where table_schema in ('raw', 'raw_latest') order by all")).toEqual([
      { table_schema: 'raw', table_name: 'stripe__charges' },
      { table_schema: 'raw', table_name: 'stripe__refunds' },
      { table_schema: 'raw_latest', table_name: 'stripe__charges' },
      { table_schema: 'raw_latest', table_name: 'stripe__refunds' },
    ]);

    // What lands after the build is the next build's: the published warehouse keeps its snapshot.
    await landCharges(config, 'sync-3', 0, [['ch_4', 400]], '2026-01-03T00:00:00Z');
    expect(await readWithoutExtensions(warehouse, 'select count(*)::int as n from raw.stripe__charges')).toEqual([{ n: 4 }]);
    await buildWarehouse(config, { modelsDir });
    expect(await readWithoutExtensions(warehouse, 'select count(*)::int as n from raw.stripe__charges')).toEqual([{ n: 5 }]);
    expect(await readWithoutExtensions(warehouse, 'select count(*)::int as n from staging.stg_test__charges')).toEqual([{ n: 4 }]);
  });

  it('builds a data folder where nothing has landed yet', async () => {
    ws = makeWorkspace([]);
    const { warehouse } = await buildWarehouse(ws.config(), { modelsDir: writeModels(ws.dir) });
    expect(await readWithoutExtensions(warehouse, 'select count(*)::int as n from staging.stg_test__charges')).toEqual([{ n: 0 }]);
  });
});
