import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths';
import { markovChannelSharesModel } from '../../lib/warehouse/markov-channel-shares';

// Tiny hand-made worlds through the attribution models themselves (conversion_touches, the Markov
// shares computed in code, touch_credits, markov_standard_by_day): each published example's people, their touches a day
// apart and an order after them, against the example's standard totals in exact fractions.

interface Person {
  id: string;
  channels: string[];
  /** An order after the last touch, with its invoiced and collected money; none: the path did not convert. */
  order?: { invoiced: number; collected: number };
}

let instance: DuckDBInstance | undefined;
afterEach(() => instance?.closeSync());

const model = (name: string) => fs.readFileSync(path.join(PROJECT_ROOT, 'models', 'attribution', `${name}.sql`), 'utf8');

async function build(people: Person[]): Promise<DuckDBConnection> {
  instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  await db.run('CREATE SCHEMA config; CREATE SCHEMA attribution');
  await db.run("CREATE TABLE config.settings AS SELECT 90 AS attribution_lookback_days, 7 AS attribution_half_life_days, 'UTC' AS timezone");
  await db.run(`CREATE TABLE attribution.touches (touchpoint_id VARCHAR, customer_id VARCHAR, environment VARCHAR, touched_at TIMESTAMP,
    channel VARCHAR, is_direct BOOLEAN, label_key INTEGER)`);
  await db.run(`CREATE TABLE attribution.conversions (conversion_id VARCHAR, conversion_key INTEGER, kind VARCHAR, customer_id VARCHAR,
    environment VARCHAR, converted_at TIMESTAMP, invoiced_minor BIGINT, collected_minor BIGINT)`);
  const day = (n: number) => `TIMESTAMP '2026-01-01' + INTERVAL ${n} DAY`;
  for (const [p, person] of people.entries()) {
    for (const [i, channel] of person.channels.entries()) {
      await db.run(`INSERT INTO attribution.touches VALUES ('${person.id}-${i}', '${person.id}', 'live', ${day(i)}, '${channel}', false, 1)`);
    }
    if (person.order) {
      const { invoiced, collected } = person.order;
      await db.run(`INSERT INTO attribution.conversions VALUES ('order:${person.id}', ${p + 1}, 'order', '${person.id}', 'live', ${day(person.channels.length)}, ${invoiced}, ${collected})`);
    }
  }
  await db.run(`CREATE TABLE attribution.conversion_touches AS ${model('conversion_touches')}`);
  await markovChannelSharesModel().compute(db);
  await db.run(`CREATE TABLE attribution.touch_credits AS ${model('touch_credits')}`);
  // Each channel is a campaign 'c' of a platform of its own name.
  await db.run(`CREATE TABLE attribution.touch_labels AS SELECT DISTINCT environment, channel, channel AS platform, channel AS source, 'c' AS campaign FROM attribution.touches`);
  await db.run(`CREATE TABLE attribution.markov_standard_by_day AS ${model('markov_standard_by_day')}`);
  return db;
}

async function rows(db: DuckDBConnection, sql: string): Promise<Record<string, unknown>[]> {
  return (await db.runAndReadAll(sql)).getRowObjectsJS();
}

/** Markov's credit, invoiced and collected money per channel, and per conversion. */
async function markovTotals(db: DuckDBConnection) {
  const byChannel = await rows(db, `select t.channel, sum(c.markov) as credit, sum(c.markov_invoiced_minor)::double as invoiced, sum(c.markov_collected_minor)::double as collected
    from attribution.touch_credits as c join attribution.conversion_touches as t using (conversion_key, position) group by all order by 1`);
  const byConversion = await rows(db, `select conversion_key, sum(markov) as credit, sum(markov_invoiced_minor)::double as invoiced, sum(markov_collected_minor)::double as collected
    from attribution.touch_credits group by all order by 1`);
  return {
    channels: Object.fromEntries(byChannel.map((r) => [String(r.channel), { credit: Number(r.credit), invoiced: Number(r.invoiced), collected: Number(r.collected) }])),
    conversions: byConversion.map((r) => ({ credit: Number(r.credit), invoiced: Number(r.invoiced), collected: Number(r.collected) })),
  };
}

