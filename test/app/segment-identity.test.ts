import { DuckDBInstance } from '@duckdb/node-api';
import { parse as parseCsv } from 'csv-parse/sync';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import { SegmentNotMaterializedError } from '../../app/errors';
import { queryWarehouse } from '../../app/query';
import { exportSegment, memberPage, membershipHistory } from '../../app/segment-members';
import { changeSegment, createSegment, deleteSegment, listSegments, replaceSegment } from '../../app/segments';
import type { LoadedConfig } from '../../lib/config';
import { EXPORT_FORMATS } from '../../lib/segments/audience';
import { PROJECT_ROOT } from '../../lib/paths';
import { loadSegments } from '../../lib/segments/files';
import { materializeSegments } from '../../lib/segments/materialize';
import { parquetSegmentStore } from '../../lib/segments/parquet-import';
import { sqlString } from '../../lib/sql';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { EVERY_DOE, landKnownPeople, NOBODY, SHOP_CONNECTION, THE_DOES } from '../support/known-customers';
import { storeRows } from '../support/segment-store-rows';
import { makeWorkspace } from '../support/workspace';

// A segment keeps its identity: its members, history and runs hang on an id that a later segment
// of the same name never gets, and deleting a segment deletes them. The people are landed by the
// test, so every expected member, email and count below is what the test put in.

const EMAILS = THE_DOES.map((p) => p.email).sort();
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

type Row = Record<string, unknown>;

/** Every stored history row and run of a segment name, whatever its id. */
async function storedRowsNamed(config: LoadedConfig, name: string): Promise<{ history: Row[]; runs: Row[] }> {
  return { history: await storeRows(config, 'history', name), runs: await storeRows(config, 'runs', name) };
}

const page = { page: 1, size: 50, sort: 'email', dir: 'asc' } as const;

/** Asserts a segment shows nobody: no member, no history, and every export just its header line. */
async function expectEmpty(config: LoadedConfig, name: string): Promise<void> {
  expect(await memberPage(config, name, page)).toEqual({ total: 0, rows: [] });
  expect(await membershipHistory(config, name, { page: 1, size: 50 })).toEqual({ total: 0, rows: [] });
  for (const format of EXPORT_FORMATS) {
    const { csv, members } = await exportSegment(config, name, format);
    expect(members, format).toBe(0);
    expect(csv.trim().split('\n'), format).toHaveLength(1);
    expect(parseCsv(csv, { columns: true }), format).toEqual([]);
    for (const person of THE_DOES) expect(csv.toLowerCase(), format).not.toContain(person.email);
  }
}

/** The emails of a segment's members, read through the members page. */
async function memberEmails(config: LoadedConfig, name: string): Promise<string[]> {
  return (await memberPage(config, name, page)).rows.map((r) => String(r.email)).sort();
}

function cdp(config: LoadedConfig, args: string[]): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', config.file, ...args], { encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

const writeFile = (config: LoadedConfig, file: string, body: object) => {
  fs.mkdirSync(config.segmentsDir, { recursive: true });
  fs.writeFileSync(path.join(config.segmentsDir, file), stringify(body));
};

