import { DuckDBInstance } from '@duckdb/node-api';
import { MockActivityEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { JsonText, landAndCommit, type LandedRecord, type LandingTarget } from '../../../activities/landing/land-batch';
import { syncStreamBatch, type SyncStreamBatchResult } from '../../../activities/sync/sync-stream-batch';
import { withLake } from '../../../lib/lake/lake-session';
import { attachLake, closeLakes, openLake, type Lake } from '../../../lib/lake/open-lake';
import { dataLayout } from '../../../lib/paths';
import { listStreamStates, readLakeStreamState, readStreamState, stateTable, type StreamPosition } from '../../../lib/sync-state';
import { committedState, landedRows } from '../../support/lake-reads';
import { exportLakeEnv, startLakeServers } from '../../support/lake-servers';
import { CONNECTION, customersWorkspace, filesUnder, pagedCustomers, scriptedCustomers, startPosition } from '../sync/scripted-customers';

// A batch and the cursor past it commit in one lake transaction: when the cursor cannot be written
// no row lands, a batch landed again (a retried or overlapping attempt) lands once, and a retried
// attempt whose heartbeat is older than what it committed goes on from the commit.

const dirs: string[] = [];
const tmpLake = async (): Promise<Lake> => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-landing-'));
  dirs.push(dir);
  return openLake({}, dataLayout(dir));
};
afterAll(async () => {
  await closeLakes();
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const target: LandingTarget = { source: 'stripe', stream: 'customers', connection: 'c1', environment: 'sandbox', syncId: 'sync-1', syncMode: 'historical' };

const record = (n: number, bad = false): LandedRecord => ({
  primaryKey: `cus_${n}`,
  cursorValue: String(1_700_000_000 + n),
  syncedAt: new Date('2026-01-02T03:04:05Z'),
  payload: { id: `cus_${n}`, created: 1_700_000_000 + n },
  ...(bad ? { quarantineReason: 'stripe.customers: email: Invalid' } : {}),
});

const position = (seq: number, pages: number, rows: number): StreamPosition => ({
  connection: 'c1',
  stream: 'customers',
  syncId: 'sync-1',
  mode: 'historical',
  window: { from: null, to: 1_800_000_000 },
  pageToken: seq === 0 ? null : `cus_${rows}`,
  seq,
  pages,
  rows,
  quarantined: 0,
  firstCursor: null,
  lastCursor: null,
  startedAt: '2026-01-02T03:04:05.000Z',
});

async function count(lake: Lake, table: string): Promise<number> {
  return withLake(lake, async (db) => Number((await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${table}`)).getRowObjectsJS()[0]!.n));
}

describe('a batch and its cursor in one lake transaction', () => {
  it('lands good records in the raw table and bad ones in the quarantine, each with its envelope, beside the cursor', async () => {
    const lake = await tmpLake();
    const outcome = await landAndCommit(lake, { ...target, slice: 2 }, [{ seq: 0, records: [record(1), record(2, true), record(3)] }], { base: position(0, 0, 0), next: { ...position(1, 1, 2), quarantined: 1 } });
    expect(outcome.kind).toBe('landed');
    const rows = await withLake(lake, async (db) =>
      (
        await db.runAndReadAll(
          `SELECT primary_key, cursor_value, synced_at::VARCHAR AS synced_at, sync_id, sync_mode, batch_seq, slice, record_index, payload->>'id' AS id FROM lake.raw.stripe__customers ORDER BY record_index`,
        )
      ).getRowObjectsJS(),
    );
    expect(rows).toEqual([
      { primary_key: 'cus_1', cursor_value: '1700000001', synced_at: '2026-01-02 03:04:05+00', sync_id: 'sync-1', sync_mode: 'historical', batch_seq: 0, slice: 2, record_index: 0, id: 'cus_1' },
      { primary_key: 'cus_3', cursor_value: '1700000003', synced_at: '2026-01-02 03:04:05+00', sync_id: 'sync-1', sync_mode: 'historical', batch_seq: 0, slice: 2, record_index: 2, id: 'cus_3' },
    ]);
    const quarantined = await withLake(lake, async (db) =>
      (await db.runAndReadAll(`SELECT primary_key, quarantine_reason, record_index FROM lake.quarantine.stripe__customers`)).getRowObjectsJS(),
    );
    expect(quarantined).toEqual([{ primary_key: 'cus_2', quarantine_reason: 'stripe.customers: email: Invalid', record_index: 1 }]);
    const state = await withLake(lake, (db) => readStreamState(db, 'c1', 'customers'));
    expect(state.inProgress).toEqual({ ...position(1, 1, 2), quarantined: 1 });
  });

  it('a batch whose cursor cannot be written leaves no row in the raw table or the quarantine', async () => {
    const lake = await tmpLake();
    await landAndCommit(lake, target, [{ seq: 0, records: [record(1)] }], { base: position(0, 0, 0), next: position(1, 1, 1) });
    // The state table changes under the landing: its insert fails, after the rows were inserted.
    await withLake(lake, async (db) => {
      await db.run(`DROP TABLE ${stateTable('c1')}`);
      await db.run(`CREATE TABLE ${stateTable('c1')} (stream VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL, owner VARCHAR NOT NULL)`);
    });
    await expect(landAndCommit(lake, target, [{ seq: 1, records: [record(2), record(3, true)] }], { base: position(1, 1, 1), next: position(2, 2, 2) })).rejects.toThrow();
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(1);
    expect(await count(lake, stateTable('c1'))).toBe(0);
    expect(await withLake(lake, async (db) => (await db.runAndReadAll(`SELECT count(*) AS n FROM duckdb_tables() WHERE schema_name = 'quarantine'`)).getRowObjectsJS()[0]!.n)).toBe(1n);
    expect(await count(lake, 'lake.quarantine.stripe__customers')).toBe(0);
  });

  it("keeps each connection's states in a table of its own, and moves the states of a lake that kept them in one table", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-landing-'));
    dirs.push(dir);
    const lake = await openLake({}, dataLayout(dir));
    await landAndCommit(lake, target, [{ seq: 0, records: [record(1)] }], { base: position(0, 0, 0), next: position(1, 1, 1) });
    await landAndCommit(lake, { ...target, connection: 'c2' }, [{ seq: 0, records: [record(2)] }], { base: { ...position(0, 0, 0), connection: 'c2' }, next: { ...position(1, 1, 1), connection: 'c2' } });
    expect([await count(lake, stateTable('c1')), await count(lake, stateTable('c2'))]).toEqual([1, 1]);

    // The same lake as it was when every state shared one table.
    const old = { connection: 'c3', stream: 'orders', highWaterMark: 1_700_000_500, inProgress: null, lastSync: null };
    await withLake(lake, async (db) => {
      await db.run(`CREATE TABLE lake.cdp.stream_state (connection VARCHAR NOT NULL, stream VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);
      await db.run(`INSERT INTO lake.cdp.stream_state VALUES ('c3', 'orders', $1::JSON, now()), ('c1', 'customers', $2::JSON, now())`, [
        JSON.stringify(old),
        JSON.stringify({ connection: 'c1', stream: 'customers', highWaterMark: 7, inProgress: null, lastSync: null }),
      ]);
    });
    await closeLakes();
    const reopened = await openLake({}, dataLayout(dir));
    expect(await readLakeStreamState(reopened, 'c3', 'orders')).toEqual(old);
    expect((await readLakeStreamState(reopened, 'c1', 'customers')).highWaterMark).toBe(7);
    expect((await readLakeStreamState(reopened, 'c2', 'customers')).inProgress?.seq).toBe(1);
    expect((await withLake(reopened, (db) => listStreamStates(db))).map((s) => `${s.connection}.${s.stream}`)).toEqual(['c1.customers', 'c2.customers', 'c3.orders']);
    const left = await withLake(reopened, async (db) => (await db.runAndReadAll(`SELECT table_name FROM duckdb_tables() WHERE database_name = 'lake' AND schema_name = 'cdp'`)).getRowObjectsJS());
    expect(left.map((r) => r.table_name)).not.toContain('stream_state');
  });

  it('a batch landed twice by the same sync lands its rows once, and the second says where the commit got to', async () => {
    const lake = await tmpLake();
    const batch = [{ seq: 0, records: [record(1), record(2)] }];
    const first = { base: position(0, 0, 0), next: position(1, 1, 2) };
    expect((await landAndCommit(lake, target, batch, first)).kind).toBe('landed');
    const again = await landAndCommit(lake, target, batch, first);
    expect(again).toEqual({ kind: 'already-landed', position: position(1, 1, 2) });
    // An attempt that started before the second batch, landing its first again after it.
    expect((await landAndCommit(lake, target, [{ seq: 1, records: [record(3)] }], { base: position(1, 1, 2), next: position(2, 2, 3) })).kind).toBe('landed');
    expect(await landAndCommit(lake, target, batch, first)).toEqual({ kind: 'already-landed', position: position(2, 2, 3) });
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(3);
    // Another sync's batch of the same number is its own.
    expect((await landAndCommit(lake, { ...target, syncId: 'sync-2' }, batch, { base: { ...position(0, 0, 0), syncId: 'sync-2' }, next: { ...position(1, 1, 2), syncId: 'sync-2' } })).kind).toBe('landed');
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(5);
  });

  it('an attempt that read on from where another one already landed lands nothing, however the two cut their batches', async () => {
    const lake = await tmpLake();
    // One attempt read two pages into its first batch and landed it; a second attempt, started from
    // the same position, read three pages into its first batch: its rows overlap the first one's.
    expect((await landAndCommit(lake, target, [{ seq: 0, records: [record(1), record(2)] }], { base: position(0, 0, 0), next: position(1, 2, 2) })).kind).toBe('landed');
    const late = await landAndCommit(lake, target, [{ seq: 0, records: [record(1), record(2), record(3)] }], { base: position(0, 0, 0), next: position(1, 3, 3) });
    expect(late).toEqual({ kind: 'already-landed', position: position(1, 2, 2) });
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(2);
  });

  it('a batch commits while another engine holds a read of the lake open, as a build copying the raw tables does', async () => {
    const lake = await tmpLake();
    await landAndCommit(lake, target, [{ seq: 0, records: [record(1)] }], { base: position(0, 0, 0), next: position(1, 1, 1) });
    const other = await DuckDBInstance.create(':memory:');
    const reader = await other.connect();
    try {
      await attachLake(reader, {}, lake.location, { readOnly: true });
      await reader.run('BEGIN TRANSACTION');
      const seen = async () => Number((await reader.runAndReadAll('SELECT count(*)::INTEGER AS n FROM lake.raw.stripe__customers')).getRowObjectsJS()[0]!.n);
      expect(await seen()).toBe(1);
      expect((await landAndCommit(lake, target, [{ seq: 1, records: [record(2)] }], { base: position(1, 1, 1), next: position(2, 2, 2) })).kind).toBe('landed');
      // The reader keeps the snapshot it began with; the lake has both batches.
      expect(await seen()).toBe(1);
      await reader.run('COMMIT');
    } finally {
      reader.closeSync();
      other.closeSync();
    }
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(2);
    expect((await landAndCommit(lake, target, [{ seq: 2, records: [record(3)] }], { base: position(2, 2, 2), next: position(3, 3, 3) })).kind).toBe('landed');
  });

  it("two attempts landing a stream's first batch at the same moment, on two engines, land it once", async () => {
    // On PostgreSQL, where two engines' commits meet DuckLake's conflict checks, not the embedded catalog's lock.
    const servers = await startLakeServers();
    const restoreEnv = exportLakeEnv(servers.env);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-landing-'));
    dirs.push(dir);
    const lake = await openLake(servers.storage, dataLayout(dir));
    // The second attempt's engine: its landing stops before its COMMIT until the first attempt has landed.
    const engine = await DuckDBInstance.create(':memory:');
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let atCommit!: () => void;
    const reachedCommit = new Promise<void>((resolve) => (atCommit = resolve));
    const held: Lake = {
      location: lake.location,
      id: lake.id,
      connect: async () => {
        const db = await engine.connect();
        await attachLake(db, servers.storage, lake.location);
        let landing = false;
        return new Proxy(db, {
          get(conn, key) {
            if (key === 'run') {
              return async (sql: string, ...rest: unknown[]) => {
                if (sql.startsWith('INSERT INTO lake.raw')) landing = true;
                if (sql === 'COMMIT' && landing) {
                  landing = false;
                  atCommit();
                  await gate;
                }
                return (conn.run as (...a: unknown[]) => unknown)(sql, ...rest);
              };
            }
            const value = Reflect.get(conn, key) as unknown;
            return typeof value === 'function' ? value.bind(conn) : value;
          },
        });
      },
      close: () => engine.closeSync(),
    };
    try {
      const step = { base: position(0, 0, 0), next: position(1, 2, 2) };
      const batch = [{ seq: 0, records: [record(1), record(2)] }];
      const second = landAndCommit(held, target, batch, step);
      await reachedCommit;
      expect((await landAndCommit(lake, target, batch, step)).kind).toBe('landed');
      release();
      expect(await second).toEqual({ kind: 'already-landed', position: position(1, 2, 2) });
      expect(await count(lake, 'lake.raw.stripe__customers')).toBe(2);
      expect(await count(lake, stateTable('c1'))).toBe(1);
    } finally {
      release();
      engine.closeSync();
      await closeLakes();
      restoreEnv();
      await servers.stop();
    }
  });

  it('batches of several streams landing at once in one process all commit', async () => {
    const lake = await tmpLake();
    const streams = ['customers', 'charges', 'invoices', 'refunds'];
    await Promise.all(
      streams.map(async (stream) => {
        for (let seq = 0; seq < 5; seq++) {
          const step = { base: { ...position(seq, seq, seq * 2), stream }, next: { ...position(seq + 1, seq + 1, (seq + 1) * 2), stream } };
          expect((await landAndCommit(lake, { ...target, stream }, [{ seq, records: [record(seq * 2), record(seq * 2 + 1)] }], step)).kind).toBe('landed');
        }
      }),
    );
    for (const stream of streams) {
      expect(await count(lake, `lake.raw.stripe__${stream}`)).toBe(10);
      expect((await withLake(lake, (db) => readStreamState(db, 'c1', stream))).inProgress?.seq).toBe(5);
    }
  });

  /** The lake's snapshots: one a committed transaction. */
  const snapshots = (lake: Lake) => withLake(lake, async (db) => Number((await db.runAndReadAll(`SELECT count(*)::INTEGER AS n FROM ${'lake'}.snapshots()`)).getRowObjectsJS()[0]!.n));
  const streamStep = (stream: string, seq: number) => ({ base: { ...position(seq, seq, seq * 2), stream }, next: { ...position(seq + 1, seq + 1, (seq + 1) * 2), stream } });

  it('batches of several streams that wait for their turn together commit in one transaction, each beside its own state', async () => {
    const lake = await tmpLake();
    const streams = ['customers', 'charges', 'invoices'];
    // The streams' first batches make their tables and states; their second batches then all wait at once.
    for (const stream of streams) await landAndCommit(lake, { ...target, stream }, [{ seq: 0, records: [record(0), record(1, true)] }], streamStep(stream, 0));
    const before = await snapshots(lake);
    const outcomes = await Promise.all(streams.map((stream) => landAndCommit(lake, { ...target, stream }, [{ seq: 1, records: [record(2), record(3, true)] }], streamStep(stream, 1))));
    expect(outcomes.map((o) => o.kind)).toEqual(['landed', 'landed', 'landed']);
    expect(await snapshots(lake)).toBe(before + 1);
    for (const stream of streams) {
      expect(await count(lake, `lake.raw.stripe__${stream}`)).toBe(2);
      expect(await count(lake, `lake.quarantine.stripe__${stream}`)).toBe(2);
      expect((await withLake(lake, (db) => readStreamState(db, 'c1', stream))).inProgress).toEqual({ ...position(2, 2, 4), stream });
    }
  });

  it('two attempts of one batch waiting together land it once, and a failing landing fails alone', async () => {
    const lake = await tmpLake();
    await landAndCommit(lake, target, [{ seq: 0, records: [record(0)] }], streamStep('customers', 0));
    await landAndCommit(lake, { ...target, stream: 'charges' }, [{ seq: 0, records: [record(0)] }], streamStep('charges', 0));
    const broken: LandedRecord = { ...record(9), payload: new JsonText('{"id": "cus_9", ') };
    const [first, second, failed] = await Promise.allSettled([
      landAndCommit(lake, target, [{ seq: 1, records: [record(2), record(3)] }], streamStep('customers', 1)),
      landAndCommit(lake, target, [{ seq: 1, records: [record(2), record(3)] }], streamStep('customers', 1)),
      landAndCommit(lake, { ...target, stream: 'charges' }, [{ seq: 1, records: [broken] }], streamStep('charges', 1)),
    ]);
    // Which of the two lands first depends on the turns taken; the other finds it landed.
    expect([first, second].map((o) => (o.status === 'fulfilled' ? o.value.kind : o.reason)).sort()).toEqual(['already-landed', 'landed']);
    expect(failed.status).toBe('rejected');
    expect(await count(lake, 'lake.raw.stripe__customers')).toBe(3);
    expect(await count(lake, 'lake.raw.stripe__charges')).toBe(1);
    expect((await withLake(lake, (db) => readStreamState(db, 'c1', 'charges'))).inProgress).toEqual({ ...position(1, 1, 2), stream: 'charges' });
  });
});

