import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeLakes } from '../../../lib/lake/open-lake';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { exportLakeEnv, startLakeServers, type LakeServers } from '../../support/lake-servers';
import { landRawRows } from '../../support/raw-lake';
import { makeWorkspace } from '../../support/workspace';

// The build attaches a lake on PostgreSQL and S3 the way every process does, and the warehouse it
// publishes holds the raw rows themselves: no catalog setting, password or S3 secret in the file.

let servers: LakeServers;
let ws: ReturnType<typeof makeWorkspace>;
let restoreEnv: (() => void) | undefined;

beforeAll(async () => {
  servers = await startLakeServers();
  restoreEnv = exportLakeEnv(servers.env);
  ws = makeWorkspace([], { storage: servers.storage });
}, 120_000);

afterAll(async () => {
  await closeLakes();
  await servers?.stop();
  restoreEnv?.();
  ws?.cleanup();
});

describe('the build over a lake on PostgreSQL and S3', () => {
  it('copies the raw rows into a warehouse that a DuckDB without extensions reads, and keeps no secret', async () => {
    const config = ws.config();
    const charges = Array.from({ length: 40 }, (_, i) => ({ id: `ch_${i}`, amount: 100 + i }));
    await landRawRows(
      config,
      { source: 'stripe', stream: 'charges', connection: 'pay', environment: 'live', syncId: 'h1', syncMode: 'historical', seq: 0 },
      charges.map((c) => ({ primaryKey: c.id, cursorValue: null, syncedAt: new Date('2026-01-01T00:00:00Z'), payload: c })),
    );
    const modelsDir = path.join(ws.dir, 'models');
    fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
    fs.writeFileSync(path.join(modelsDir, 'staging', 'stg_test__charges.sql'), "-- grain: one row per charge\nselect primary_key, (payload->>'amount')::int as amount from raw_latest.stripe__charges\n");

    const { warehouse } = await buildWarehouse(config, { modelsDir });

    const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY', autoinstall_known_extensions: 'false', autoload_known_extensions: 'false' });
    const db = await instance.connect();
    const read = async (sql: string) => (await db.runAndReadAll(sql)).getRowObjectsJS();
    expect(await read('select count(*)::int as n, sum(amount)::int as total from staging.stg_test__charges')).toEqual([{ n: 40, total: charges.reduce((s, c) => s + c.amount, 0) }]);
    expect(await read('select count(*)::int as n from raw.stripe__charges')).toEqual([{ n: 40 }]);
    db.closeSync();
    instance.closeSync();
    const bytes = fs.readFileSync(warehouse);
    for (const secret of Object.values(servers.env).filter((v) => v.length >= 8 && !v.startsWith('http'))) expect(bytes.includes(secret)).toBe(false);
  });
});
