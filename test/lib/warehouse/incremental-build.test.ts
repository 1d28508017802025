import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, syncTuning, waitForSync } from '../../../app/syncs';
import { findConnection, type LoadedConfig } from '../../../lib/config';
import { withLake } from '../../../lib/lake/lake-session';
import { closeLakes, inLakeTransaction, openLake } from '../../../lib/lake/open-lake';
import { ensureRawTable } from '../../../lib/lake/raw-tables';
import { PROJECT_ROOT } from '../../../lib/paths';
import { sqlIdent, sqlString } from '../../../lib/sql';
import { SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { buildWarehouse, type BuildResult } from '../../../lib/warehouse/build-warehouse';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import { Rng } from '../../../emulators/world/prng';
import { startSourceEmulators, type SourceEmulators } from '../../support/source-emulators';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';

// An incremental build must leave the warehouse a full rebuild of the same lake would build. Every
// source is synced once for real; its landed rows are then replayed into another lake in random
// steps, each like a sync: new records, changed ones (refunds, cancellations, changed emails, CRM
// contacts deleted), records landed twice, and versions older than what already landed arriving
// late. After each step one warehouse is built incrementally and another in full, and every table
// and view of the two must hold the same rows (EXCEPT ALL both ways).

const modelsDir = path.join(PROJECT_ROOT, 'models');
const BUCKETS = 3;

let env: TestWorkflowEnvironment;
let emulators: SourceEmulators;
let worker: RunningWorker;
let synced: ReturnType<typeof makeWorkspace>;
let replay: ReturnType<typeof makeWorkspace>;
/** The synced lake's rows, as the full build of it copied them. */
let sourceWarehouse: string;
let rawTables: string[];

/** How a re-landed version of a record differs from the synced one: what changed at the source. */
const CHANGES: Record<string, string> = {
  // A charge refunded in full.
  stripe__charges: `json_merge_patch(payload, json_object('refunded', true, 'amount_refunded', payload->'amount'))`,
  // A subscription cancelled.
  stripe__subscriptions: `json_merge_patch(payload, json_object('status', 'canceled', 'cancel_at_period_end', false))`,
  // A customer's email changed.
  stripe__customers: `json_merge_patch(payload, json_object('email', 'changed.' || coalesce(payload->>'email', 'none@example.com')))`,
  // A CRM contact deleted.
  activecampaign__contacts: `json_merge_patch(payload, '{"deleted": "1"}')`,
  // An order's status moved on.
  bigcommerce__orders: `json_merge_patch(payload, json_object('status_id', 4, 'status', 'Refunded'))`,
};

type Op = 'insert' | 'twice' | 'update' | 'late';

/** One step of the replay, on one raw table. */
interface Landing {
  table: string;
  op: Op;
  bucket: number;
}

async function landStep(config: LoadedConfig, step: number, landings: Landing[]): Promise<void> {
  await withLake(await openLake(config.storage, config.layout), async (db) => {
    await db.run(`ATTACH ${sqlString(sourceWarehouse)} AS replay_source (READ_ONLY)`);
    try {
      for (const { table } of landings) await ensureRawTable(db, table.slice(0, table.indexOf('__')), table.slice(table.indexOf('__') + 2));
      await inLakeTransaction(db, async () => {
        for (const [i, { table, op, bucket }] of landings.entries()) {
          const shift = op === 'late' ? -24 : step;
          const payload = op === 'update' || op === 'late' ? (CHANGES[table] ?? 'payload') : 'payload';
          const rows = op === 'update' || op === 'late' ? `hash(primary_key) % ${BUCKETS} <= ${bucket} AND hash(primary_key || 'changed') % 4 = 0` : `hash(primary_key) % ${BUCKETS} = ${bucket}`;
          const insert = `INSERT INTO lake.raw.${sqlIdent(table)} BY NAME
            SELECT * REPLACE (
              synced_at + to_hours(${shift}) AS synced_at, ${sqlString(`replay-${step}-${i}`)} AS sync_id, ${i} AS batch_seq,
              (row_number() OVER () - 1)::INTEGER AS record_index, (${payload})::JSON AS payload)
            FROM replay_source.raw.${sqlIdent(table)} WHERE ${rows}`;
          await db.run(insert);
          // At-least-once landing: the same batch landed again.
          if (op === 'twice') await db.run(insert);
        }
      });
    } finally {
      await db.run('DETACH replay_source');
    }
  });
}

/** Relations of a built warehouse worth comparing: every model, the raw copy and the config, not the build's own record. */
async function relations(db: DuckDBConnection, catalog: string): Promise<string[]> {
  const rows = await db.runAndReadAll(
    `SELECT schema_name || '.' || table_name AS name FROM duckdb_tables() WHERE database_name = ${sqlString(catalog)}
     UNION ALL SELECT schema_name || '.' || view_name FROM duckdb_views() WHERE database_name = ${sqlString(catalog)} AND NOT internal
     ORDER BY 1`,
  );
  return rows
    .getRowObjectsJS()
    .map((r) => String(r.name))
    .filter((n) => !n.startsWith('segments.') && !n.startsWith('main.') && n !== 'config.build_inputs');
}

/** Rows of each relation that one warehouse has and the other has not (EXCEPT ALL both ways), doubles compared to 6 decimals. */
async function differences(incremental: string, full: string): Promise<Record<string, number>> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`ATTACH ${sqlString(incremental)} AS inc (READ_ONLY)`);
    await db.run(`ATTACH ${sqlString(full)} AS ful (READ_ONLY)`);
    const names = await relations(db, 'inc');
    expect(names).toEqual(await relations(db, 'ful'));
    const found: Record<string, number> = {};
    for (const name of names) {
      const [schema, table] = name.split('.') as [string, string];
      const columns = (
        await db.runAndReadAll(`SELECT column_name, column_type FROM (DESCRIBE inc.${sqlIdent(schema)}.${sqlIdent(table)})`)
      )
        .getRowObjectsJS()
        .map((c) => (['DOUBLE', 'FLOAT'].includes(String(c.column_type)) ? `round(${sqlIdent(String(c.column_name))}, 6)` : sqlIdent(String(c.column_name))))
        .join(', ');
      const from = (catalog: string) => `SELECT ${columns} FROM ${catalog}.${sqlIdent(schema)}.${sqlIdent(table)}`;
      const n = Number(
        (await db.runAndReadAll(`SELECT count(*) AS n FROM ((${from('inc')} EXCEPT ALL ${from('ful')}) UNION ALL (${from('ful')} EXCEPT ALL ${from('inc')}))`)).getRowObjectsJS()[0]!.n,
      );
      if (n > 0) found[name] = n;
    }
    return found;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const rowsOf = (result: BuildResult, model: string) => result.models.find((m) => m.model === model)?.rows;