describe('a segment given the name of a deleted one', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;

  beforeAll(async () => {
    ws = makeWorkspace([SHOP_CONNECTION]);
    config = ws.config();
    await landKnownPeople(config, THE_DOES);
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  }, 120_000);

  afterAll(() => ws?.cleanup());

  it('deleted with cdp: the new one has no members, no history and exports only headers', async () => {
    const first = createSegment(config, { name: 'vip-list', environment: 'live', rules: EVERY_DOE });
    expect(first.definition.id).toMatch(UUID);
    const materialized = await materializeSegments(config);
    expect(materialized.segments.find((s) => s.segment === 'vip-list')).toMatchObject({ members: THE_DOES.length, entered: THE_DOES.length });
    expect(await memberEmails(config, 'vip-list')).toEqual(EMAILS);
    expect((await membershipHistory(config, 'vip-list', { page: 1, size: 50 })).total).toBe(THE_DOES.length);

    const { message, deletedIds } = await deleteSegment(config, 'vip-list');
    expect(message).toBe(`deleted ${first.file} with its members and membership history; a new segment of this name starts empty`);
    expect(deletedIds).toEqual([first.definition.id]);
    expect(fs.existsSync(first.file)).toBe(false);
    expect(await storedRowsNamed(config, 'vip-list')).toEqual({ history: [], runs: [] });

    const second = createSegment(config, { name: 'vip-list', environment: 'live', rules: NOBODY });
    expect(second.definition.id).toMatch(UUID);
    expect(second.definition.id).not.toBe(first.definition.id);
    // Before its first materialization there is nothing to read, not the old members.
    await expect(memberPage(config, 'vip-list', page)).rejects.toBeInstanceOf(SegmentNotMaterializedError);
    await expect(exportSegment(config, 'vip-list', 'email')).rejects.toBeInstanceOf(SegmentNotMaterializedError);
    expect((await listSegments(config)).segments.find((s) => s.definition.name === 'vip-list')?.lastRun).toBeUndefined();

    const again = await materializeSegments(config, { names: ['vip-list'] });
    expect(again.segments).toEqual([expect.objectContaining({ segment: 'vip-list', members: 0, entered: 0, exited: 0 })]);
    await expectEmpty(config, 'vip-list');
    expect((await listSegments(config)).segments.find((s) => s.definition.name === 'vip-list')?.lastRun).toMatchObject({ members: 0 });
  });

  it('removed by hand: the next full materialization deletes its rows, so a hand-written file of that name starts empty', async () => {
    writeFile(config, 'by-hand.yaml', { environment: 'live', rules: EVERY_DOE });
    await materializeSegments(config);
    expect(await memberEmails(config, 'by-hand')).toEqual(EMAILS);

    fs.rmSync(path.join(config.segmentsDir, 'by-hand.yaml'));
    const purged = await materializeSegments(config);
    expect(purged.removed).toEqual(['by-hand']);
    expect(await storedRowsNamed(config, 'by-hand')).toEqual({ history: [], runs: [] });
    const warehouse = await queryWarehouse(config.layout.warehouse, `select count(*)::int as n from segments.segment_membership_history where segment = 'by-hand'`);
    expect(warehouse.rows).toEqual([{ n: 0 }]);

    // Written without an id, it is identified by its name, the old one's id: only the purge keeps the old rows from it.
    writeFile(config, 'by-hand.yaml', { environment: 'live', rules: NOBODY });
    const materialized = await materializeSegments(config);
    expect(materialized.removed).toEqual([]);
    expect(materialized.segments.find((s) => s.segment === 'by-hand')).toMatchObject({ members: 0, entered: 0, exited: 0 });
    await expectEmpty(config, 'by-hand');
  });

  it('a .yml segment is deleted with `cdp segment delete`, its rows with it, and edits keep to its .yml file', async () => {
    writeFile(config, 'short-ext.yml', { environment: 'live', rules: NOBODY });
    changeSegment(config, 'short-ext', { rules: EVERY_DOE });
    expect(fs.readdirSync(config.segmentsDir).filter((f) => f.startsWith('short-ext'))).toEqual(['short-ext.yml']);
    await materializeSegments(config, { names: ['short-ext'] });
    expect(await memberEmails(config, 'short-ext')).toEqual(EMAILS);

    const deleted = cdp(config, ['segment', 'delete', 'short-ext']);
    expect(deleted).toMatchObject({ status: 0, out: expect.stringContaining('short-ext.yml with its members and membership history') });
    expect(fs.existsSync(path.join(config.segmentsDir, 'short-ext.yml'))).toBe(false);
    expect(await storedRowsNamed(config, 'short-ext')).toEqual({ history: [], runs: [] });
  });
});

describe('segment ids in files', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;
  const fileOf = (name: string) => parse(fs.readFileSync(path.join(config.segmentsDir, `${name}.yaml`), 'utf8')) as Record<string, unknown>;

  beforeAll(() => {
    ws = makeWorkspace([]);
    config = ws.config();
  });

  afterAll(() => ws?.cleanup());

  it('a new segment gets a random id that edits keep, and an id given with it is never used', () => {
    const { definition } = createSegment(config, { name: 'kept', environment: 'live', rules: EVERY_DOE, id: 'claimed' } as never);
    expect(definition.id).toMatch(UUID);
    expect(fileOf('kept').id).toBe(definition.id);
    changeSegment(config, 'kept', { description: 'changed' });
    expect(fileOf('kept')).toMatchObject({ id: definition.id, description: 'changed' });
    replaceSegment(config, 'kept', { id: 'claimed', environment: 'sandbox', rules: NOBODY }, 'draft');
    expect(fileOf('kept')).toMatchObject({ id: definition.id, environment: 'sandbox', rules: NOBODY });
    expect(createSegment(config, { name: 'other', environment: 'live', rules: EVERY_DOE }).definition.id).not.toBe(definition.id);
  });

  it('a file without an id is identified by its name, and keeps having none when edited', () => {
    writeFile(config, 'plain.yaml', { environment: 'live', rules: EVERY_DOE });
    changeSegment(config, 'plain', { rules: NOBODY });
    expect(fileOf('plain')).toEqual({ name: 'plain', environment: 'live', rules: NOBODY });
    const loaded = loadSegments(config).segments.find((s) => s.definition.name === 'plain');
    expect(loaded?.definition.id).toBeUndefined();
  });

  it('refuses a file whose id another file has, by name or stated (files are read in name order)', () => {
    writeFile(config, 'a-copy.yaml', { id: fileOf('kept').id, environment: 'live', rules: EVERY_DOE });
    writeFile(config, 'named.yaml', { id: 'plain', environment: 'live', rules: EVERY_DOE });
    const { segments, errors } = loadSegments(config);
    expect(segments.map((s) => s.definition.name).sort()).toEqual(['a-copy', 'customers', 'named', 'other']);
    expect(errors.map((e) => path.basename(e.file ?? ''))).toEqual(['kept.yaml', 'plain.yaml']);
    expect(errors[0]!.message).toBe(`${path.join(config.segmentsDir, 'kept.yaml')}: id: "${fileOf('kept').id}" is already the id of ${path.join(config.segmentsDir, 'a-copy.yaml')}; a copied file keeps its id: remove the id line from the copy`);
  });
});

