import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../app/query';
import { memberPage } from '../../app/segment-members';
import { createSegment, previewDefinition } from '../../app/segments';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { MEMBER_SORT_COLUMNS } from '../../lib/segments/member-columns';
import { STORE } from '../../lib/segments/segment-store';
import { onStore } from '../support/segment-store-rows';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { landKnownPeople, SHOP_CONNECTION, type KnownPerson } from '../support/known-customers';
import { makeWorkspace } from '../support/workspace';

// A member list reads its pages from the first people in the sort column's order when the members
// file comes from the warehouse there is now, and a preview lists its first members the same way.
// The people are landed by the test, so which of them are members, and in which order a list
// shows them, follows from what it put in: 300 people, one in 30 of them named Zed, whose emails
// sort after everyone else's. Nobody has orders, so the money and count columns tie, and ties go
// by customer id.

const PEOPLE: KnownPerson[] = Array.from({ length: 300 }, (_, i) => {
  const zed = i % 30 === 7;
  return { first: `P${String(i).padStart(3, '0')}`, last: zed ? 'Zed' : 'Doe', email: `${zed ? 'z' : 'a'}${String(i).padStart(3, '0')}@people.example` };
});
const ZEDS = { field: 'last_name', op: 'equals', value: 'Zed' };

interface Person extends KnownPerson {
  id: string;
}

/** The order a list shows members in, from what the test landed: the sort column's value (NULLs last), then the customer id. */
function expectedOrder(people: Person[], sort: string, dir: 'asc' | 'desc'): string[] {
  const value = (p: Person): string | null => (sort === 'name' ? `${p.first} ${p.last}` : sort === 'email' ? p.email : null);
  return [...people]
    .sort((a, b) => {
      const [x, y] = [value(a), value(b)];
      if (x !== y) {
        if (x === null) return 1;
        if (y === null) return -1;
        return (x < y ? -1 : 1) * (dir === 'asc' ? 1 : -1);
      }
      return a.id < b.id ? -1 : 1;
    })
    .map((p) => p.email);
}

describe('member pages and previews of a segment', () => {
  let ws: ReturnType<typeof makeWorkspace>;
  let config: LoadedConfig;
  let zeds: Person[];

  beforeAll(async () => {
    ws = makeWorkspace([SHOP_CONNECTION]);
    config = ws.config();
    await landKnownPeople(config, PEOPLE);
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
    createSegment(config, { name: 'zeds', environment: 'live', rules: ZEDS });
    await materializeSegments(config, { now: new Date('2030-01-01T00:00:00Z') });
    const ids = new Map((await queryWarehouse(config.layout.warehouse, 'select email, customer_id from core.customers')).rows.map((r) => [String(r.email), String(r.customer_id)]));
    zeds = PEOPLE.filter((p) => p.last === 'Zed').map((p) => ({ ...p, id: ids.get(p.email)! }));
    expect(zeds.every((p) => p.id !== undefined)).toBe(true);
  }, 120_000);

  afterAll(() => ws?.cleanup());

  /** Every page of `size`, for every sort column and direction, as the list shows them. */
  async function everyListing(size: number): Promise<{ listing: string; total: number; emails: string[]; expected: string[] }[]> {
    const out = [];
    for (const sort of MEMBER_SORT_COLUMNS) {
      for (const dir of ['asc', 'desc'] as const) {
        const emails: string[] = [];
        let total = 0;
        for (let page = 1; page <= Math.ceil(zeds.length / size) + 1; page++) {
          const got = await memberPage(config, 'zeds', { page, size, sort, dir });
          total = got.total;
          emails.push(...got.rows.map((r) => String(r.email)));
        }
        out.push({ listing: `${sort} ${dir}`, total, emails, expected: expectedOrder(zeds, sort, dir) });
      }
    }
    return out;
  }

  it('lists every member once, page by page, in the order of each sort column and direction', async () => {
    for (const l of await everyListing(4)) {
      expect(l.total, l.listing).toBe(zeds.length);
      expect(l.emails, l.listing).toEqual(l.expected);
    }
  });

  it('lists them the same after a rebuild, before the next materialization', async () => {
    await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
    for (const l of await everyListing(3)) {
      expect(l.total, l.listing).toBe(zeds.length);
      expect(l.emails, l.listing).toEqual(l.expected);
    }
  }, 120_000);

  it('previews the count and the first members, most spent first (all tie, so by customer id)', async () => {
    for (const limit of [1, 2, 5, 20]) {
      const preview = await previewDefinition(config, { name: 'draft', environment: 'live', rules: ZEDS }, limit);
      expect(preview.count).toBe(zeds.length);
      expect(preview.rows.map((r) => String(r.email))).toEqual(expectedOrder(zeds, 'amount_spent', 'desc').slice(0, limit));
    }
  });

  it('keeps every member and records no change when the member keys are lost', async () => {
    await onStore(config, `DELETE FROM ${STORE.keys}`);
    const run = await materializeSegments(config, { now: new Date('2030-01-02T00:00:00Z') });
    expect(run.segments.find((s) => s.segment === 'zeds')).toMatchObject({ members: zeds.length, entered: 0, exited: 0 });
    const again = await materializeSegments(config, { now: new Date('2030-01-03T00:00:00Z') });
    expect(again.segments.find((s) => s.segment === 'zeds')).toMatchObject({ members: zeds.length, entered: 0, exited: 0 });
    const listed = await memberPage(config, 'zeds', { page: 1, size: 50, sort: 'email', dir: 'asc' });
    expect(listed.rows.map((r) => String(r.email))).toEqual(expectedOrder(zeds, 'email', 'asc'));
  }, 60_000);
});