describe('Markov credits through the models', () => {
  it('A>B>A>B>B>A, A>B>B>A>A and A>A, one order each: A is credited 2 orders and B 1, and the money by the same shares', async () => {
    const db = await build([
      { id: 'p1', channels: ['A', 'B', 'A', 'B', 'B', 'A'], order: { invoiced: 900, collected: 900 } },
      { id: 'p2', channels: ['A', 'B', 'B', 'A', 'A'], order: { invoiced: 900, collected: 900 } },
      { id: 'p3', channels: ['A', 'A'], order: { invoiced: 900, collected: 0 } },
    ]);
    const shares = await rows(db, "select channel, removal_effect, share, standard_credit from attribution.markov_channel_shares where kind = 'order' order by 1");
    expect(shares.map((r) => [r.channel, r.removal_effect, r.share])).toEqual([
      ['A', 1, 2 / 3],
      ['B', 0.5, 1 / 3],
    ]);
    const { channels, conversions } = await markovTotals(db);
    expect(channels.A!.credit).toBeCloseTo(2, 12);
    expect(channels.B!.credit).toBeCloseTo(1, 12);
    // Standard revenue: invoiced 2700 as 1800 and 900; collected 1800 as 1200 and 600 (A>A's order refunded).
    expect(channels.A).toMatchObject({ invoiced: 1800, collected: 1200 });
    expect(channels.B).toMatchObject({ invoiced: 900, collected: 600 });
    for (const c of conversions) expect(c.credit).toBeCloseTo(1, 12);
    expect(conversions.map((c) => [c.invoiced, c.collected])).toEqual([
      [900, 900],
      [900, 900],
      [900, 0],
    ]);
  });

  it('Bryl: C1 > C2 > C3 converts, C1 and C2 > C3 do not: the order goes 1/5, 2/5, 2/5', async () => {
    const db = await build([
      { id: 'p1', channels: ['C1', 'C2', 'C3'], order: { invoiced: 1000, collected: 500 } },
      { id: 'p2', channels: ['C1'] },
      { id: 'p3', channels: ['C2', 'C3'] },
    ]);
    const { channels } = await markovTotals(db);
    expect(channels.C1!.credit).toBeCloseTo(1 / 5, 12);
    expect(channels.C2!.credit).toBeCloseTo(2 / 5, 12);
    expect(channels.C3!.credit).toBeCloseTo(2 / 5, 12);
    expect([channels.C1!.invoiced, channels.C2!.invoiced, channels.C3!.invoiced]).toEqual([200, 400, 400]);
    expect([channels.C1!.collected, channels.C2!.collected, channels.C3!.collected]).toEqual([100, 200, 200]);
  });

  it('Puzyrov: Google Ads 12/5 and mailing 8/5 of four orders, the path with both giving mailing 3/5', async () => {
    const db = await build([
      { id: 'p1', channels: ['google ads'], order: { invoiced: 500, collected: 500 } },
      { id: 'p2', channels: ['google ads'], order: { invoiced: 500, collected: 500 } },
      { id: 'p3', channels: ['google ads'] },
      { id: 'p4', channels: ['mailing'], order: { invoiced: 500, collected: 500 } },
      { id: 'p5', channels: ['google ads', 'mailing'], order: { invoiced: 500, collected: 500 } },
    ]);
    const { channels } = await markovTotals(db);
    expect(channels['google ads']!.credit).toBeCloseTo(12 / 5, 12);
    expect(channels.mailing!.credit).toBeCloseTo(8 / 5, 12);
    expect(channels['google ads']).toMatchObject({ invoiced: 1200, collected: 1200 });
    const both = await rows(db, `select t.channel, c.markov from attribution.touch_credits as c join attribution.conversion_touches as t using (conversion_key, position)
      where c.conversion_key = 5 order by 1`);
    expect(both[0]!.markov).toBeCloseTo(2 / 5, 12);
    expect(both[1]!.markov).toBeCloseTo(3 / 5, 12);
    const standard = await rows(db, "select channel, standard_credit, standard_invoiced_minor from attribution.markov_channel_shares where kind = 'order' order by 1");
    expect(standard[0]!.standard_credit).toBeCloseTo(12 / 5, 12);
    expect(standard[0]!.standard_invoiced_minor).toBeCloseTo(1200, 9);
  });

  it('C1 > C2 > C3 converts, C4 > C2 does not: C4 is on no converting path, yet the standard totals give it 1/6, as the reports print them', async () => {
    // The chain: start goes to C1 or C4 (1/2 each), both go to C2, C2 to C3 or nowhere (1/2 each), C3
    // converts: P(conversion) = 1/2. Without C1 (or C4) it is 1/4, a removal effect of 1/2; without C2
    // or C3 it is 0, a removal effect of 1. Shares: 1/6, 1/3, 1/3, 1/6 of the one order.
    const db = await build([
      { id: 'p1', channels: ['C1', 'C2', 'C3'], order: { invoiced: 1200, collected: 600 } },
      { id: 'p2', channels: ['C4', 'C2'] },
    ]);
    const standard = await rows(db, `select platform, date::varchar as date, credit, invoiced_minor, collected_minor from attribution.markov_standard_by_day where kind = 'order' order by 1`);
    expect(standard.map((r) => [r.platform, r.date])).toEqual([['C1', '2026-01-04'], ['C2', '2026-01-04'], ['C3', '2026-01-04'], ['C4', '2026-01-04']]);
    const want = { C1: 1 / 6, C2: 1 / 3, C3: 1 / 3, C4: 1 / 6 };
    for (const r of standard) {
      const share = want[r.platform as keyof typeof want];
      expect(Number(r.credit), String(r.platform)).toBeCloseTo(share, 12);
      expect(Number(r.invoiced_minor)).toBeCloseTo(1200 * share, 9);
      expect(Number(r.collected_minor)).toBeCloseTo(600 * share, 9);
    }
    // The per-conversion credits can only give the path's channels: C4 nothing, the others 1/5, 2/5, 2/5.
    const { channels } = await markovTotals(db);
    expect(channels.C4).toBeUndefined();
    expect(channels.C1!.credit).toBeCloseTo(1 / 5, 12);
    expect(channels.C2!.credit).toBeCloseTo(2 / 5, 12);
  });

  it('a conversion without a path stays with (no touch) in the standard totals', async () => {
    const db = await build([
      { id: 'p1', channels: ['A'], order: { invoiced: 500, collected: 500 } },
      { id: 'p2', channels: [], order: { invoiced: 300, collected: 300 } },
    ]);
    const standard = await rows(db, `select platform, campaign, credit, invoiced_minor from attribution.markov_standard_by_day where kind = 'order' order by 1`);
    expect(standard.map((r) => [r.platform, r.campaign, Number(r.credit), Number(r.invoiced_minor)])).toEqual([
      ['(none)', '(no touch)', 1, 300],
      ['A', 'c', 1, 500],
    ]);
  });
});