beforeAll(async () => {
  [env, emulators] = await Promise.all([startDevServer(), startSourceEmulators(17, 0.1)]);
  Object.assign(process.env, emulators.env);
  // Amazon's reports polled as often as its emulator's quick processing allows.
  const settings = { warehouse: { threads: 1 }, sync: { report_poll_seconds: 0.5, report_max_poll_seconds: 2 } };
  synced = makeWorkspace(emulators.connections, settings);
  replay = makeWorkspace(emulators.connections, settings);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: synced.config });
  const connections = synced.config().connections.map((c) => c.id);
  await Promise.all(connections.map(async (id) => waitForSync(await startSync(env.client, findConnection(synced.config(), id), { mode: 'historical', buildAfter: false, tuning: syncTuning(synced.config()) }), () => {})));
  ({ warehouse: sourceWarehouse } = await buildWarehouse(synced.config(), { modelsDir }));
  const instance = await DuckDBInstance.create(sourceWarehouse, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  rawTables = (await db.runAndReadAll("SELECT table_name FROM duckdb_tables() WHERE schema_name = 'raw' AND estimated_size > 0 ORDER BY 1")).getRowObjectsJS().map((r) => String(r.table_name));
  db.closeSync();
  instance.closeSync();
}, 1_200_000);

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await emulators?.close();
  await closeLakes();
  synced?.cleanup();
  replay?.cleanup();
});

