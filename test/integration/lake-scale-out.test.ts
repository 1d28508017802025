import { DuckDBInstance } from '@duckdb/node-api';
import type { Client } from '@temporalio/client';
import type { ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, syncTuning, waitForSync } from '../../app/syncs';
import { connectClient } from '../../app/temporal';
import { stopBackground } from '../../cli/background';
import { ensureDevServer } from '../../cli/dev-server';
import { DEFAULT_ANCHOR } from '../../emulators/world';
import { findConnection } from '../../lib/config';
import { closeLakes } from '../../lib/lake/open-lake';
import { PROJECT_ROOT } from '../../lib/paths';
import { sqlIdent, sqlString } from '../../lib/sql';
import { ensureTemporalCli } from '../../lib/temporal-cli';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { startWorker } from '../../worker/run-worker';
import { committedRowCount } from '../support/lake-reads';
import { startLakeServers, type LakeServers } from '../support/lake-servers';
import { freePort, killHard, spawnWorker, waitFor } from '../support/processes';
import { queryRawRows } from '../support/raw-lake';
import { expectedRows, startSourceEmulators, type SourceEmulators } from '../support/source-emulators';
import { makeWorkspace } from '../support/workspace';

// Beyond one machine: three sync workers as separate processes, each started in an empty directory
// of its own with nothing shared but the lake (a real PostgreSQL catalog and a real S3 server) and
// Temporal, sync every source at once while one of them is killed with SIGKILL three times. Every
// record lands exactly once, nothing is written under the workers' directories, and the models
// built from that lake equal those of one in-process worker syncing the same sources into an
// embedded lake.

type Workspace = ReturnType<typeof makeWorkspace>;

let servers: LakeServers;
let emulators: SourceEmulators;
let temporal: { address: string; client: Client; dir: string };
let shared: Workspace;
let single: Workspace;
const workers: ChildProcess[] = [];
const workerDirs: string[] = [];

beforeAll(async () => {
  servers = await startLakeServers();
  emulators = await startSourceEmulators(13, 0.1, DEFAULT_ANCHOR);
  Object.assign(process.env, emulators.env, servers.env);
  const [port, uiPort] = [await freePort(), await freePort()];
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-devserver-'));
  await ensureDevServer({ cliPath: ensureTemporalCli(), dbFile: path.join(dir, 'temporal.db'), runDir: dir, host: '127.0.0.1', port, uiPort, namespace: 'default' });
  const address = `127.0.0.1:${port}`;
  temporal = { address, client: await connectClient({ address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE }), dir };
  const sync = { rows_per_file: 50, heartbeat_timeout_seconds: 3, historical_slices: 2, historical_slice_days: 200, report_poll_seconds: 0.1, report_max_poll_seconds: 0.5 };
  shared = makeWorkspace(emulators.connections, { storage: servers.storage, sync });
  single = makeWorkspace(emulators.connections, { sync });
});

afterAll(async () => {
  for (const w of workers) await killHard(w);
  await temporal?.client.connection.close();
  if (temporal) {
    await stopBackground(temporal.dir, 'temporal');
    fs.rmSync(temporal.dir, { recursive: true, force: true });
  }
  await closeLakes();
  await emulators?.close();
  await servers?.stop();
  shared?.cleanup();
  single?.cleanup();
  for (const d of workerDirs) fs.rmSync(d, { recursive: true, force: true });
});

/** A sync worker in its own empty directory, its data folder inside it, on the shared lake. */
function startSyncWorker(index: number): ChildProcess {
  const dir = workerDirs[index]!;
  const child = spawnWorker({
    configFile: shared.configFile,
    address: temporal.address,
    env: { ...emulators.env, ...servers.env, CDP_DATA_DIR: path.join(dir, 'data') },
    logFile: path.join(shared.dir, `worker-${index}.log`),
    args: ['--queues', 'sync'],
    cwd: dir,
  });
  workers.push(child);
  return child;
}

/**
 * What differs between two builds for reasons other than their data: when each sync read a record
 * (`synced_at` and what models take from it: Stripe's orders are `updated_at` as of their sync,
 * Talon.One's balances and budgets are `balance_at` / `as_of` the sync), the id the source gave each
 * report request, and `conversion_key`, a row number over the conversions in the order they are read.
 */
const SYNC_DEPENDENT = /sync|landed|^updated_at$|^balance_at$|^as_of$|^report_id$|^conversion_key$/;

/** A DOUBLE column rounded to 6 significant digits. */
const significant = (c: string) => `CASE WHEN ${c} IS NULL OR ${c} = 0 OR NOT isfinite(${c}) THEN ${c} ELSE round(${c}, 5 - floor(log10(abs(${c})))::INTEGER) END`;

/**
 * The models of two warehouse files that differ, table by table, leaving out the sync-dependent
 * columns; fractions are compared to 6 significant digits, as sums of them depend on the order rows are read in.
 */
