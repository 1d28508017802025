import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import { memberPage, membershipHistory } from '../../../app/segment-members';
import { changeSegment, createSegment } from '../../../app/segments';
import type { LoadedConfig } from '../../../lib/config';
import { materializeSegments } from '../../../lib/segments/materialize';
import { STORE } from '../../../lib/segments/segment-store';
import { warehouseCopy } from '../../../lib/segments/warehouse-copy';
import { builtWorkspaceOf, EVERY_DOE, NOBODY, THE_DOES } from '../../support/known-customers';
import { storeRows } from '../../support/segment-store-rows';
import type { makeWorkspace } from '../../support/workspace';

// A materialization is one lake transaction: history, members, member keys, builds and the run log
// commit together. A run that fails between writing the history and the run log leaves every table
// as it was, and no reader sees its rows while it runs. The people are landed by the test.

type Row = Record<string, unknown>;
const N = THE_DOES.length;
const EMAILS = THE_DOES.map((p) => p.email).sort();
const page = { page: 1, size: 50, sort: 'email', dir: 'asc' } as const;

/** Every row of every store table, as sorted text, to compare a store with itself. */
async function storeState(config: LoadedConfig): Promise<Record<string, string[]>> {
  const text = (r: Row) => JSON.stringify(Object.entries(r).map(([k, v]) => [k, v instanceof Date ? v.toISOString() : String(v)]));
  const state: Record<string, string[]> = {};
  for (const table of Object.keys(STORE) as (keyof typeof STORE)[]) state[table] = (await storeRows(config, table)).map(text).sort();
  return state;
}

/** The warehouse copy's files with their modification times. */
function copyState(config: LoadedConfig): Record<string, number> {
  const { dir } = warehouseCopy(config.layout);
  return Object.fromEntries(fs.readdirSync(dir).map((f) => [f, fs.statSync(path.join(dir, f)).mtimeMs]));
}

describe('a materialization cut short', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;

  beforeAll(async () => {
    ({ ws, config } = await builtWorkspaceOf(THE_DOES));
    createSegment(config, { name: 'moving', environment: 'live', rules: EVERY_DOE });
    await materializeSegments(config, { now: new Date('2030-01-01T00:00:00Z') });
  }, 120_000);

  afterAll(() => ws?.cleanup());

  it('leaves the store as it was when it fails between the history and the run log, and no reader sees its rows meanwhile', async () => {
    const before = await storeState(config);
    const copied = copyState(config);
    expect(before.members).toHaveLength(N);
    expect(before.runs!.length).toBeGreaterThan(0);
    // The run both empties a segment (exits) and gives a new one its first members (entries and new rows).
    changeSegment(config, 'moving', { rules: NOBODY });
    createSegment(config, { name: 'fresh', environment: 'live', rules: EVERY_DOE });
    let seenMidway: Record<string, string[]> | undefined;
    const run = materializeSegments(config, {
      now: new Date('2030-01-02T00:00:00Z'),
      afterHistory: async () => {
        seenMidway = await storeState(config);
        throw new Error('injected failure after the history');
      },
    });
    await expect(run).rejects.toThrow('injected failure after the history');
    expect(seenMidway).toEqual(before);
    expect(await storeState(config)).toEqual(before);
    expect(copyState(config)).toEqual(copied);
    expect((await memberPage(config, 'moving', page)).rows.map((r) => r.email)).toEqual(EMAILS);
    expect((await membershipHistory(config, 'moving', { page: 1, size: 50 })).total).toBe(N);
    const views = await queryWarehouse(config.layout.warehouse, `select segment, count(*)::int as n from segments.segment_members group by segment order by segment`);
    expect(views.rows.find((r) => r.segment === 'fresh')).toBeUndefined();
    expect(views.rows.find((r) => r.segment === 'moving')).toEqual({ segment: 'moving', n: N });
  }, 60_000);

  it('applies the whole run when it is run again', async () => {
    const out = await materializeSegments(config, { now: new Date('2030-01-03T00:00:00Z') });
    expect(out.segments.find((s) => s.segment === 'moving')).toMatchObject({ members: 0, entered: 0, exited: N });
    expect(out.segments.find((s) => s.segment === 'fresh')).toMatchObject({ members: N, entered: N, exited: 0 });
    const exits = (await storeRows(config, 'history', 'moving')).filter((r) => r.exited_at !== null);
    expect(exits.map((r) => (r.exited_at as Date).toISOString())).toEqual(Array(N).fill('2030-01-03T00:00:00.000Z'));
    expect(await storeRows(config, 'members', 'moving')).toEqual([]);
    expect((await memberPage(config, 'fresh', page)).rows.map((r) => r.email)).toEqual(EMAILS);
    const views = await queryWarehouse(
      config.layout.warehouse,
      `select (select count(*)::int from segments.segment_members where segment = 'fresh') as fresh,
              (select count(*)::int from segments.segment_members where segment = 'moving') as moving,
              (select count(*)::int from segments.segment_membership_history where segment = 'moving' and exited_at is not null) as exits`,
    );
    expect(views.rows).toEqual([{ fresh: N, moving: 0, exits: N }]);
  }, 60_000);
});
