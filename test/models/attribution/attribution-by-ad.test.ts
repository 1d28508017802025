import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import type { LoadedConfig } from '../../../lib/config';
import { PROJECT_ROOT } from '../../../lib/paths';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { makeWorkspace } from '../../support/workspace';
import { landRawRows } from '../../support/raw-lake';

// attribution.attribution_by_ad over a small account written by hand: one Facebook campaign with two ad
// sets and three ads (two of them both named "Video 1"), ad-set and ad insights as the Graph API
// answers them, and ThriveCart orders whose UTM tags name an ad or ad set by id or by name, or
// something no one ad or ad set answers to. Every buyer has one touch, so every model gives it the
// whole order; the expected rows below are worked out by hand from these records.

const CAMPAIGN = '120330000000000001';
const S1 = '120330000000000011';
const S2 = '120330000000000012';
const A1 = '120330000000000101';
const A2 = '120330000000000102';
const A3 = '120330000000000103';
const MODELS = ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay', 'markov'];

const insight = (day: string, spend: string, ids: Record<string, string>) => ({
  account_id: '1000001', account_currency: 'USD', campaign_id: CAMPAIGN, campaign_name: 'Spring_Sale', date_start: day, date_stop: day, spend, impressions: '1000', clicks: '10', ...ids,
});
const adset = (id: string) => ({ adset_id: id, adset_name: id === S1 ? 'Spring / lookalike' : 'Spring / retargeting' });
const ad = (id: string, adsetId: string, name: string) => ({ ...adset(adsetId), ad_id: id, ad_name: name });

const FACEBOOK: Record<string, Record<string, unknown>[]> = {
  ad_account: [{ id: 'act_1000001', account_id: '1000001', name: 'Shop', currency: 'USD', timezone_name: 'America/Los_Angeles', timezone_offset_hours_utc: -8, account_status: 1 }],
  insights: [insight('2026-03-01', '100', {}), insight('2026-03-02', '20', {})],
  // 2 March: the ad set read, its ads not (ad insights were switched on for 1 March only).
  adset_insights: [insight('2026-03-01', '60', adset(S1)), insight('2026-03-01', '40', adset(S2)), insight('2026-03-02', '20', adset(S1))],
  ad_insights: [
    insight('2026-03-01', '35.5', ad(A1, S1, 'Video 1')),
    insight('2026-03-01', '24.5', ad(A2, S1, 'Carousel')),
    insight('2026-03-01', '40', ad(A3, S2, 'Video 1')),
  ],
};

/** A ThriveCart charge of one buyer at noon UTC, with the UTM tags its checkout link carried. */
const charge = (n: number, day: string, amountMinor: number, utm: Record<string, string>) => ({
  event_id: String(9000 + n),
  transaction_type: 'charge',
  item_type: 'product',
  item_id: 1,
  base_product: '1',
  amount: amountMinor,
  order_id: String(700 + n),
  invoice_id: String(800 + n),
  currency: 'USD',
  processor: 'stripe',
  timestamp: Date.parse(`${day}T12:00:00Z`) / 1000,
  customer: { id: String(50 + n), name: `Buyer ${n}`, email: `buyer${n}@shop.example` },
  passthrough: utm,
});
const paid = { utm_source: 'facebook', utm_medium: 'paid_social', utm_campaign: 'spring_sale' };
const CART = [
  charge(1, '2026-03-01', 5000, { ...paid, utm_content: A1 }),
  charge(2, '2026-03-01', 3000, { ...paid, utm_term: S2 }),
  // "Video 1" is two ads; the ad set's name says which.
  charge(3, '2026-03-02', 7000, { ...paid, utm_content: 'video 1', utm_term: 'Spring / Retargeting' }),
  // "Video 1" alone is two ads in two ad sets: the order stays at its campaign.
  charge(4, '2026-03-02', 1100, { ...paid, utm_content: 'Video 1' }),
  // A search keyword that is also an ad's name, on another platform's campaign: not that ad.
  charge(5, '2026-03-02', 900, { utm_source: 'google', utm_medium: 'cpc', utm_campaign: 'brand', utm_term: 'carousel' }),
];

let ws: ReturnType<typeof makeWorkspace>;
let config: LoadedConfig;
const sql = async (query: string) => (await queryWarehouse(config.layout.warehouse, query)).rows;

