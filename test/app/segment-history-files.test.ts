import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../app/query';
import { memberPage, membershipHistory } from '../../app/segment-members';
import { changeSegment, createSegment, deleteSegment } from '../../app/segments';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { warehouseCopy } from '../../lib/segments/warehouse-copy';
import { sqlString } from '../../lib/sql';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { EVERY_DOE, landKnownPeople, NOBODY, SHOP_CONNECTION, THE_DOES } from '../support/known-customers';
import { storeRows } from '../support/segment-store-rows';
import { makeWorkspace } from '../support/workspace';

// The membership history only grows by what changed: a run that changes nothing writes no history,
// a run with exits and entries appends just those rows (in the lake, and as one file of the
// warehouse's copy), and deleting a segment takes its rows out of the store and the copy. The people
// are landed by the test, so every count is what it put in.

type Row = Record<string, unknown>;
const N = THE_DOES.length;
const page = { page: 1, size: 50, sort: 'email', dir: 'asc' } as const;

/** The rows of stored Parquet files, read on an engine of the test's own. */
async function parquetRows(files: string[]): Promise<Row[]> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    return (await db.runAndReadAll(`SELECT * FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true)`)).getRowObjectsJS();
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

const mtimes = (files: string[]) => files.map((f) => fs.statSync(f).mtimeMs);

/** The warehouse copy's history files: the base first, then one per run that changed anything. */
function copyFiles(config: LoadedConfig): string[] {
  const { dir, history } = warehouseCopy(config.layout);
  const later = fs.readdirSync(dir).filter((f) => f.startsWith('membership_history-') && f.endsWith('.parquet')).sort();
  return [history, ...later.map((f) => path.join(dir, f))];
}

const at = (v: unknown) => (v === null ? null : (v as Date).toISOString());

describe('the append-only membership history', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;

  beforeAll(async () => {
    ws = makeWorkspace([SHOP_CONNECTION]);
    config = ws.config();
    await landKnownPeople(config, THE_DOES);
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
    createSegment(config, { name: 'moving', environment: 'live', rules: EVERY_DOE });
    createSegment(config, { name: 'steady', environment: 'live', rules: EVERY_DOE });
  }, 120_000);

  afterAll(() => ws?.cleanup());

  it('writes the first run as the base and nothing when nothing changed', async () => {
    await materializeSegments(config, { now: new Date('2030-01-01T00:00:00Z') });
    const files = copyFiles(config);
    expect(files).toEqual([warehouseCopy(config.layout).history]);
    expect((await parquetRows(files)).filter((r) => r.segment === 'moving' || r.segment === 'steady')).toHaveLength(2 * N);
    const history = await storeRows(config, 'history');
    expect(history.filter((r) => r.segment === 'moving' || r.segment === 'steady')).toHaveLength(2 * N);
    const before = mtimes(files);
    const again = await materializeSegments(config, { now: new Date('2030-01-02T00:00:00Z') });
    expect(again.segments.filter((s) => s.entered + s.exited > 0)).toEqual([]);
    expect(await storeRows(config, 'history')).toHaveLength(history.length);
    expect(copyFiles(config)).toEqual(files);
    expect(mtimes(copyFiles(config))).toEqual(before);
  });

  it('appends a run of exits, then a run of entries, each as a file of just those rows', async () => {
    changeSegment(config, 'moving', { rules: NOBODY });
    const out = await materializeSegments(config, { now: new Date('2030-01-03T00:00:00Z') });
    expect(out.segments.find((s) => s.segment === 'moving')).toMatchObject({ members: 0, entered: 0, exited: N });
    expect(out.segments.find((s) => s.segment === 'steady')).toMatchObject({ members: N, entered: 0, exited: 0 });
    const exits = (await storeRows(config, 'history')).filter((r) => r.exited_at !== null);
    expect(exits).toHaveLength(N);
    expect(exits.every((r) => r.segment === 'moving' && at(r.exited_at) === '2030-01-03T00:00:00.000Z')).toBe(true);
    expect(copyFiles(config)).toHaveLength(2);
    const exitRows = await parquetRows([copyFiles(config)[1]!]);
    expect(exitRows).toHaveLength(N);
    expect(exitRows.every((r) => r.segment === 'moving' && at(r.exited_at) === '2030-01-03T00:00:00.000Z')).toBe(true);
    expect(await memberPage(config, 'moving', page)).toEqual({ total: 0, rows: [] });
    expect(await storeRows(config, 'members', 'moving')).toEqual([]);

    changeSegment(config, 'moving', { rules: EVERY_DOE });
    await materializeSegments(config, { now: new Date('2030-01-04T00:00:00Z') });
    const entries = (await storeRows(config, 'history', 'moving')).filter((r) => at(r.entered_at) === '2030-01-04T00:00:00.000Z');
    expect(entries).toHaveLength(N);
    expect(entries.every((r) => r.exited_at === null && r.initial === false)).toBe(true);
    expect(copyFiles(config)).toHaveLength(3);
    const entryRows = await parquetRows([copyFiles(config)[2]!]);
    expect(entryRows).toHaveLength(N);
    expect(entryRows.every((r) => r.exited_at === null && at(r.entered_at) === '2030-01-04T00:00:00.000Z')).toBe(true);

    expect((await memberPage(config, 'moving', page)).rows.map((r) => r.email)).toEqual(THE_DOES.map((p) => p.email).sort());
    const history = await membershipHistory(config, 'moving', { page: 1, size: 50 });
    expect(history.total).toBe(2 * N);
    expect(history.rows.filter((r) => r.exited_at !== null)).toHaveLength(N);
    const views = await queryWarehouse(
      config.layout.warehouse,
      `select (select count(*)::int from segments.segment_members where segment = 'moving') as members,
              (select count(*)::int from segments.segment_membership_history where segment = 'moving') as stays,
              (select count(*)::int from segments.segment_membership_history where segment = 'moving' and exited_at is not null) as closed`,
    );
    expect(views.rows).toEqual([{ members: N, stays: 2 * N, closed: N }]);
  });

  it('deleting a segment takes its rows out of the store and the warehouse copy', async () => {
    await deleteSegment(config, 'moving');
    for (const table of ['history', 'members', 'runs'] as const) expect(await storeRows(config, table, 'moving'), table).toEqual([]);
    const runIds = new Set((await storeRows(config, 'runs')).map((r) => r.segment_id));
    expect((await storeRows(config, 'builds')).filter((r) => !runIds.has(r.segment_id))).toEqual([]);
    expect(copyFiles(config)).toEqual([warehouseCopy(config.layout).history]);
    expect((await parquetRows(copyFiles(config))).filter((r) => r.segment === 'moving')).toEqual([]);
    expect((await memberPage(config, 'steady', page)).total).toBe(N);
    expect((await membershipHistory(config, 'steady', { page: 1, size: 50 })).total).toBe(N);
  });
});