describe('a retried sync batch', () => {
  const source = scriptedCustomers();
  let ws: ReturnType<typeof customersWorkspace> | undefined;
  afterEach(() => ws?.cleanup());

  it('resumes from the committed state when its heartbeat is older, asking for no page twice and landing each record once', async () => {
    source.answer = pagedCustomers(6, 2);
    ws = customersWorkspace(source.baseUrl);
    const config = ws.config();
    const start = await startPosition(config, 'retry-1');
    // The first attempt commits two pages as two batches (a budget of none hands back after each
    // landing; two calls stand for one attempt), but Temporal recorded only its first heartbeat.
    const beats: StreamPosition[] = [];
    const attempt = new MockActivityEnvironment();
    attempt.on('heartbeat', (d: StreamPosition) => beats.push(d));
    const first: SyncStreamBatchResult = await attempt.run(syncStreamBatch, config, { position: start, rowsPerFile: 2, budgetMs: 0 });
    await attempt.run(syncStreamBatch, config, { position: first.position, rowsPerFile: 2, budgetMs: 0 });
    expect((await committedState(config, CONNECTION, 'customers')).inProgress).toMatchObject({ seq: 2, rows: 4, pageToken: 'cus_0004' });
    const stale = beats.find((b) => b.seq === 1)!;
    expect(stale).toMatchObject({ rows: 2, pageToken: 'cus_0002' });
    source.asked.length = 0;

    const retry = new MockActivityEnvironment({ heartbeatDetails: stale });
    const result = await retry.run(syncStreamBatch, config, { position: start, rowsPerFile: 2 });
    expect(result).toMatchObject({ done: true, position: { rows: 6, seq: 3 } });
    // It asked on from the last committed page, not from the heartbeat's.
    expect(source.asked.map((q) => q.get('starting_after'))).toEqual(['cus_0004']);
    const rows = await landedRows(config, 'stripe', 'customers');
    expect(rows.map((r) => r.primary_key)).toEqual(['cus_0001', 'cus_0002', 'cus_0003', 'cus_0004', 'cus_0005', 'cus_0006']);
    expect((await committedState(config, CONNECTION, 'customers')).lastSync).toMatchObject({ syncId: 'retry-1', rows: 6, batches: 3 });
    // Nothing of the old landing is left on disk: no Parquet file outside the lake, no temporary file.
    expect(filesUnder(path.join(config.layout.root, 'raw')).parquet).toEqual([]);
    expect(filesUnder(config.layout.root).temporary).toEqual([]);
  });
});