async function differingModels(a: string, b: string): Promise<string[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run(`ATTACH ${sqlString(a)} AS a (READ_ONLY); ATTACH ${sqlString(b)} AS b (READ_ONLY)`);
    const tables = (
      await db.runAndReadAll(
        `SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = 'a' AND schema_name IN ('staging', 'intermediate', 'core', 'marts', 'attribution') ORDER BY 1, 2`,
      )
    ).getRowObjectsJS();
    const differing: string[] = [];
    for (const t of tables) {
      const name = `${sqlIdent(String(t.schema_name))}.${sqlIdent(String(t.table_name))}`;
      const columns = (
        await db.runAndReadAll(`SELECT column_name, data_type FROM duckdb_columns() WHERE database_name = 'a' AND schema_name = ? AND table_name = ? ORDER BY column_index`, [
          String(t.schema_name),
          String(t.table_name),
        ])
      )
        .getRowObjectsJS()
        .filter((c) => !SYNC_DEPENDENT.test(String(c.column_name)))
        .map((c) => (/^(DOUBLE|FLOAT|REAL)$/.test(String(c.data_type)) ? significant(sqlIdent(String(c.column_name))) : sqlIdent(String(c.column_name))));
      const list = columns.join(', ');
      const counts = (
        await db.runAndReadAll(
          `SELECT (SELECT count(*) FROM (SELECT ${list} FROM a.${name} EXCEPT ALL SELECT ${list} FROM b.${name})) AS only_a,
                  (SELECT count(*) FROM (SELECT ${list} FROM b.${name} EXCEPT ALL SELECT ${list} FROM a.${name})) AS only_b,
                  (SELECT count(*) FROM a.${name}) AS n`,
        )
      ).getRowObjectsJS()[0]!;
      if (Number(counts.only_a) + Number(counts.only_b) > 0) {
        const cols: string[] = [];
        for (const c of columns) {
          const r = (await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM (SELECT ${c} FROM a.${name} EXCEPT ALL SELECT ${c} FROM b.${name})`)).getRowObjectsJS()[0]!;
          if (Number(r.n) > 0) cols.push(c);
        }
        differing.push(`${name}: ${counts.only_a} only in the workers' build, ${counts.only_b} only in the single worker's (of ${counts.n}); columns: ${cols.join(', ')}`);
      }
    }
    expect(tables.length).toBeGreaterThan(40);
    return differing;
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

describe('three sync workers on PostgreSQL and S3', () => {
  it('sync every source at once through three kills of one of them: each record lands once, the workers write nothing locally, and the models equal one worker\'s', async () => {
    const expected = await expectedRows(emulators);
    const config = shared.config();
    for (let i = 0; i < 3; i++) workerDirs.push(fs.mkdtempSync(path.join(os.tmpdir(), `cdp-worker-${i}-`)));
    emulators.setLatency(40);
    const handles = await Promise.all(
      emulators.connections.map((c) => startSync(temporal.client, findConnection(config, String(c.id)), { mode: 'historical', buildAfter: false, tuning: syncTuning(config) })),
    );
    startSyncWorker(1);
    startSyncWorker(2);
    for (let kill = 1; kill <= 3; kill++) {
      const before = await committedRowCount(config);
      const victim = startSyncWorker(0);
      await waitFor(async () => (await committedRowCount(config)) >= before + 150, 120_000, `progress before kill ${kill}`);
      await killHard(victim);
    }
    startSyncWorker(0);
    const results = await Promise.all(handles.map((h) => waitForSync(h, () => {})));
    emulators.setLatency(0);

    for (const result of results) {
      const connection = findConnection(config, result.connectionId);
      expect(Object.fromEntries(result.streams.map((s) => [s.stream, s.rows])), result.connectionId).toEqual(expected[result.connectionId]);
      for (const [stream, count] of Object.entries(expected[result.connectionId]!)) {
        const sql = `select count(*)::int as rows, count(distinct primary_key)::int as distinct from rows where connection = '${result.connectionId}'`;
        expect(await queryRawRows(config, connection.source, stream, sql), `${result.connectionId}.${stream}`).toEqual([{ rows: count, distinct: count }]);
      }
    }
    // Nothing under the workers' own directories: everything they wrote is in the lake.
    for (const dir of workerDirs) expect(fs.readdirSync(dir, { recursive: true }), dir).toEqual([]);

    // The same sources synced by one worker into an embedded lake, built, against a build of the shared lake.
    const taskQueue = `${SYNC_TASK_QUEUE}-single`;
    const worker = await startWorker({ address: temporal.address, namespace: 'default', taskQueue, queues: 'sync', loadConfig: single.config });
    try {
      const singleConfig = single.config();
      const done = await Promise.all(
        emulators.connections.map(async (c) =>
          waitForSync(await startSync(temporal.client, findConnection(singleConfig, String(c.id)), { mode: 'historical', taskQueue, buildAfter: false, tuning: syncTuning(singleConfig) }), () => {}),
        ),
      );
      expect(done.map((r) => r.connectionId).sort()).toEqual(results.map((r) => r.connectionId).sort());
    } finally {
      await worker.shutdown();
    }
    const modelsDir = path.join(PROJECT_ROOT, 'models');
    const ours = await buildWarehouse(config, { modelsDir });
    const theirs = await buildWarehouse(single.config(), { modelsDir });
    expect(await differingModels(ours.warehouse, theirs.warehouse)).toEqual([]);
  }, 900_000);
});