describe('an incremental build', () => {
  it('equals a full rebuild of the same lake after every step of a random sequence of syncs', async () => {
    expect(rawTables.length).toBeGreaterThan(20);
    const rng = new Rng(2026);
    const next = () => rng.next();
    const config = replay.config();
    const fullConfig = { ...config, layout: { ...config.layout, warehouse: path.join(replay.dir, 'full', 'warehouse.duckdb') } };
    const landedBuckets = new Map<string, number>();
    const modes: string[] = [];
    const base = Date.parse('2026-12-01T00:00:00Z');
    for (let step = 0; step < 6; step++) {
      // Each table lands in a step with a probability of one half: what a sync of some connections lands.
      const landings: Landing[] = [];
      for (const table of rawTables) {
        if (step > 0 && next() < 0.5) continue;
        const landed = landedBuckets.get(table) ?? -1;
        const roll = next();
        const op: Op = landed < 0 || (roll < 0.4 && landed < BUCKETS - 1) ? 'insert' : roll < 0.55 ? 'twice' : roll < 0.8 ? 'update' : 'late';
        const bucket = op === 'insert' || op === 'twice' ? Math.min(landed + 1, BUCKETS - 1) : landed;
        landedBuckets.set(table, Math.max(landed, bucket));
        landings.push({ table, op, bucket });
      }
      await landStep(config, step, landings);
      const builtAt = new Date(base + step * 60_000);
      const incremental = await buildWarehouse(config, { modelsDir, builtAt });
      const full = await buildWarehouse(fullConfig, { modelsDir, builtAt, full: true });
      modes.push(incremental.mode);
      expect(full.mode).toBe('full');
      expect(await differences(incremental.warehouse, full.warehouse), `step ${step}: ${landings.map((l) => `${l.op} ${l.table}`).join(', ')}`).toEqual({});
      expect(incremental.models).toEqual(full.models);
    }
    // The first build had nothing to start from; every later one appended what landed.
    expect(modes).toEqual(['full', 'incremental', 'incremental', 'incremental', 'incremental', 'incremental']);
  }, 900_000);

  it('changes nothing when nothing landed, and computes again only what is as of the build once it is old', async () => {
    const config = replay.config();
    const warehouse = config.layout.warehouse;
    const before = fs.statSync(warehouse);
    const last = new Date(Date.parse('2026-12-01T00:00:00Z') + 5 * 60_000);
    const unchanged = await buildWarehouse(config, { modelsDir, builtAt: new Date(last.getTime() + 10 * 60_000) });
    expect(unchanged.mode).toBe('unchanged');
    // It still says what the warehouse holds.
    expect(unchanged.models.find((m) => m.model === 'core.orders')?.rows).toBeGreaterThan(0);
    expect(fs.statSync(warehouse).ino).toBe(before.ino);
    expect(fs.statSync(warehouse).mtimeMs).toBe(before.mtimeMs);

    // An hour on (warehouse.as_of_max_age_minutes), the models computed as of the build are made again, and only they and what reads them.
    const later = new Date(last.getTime() + 61 * 60_000);
    const refreshed = await buildWarehouse(config, { modelsDir, builtAt: later });
    expect(refreshed.mode).toBe('incremental');
    expect(refreshed.rawRows).toBe(0);
    expect(refreshed.rebuilt).toEqual(expect.arrayContaining(['core.coupons', 'core.achievements', 'core.loyalty_balances']));
    expect(refreshed.rebuilt).not.toContain('staging.stg_stripe__charges');
    expect(refreshed.rebuilt).not.toContain('core.orders');
    const fullConfig = { ...config, layout: { ...config.layout, warehouse: path.join(replay.dir, 'full-later', 'warehouse.duckdb') } };
    const full = await buildWarehouse(fullConfig, { modelsDir, builtAt: later, full: true });
    expect(await differences(refreshed.warehouse, full.warehouse)).toEqual({});
    expect(rowsOf(refreshed, 'core.orders')).toBe(rowsOf(full, 'core.orders'));
  }, 300_000);
});