beforeAll(async () => {
  ws = makeWorkspace(
    [
      { id: 'ads', source: 'facebook_ads', environment: 'live', base_url: 'https://graph.facebook.com/v19.0/act_1000001', credential_env: 'CDP_FB', insights_levels: ['campaign', 'adset', 'ad'] },
      { id: 'cart', source: 'thrivecart', environment: 'live', base_url: 'https://thrivecart.com/api/external', credential_env: 'CDP_TC' },
    ],
    { timezone: 'America/New_York', reporting_currency: 'usd' },
  );
  config = ws.config();
  const land = async (source: string, connection: string, stream: string, records: Record<string, unknown>[], key: (r: Record<string, unknown>) => string) =>
    landRawRows(
      config,
      { source, stream, connection, environment: 'live', syncId: 'by-hand', syncMode: 'historical', seq: 0 },
      records.map((r) => ({ primaryKey: key(r), cursorValue: null, syncedAt: new Date('2026-03-03T00:00:00Z'), payload: r })),
    );
  for (const [stream, records] of Object.entries(FACEBOOK)) {
    const level = stream === 'ad_insights' ? 'ad_id' : stream === 'adset_insights' ? 'adset_id' : 'campaign_id';
    await land('facebook_ads', 'ads', stream, records, (r) => (stream === 'ad_account' ? String(r.id) : `${r[level]}+${r.date_start}`));
  }
  await land('thrivecart', 'cart', 'transactions', CART, (r) => String(r.event_id));
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
}, 120_000);

afterAll(() => ws?.cleanup());

describe('attribution by ad set and ad', () => {
  it('gives each ad and ad set its spend and the orders whose tags name it, the same under every model', async () => {
    const rows = await sql(`select model, date::varchar as date, level, campaign_id, campaign, adset_id, ad_id, ad_name, customers::double as customers,
        invoiced_minor::int as invoiced, collected_minor::int as collected, spend_minor::int as spend, currency
      from attribution.attribution_by_ad order by model, date, adset_id, ad_id nulls last`);
    const row = (date: string, adsetId: string, adId: string | null, adName: string | null, customers: number, money: number, spend: number) => ({
      date, level: adId ? 'ad' : 'adset', campaign_id: CAMPAIGN, campaign: 'spring_sale', adset_id: adsetId, ad_id: adId, ad_name: adName, customers, invoiced: money, collected: money, spend, currency: 'USD',
    });
    const want = [
      // Order 1 names ad A1 by id; the ads' spend of 1 March is theirs alone.
      row('2026-03-01', S1, A1, 'Video 1', 1, 5000, 3550),
      row('2026-03-01', S1, A2, 'Carousel', 0, 0, 2450),
      row('2026-03-01', S2, A3, 'Video 1', 0, 0, 4000),
      // Order 2 names ad set S2 by id and no ad: the ad set's own row. Its spend is all on its ads.
      row('2026-03-01', S2, null, null, 1, 3000, 0),
      // 2 March: S1's spend with no ad insights under it; order 3 at A3 ("Video 1" within "Spring / Retargeting").
      row('2026-03-02', S1, null, null, 0, 0, 2000),
      row('2026-03-02', S2, A3, 'Video 1', 1, 7000, 0),
    ];
    expect(rows).toEqual([...MODELS].sort().flatMap((model) => want.map((r) => ({ model, ...r }))));
  });

  it('adds up, per ad set and in all, to the ad-set insights and to the orders it places', async () => {
    const [total] = await sql(`select sum(spend_minor)::int as spend, sum(collected_minor)::int as collected from attribution.attribution_by_ad where model = 'linear'`);
    // 60 + 40 + 20 dollars of ad-set spend; orders 1, 2 and 3 (orders 4 and 5 name no one ad or ad set).
    expect(total).toEqual({ spend: 12000, collected: 5000 + 3000 + 7000 });
    const bySet = await sql(`select adset_id, sum(spend_minor)::int as spend from attribution.attribution_by_ad where model = 'linear' group by 1 order by 1`);
    expect(bySet).toEqual([{ adset_id: S1, spend: 8000 }, { adset_id: S2, spend: 4000 }]);
  });

  it('leaves the campaign figures as they are: the campaign keeps every order and its own spend', async () => {
    const [campaign] = await sql(`select sum(spend_minor)::int as spend, sum(collected_minor)::int as collected from attribution.attribution_by_campaign
      where model = 'linear' and campaign = 'spring_sale'`);
    expect(campaign).toEqual({ spend: 12000, collected: 5000 + 3000 + 7000 + 1100 });
  });

  it('keeps the tags on the orders and touches they came with', async () => {
    const touches = await sql(`select origin_id, content, term from (select split_part(touchpoint_id, ':', 5) as origin_id, content, term from core.touchpoints) order by 1`);
    expect(touches).toEqual([
      { origin_id: '701/801', content: A1, term: null },
      { origin_id: '702/802', content: null, term: S2 },
      { origin_id: '703/803', content: 'video 1', term: 'Spring / Retargeting' },
      { origin_id: '704/804', content: 'Video 1', term: null },
      { origin_id: '705/805', content: null, term: 'carousel' },
    ]);
  });
});