describe('history stored before segments had ids', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;
  let ids: Map<string, string>;
  const enteredAt = '2025-01-01T00:00:00.000Z';

  beforeAll(async () => {
    ws = makeWorkspace([SHOP_CONNECTION]);
    config = ws.config();
    await landKnownPeople(config, THE_DOES);
    // A first build finds each person's customer id; the old-format files are then written as a
    // release before ids would have written them (no segment_id column), and the warehouse rebuilt on them.
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
    const customers = await queryWarehouse(config.layout.warehouse, 'select customer_id, email from core.customers');
    ids = new Map(customers.rows.map((r) => [String(r.email), String(r.customer_id)]));
    expect([...ids.keys()].sort()).toEqual(EMAILS);
    writeFile(config, 'legacy.yaml', { environment: 'live', rules: EVERY_DOE });
    const store = parquetSegmentStore(config.layout);
    fs.mkdirSync(path.dirname(store.history), { recursive: true });
    const instance = await DuckDBInstance.create(':memory:');
    const db = await instance.connect();
    try {
      const [ann, bob] = [ids.get('ann@doe.example')!, ids.get('bob@doe.example')!];
      await db.run(
        `COPY (SELECT * FROM (VALUES ('legacy', 'live', ${sqlString(ann)}, '${enteredAt}'::TIMESTAMPTZ, NULL::TIMESTAMPTZ, false, true),
                                     ('legacy', 'live', ${sqlString(bob)}, '${enteredAt}'::TIMESTAMPTZ, NULL::TIMESTAMPTZ, false, true))
               AS t(segment, environment, customer_id, entered_at, exited_at, from_backfill, initial))
         TO ${sqlString(store.history)} (FORMAT parquet)`,
      );
      await db.run(
        `COPY (SELECT 'legacy' AS segment, 'live' AS environment, '' AS description, '{}' AS definition, 'segments/legacy.yaml' AS file,
                      '${enteredAt}'::TIMESTAMPTZ AS materialized_at, 2::BIGINT AS members, 2::BIGINT AS entered, 0::BIGINT AS exited, 5::BIGINT AS duration_ms)
         TO ${sqlString(store.runs)} (FORMAT parquet)`,
      );
    } finally {
      db.closeSync();
      instance.closeSync();
    }
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
  }, 180_000);

  afterAll(() => ws?.cleanup());

  it('is read as the history of the segment of that name, in the app and in the warehouse', async () => {
    expect(await memberEmails(config, 'legacy')).toEqual(['ann@doe.example', 'bob@doe.example']);
    expect((await membershipHistory(config, 'legacy', { page: 1, size: 50 })).total).toBe(2);
    expect((await listSegments(config)).segments.find((s) => s.definition.name === 'legacy')?.lastRun).toMatchObject({ members: 2 });
    const members = await queryWarehouse(config.layout.warehouse, `select segment_id, segment, customer_id from segments.segment_members order by customer_id`);
    expect(members.rows).toEqual(
      [ids.get('ann@doe.example')!, ids.get('bob@doe.example')!].sort().map((customer_id) => ({ segment_id: 'legacy', segment: 'legacy', customer_id })),
    );
  });

  it('carries on at the next materialization: the stays go on, the newcomer enters, and the imported rows have segment_id', async () => {
    const result = await materializeSegments(config);
    expect(result.removed).toEqual([]);
    expect(result.segments.find((s) => s.segment === 'legacy')).toMatchObject({ members: 3, entered: 1, exited: 0 });
    const history = await storeRows(config, 'history', 'legacy');
    expect(history.map((r) => r.segment_id)).toEqual(['legacy', 'legacy', 'legacy']);
    const since = new Map(history.map((r) => [String(r.customer_id), (r.entered_at as Date).toISOString()]));
    expect(since.get(ids.get('ann@doe.example')!)).toBe(enteredAt);
    expect(since.get(ids.get('bob@doe.example')!)).toBe(enteredAt);
    expect(since.get(ids.get('cy@doe.example')!)).not.toBe(enteredAt);
    const runs = (await storeRows(config, 'runs', 'legacy')).sort((a, b) => Number(a.members) - Number(b.members));
    expect(runs.map((r) => [r.segment_id, Number(r.members)])).toEqual([
      ['legacy', 2],
      ['legacy', 3],
    ]);
  });
});
