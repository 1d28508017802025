import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { memoryLimitBytes } from '../../lib/warehouse/duckdb-settings';
import { queryWarehouse } from '../../app/query';
import { runBuild } from '../../app/builds';
import { startSync, waitForSync } from '../../app/syncs';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../emulators/activecampaign';
import { startBigCommerceEmulator, type BigCommerceEmulator } from '../../emulators/bigcommerce';
import { startFacebookAdsEmulator, type FacebookAdsEmulator } from '../../emulators/facebook-ads';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { startThriveCartEmulator, type ThriveCartEmulator } from '../../emulators/thrivecart';
import { findConnection } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { materializeSegments } from '../../lib/segments/materialize';
import { exportSegmentToFile as exportSegment } from '../../cli/commands/segment';
import { EXPORT_COLUMNS } from '../../lib/segments/audience';
import { DEFAULT_ANCHOR } from '../../emulators/world';
import { stringify } from 'yaml';
import { expectedModels, type ExpectedModels } from '../support/model-oracle';
import { expectedAttribution } from '../support/attribution-oracle';
import { FLOAT, markovAttribution, type PathCount } from '../../lib/attribution/markov';
import { startDevServer } from '../support/temporal';
import { readCsvFile } from '../support/read-csv';
import { makeWorkspace } from '../support/workspace';

// The customer models against an oracle computed from the objects the emulators serve. Every
// connection is live here (a live Stripe key), so CRM contacts and payers meet in one environment.

const SEED = 5;
const SCALE = 0.1;
const RATES = { EUR: 1.1, GBP: 1.25 };
const TIME_ZONE = 'America/New_York';
const LIVE_STRIPE_KEY = 'sk_live_cdp_oracle';

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let emulators: { stripe: StripeEmulator; crm: ActiveCampaignEmulator; cart: ThriveCartEmulator; store: BigCommerceEmulator; ads: FacebookAdsEmulator };
let oracle: ExpectedModels;

beforeAll(async () => {
  const [devServer, stripe, crm, cart, store, ads] = await Promise.all([
    startDevServer(),
    startStripeEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE, apiKeys: [LIVE_STRIPE_KEY], rateLimitPerSecond: 0 }),
    startActiveCampaignEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE }),
    startThriveCartEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE, rateLimitPerMinute: 600 }),
    startBigCommerceEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE, rateLimitQuota: 0 }),
    startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: SEED, scale: SCALE }),
  ]);
  env = devServer;
  emulators = { stripe, crm, cart, store, ads };
  Object.assign(process.env, {
    CDP_O_STRIPE: LIVE_STRIPE_KEY,
    CDP_O_AC: crm.apiKeys[0]!,
    CDP_O_TC: cart.apiKeys[0]!,
    CDP_O_BC: store.accessTokens[0]!,
    CDP_O_FB: ads.accessTokens[0]!,
  });
  const c = (id: string, source: string, base_url: string, credential_env: string, extra: object = {}) => ({ id, source, environment: 'live', base_url, credential_env, ...extra });
  ws = makeWorkspace(
    [
      c('stripe', 'stripe', stripe.url, 'CDP_O_STRIPE'),
      c('crm', 'activecampaign', crm.url, 'CDP_O_AC'),
      c('cart', 'thrivecart', cart.apiBaseUrl, 'CDP_O_TC', { requests_per_second: 8 }),
      c('store', 'bigcommerce', store.apiBaseUrl, 'CDP_O_BC', { requests_per_second: 50 }),
      c('ads', 'facebook_ads', `${ads.url}/v19.0/${ads.adAccountId}`, 'CDP_O_FB'),
    ],
    { timezone: TIME_ZONE, reporting_currency: 'usd', currency_rates: RATES },
  );
  oracle = expectedModels(SEED, SCALE);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
  await Promise.all(
    ['stripe', 'crm', 'cart', 'store', 'ads'].map(async (id) => waitForSync(await startSync(env.client, findConnection(ws.config(), id), { mode: 'historical' }), () => {})),
  );
  await runBuild(env.client);
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await Promise.all(Object.values(emulators ?? {}).map((e) => e.close()));
  ws?.cleanup();
});

const sql = async (query: string, warehouse = ws.config().layout.warehouse) => (await queryWarehouse(warehouse, query)).rows;

describe('customers matched across sources', () => {
  it('one customer per normalized email, and those found in several sources are the ones the sources share', async () => {
    const rows = await sql('select email, source_count from core.customers where email is not null');
    expect(rows.length).toBe(oracle.emails.size);
    expect(new Set(rows.map((r) => r.email))).toEqual(oracle.emails);
    expect(new Set(rows.filter((r) => Number(r.source_count) > 1).map((r) => r.email))).toEqual(oracle.matchedAcrossSources);
    expect(oracle.matchedAcrossSources.size).toBeGreaterThan(10);
  });

  it('payers no CRM contact matches are listed as unmatched, and no others', async () => {
    const rows = await sql('select source, source_customer_id from core.unmatched_payers');
    expect(new Set(rows.map((r) => `${r.source}:${r.source_customer_id}`))).toEqual(oracle.unmatchedPayers);
    expect(oracle.unmatchedPayers.size).toBeGreaterThan(0);
  });
});

describe('what each customer spent', () => {
  it('orders, amount spent, refunds, discounts and last order per customer and currency match the sources', async () => {
    const rows = await sql(`
      select c.email, r.currency, r.orders_count, r.amount_spent_minor::varchar as spent, r.refunded_amount_minor::varchar as refunded,
        r.discount_received_minor::varchar as discount, epoch_ms(r.last_order_at) as last_ms
      from marts.customer_revenue_by_currency as r join core.customers as c using (customer_id)
      where c.email is not null`);
    const actual = new Map(rows.map((r) => [`${r.email}|${r.currency}`, { orders: Number(r.orders_count), spent: Number(r.spent), refunded: Number(r.refunded), discount: Number(r.discount), lastOrderMs: Number(r.last_ms) }]));
    expect(actual.size).toBe(oracle.revenue.size);
    for (const [key, want] of oracle.revenue) expect(actual.get(key), key).toEqual(want);
  });

  it('customer_metrics adds currencies only through the configured rates, and counts each order once', async () => {
    const rows = await sql(`
      select c.email, m.orders_count, m.amount_spent_minor::varchar as spent, m.net_revenue_minor::varchar as net, m.currency, epoch_ms(m.last_order_at) as last_ms
      from marts.customer_metrics as m join core.customers as c using (customer_id)
      where m.orders_count > 0 and c.email is not null`);
    const want = new Map<string, { orders: number; spent: number; net: number; lastMs: number }>();
    for (const [key, r] of oracle.revenue) {
      const [email, currency] = key.split('|') as [string, string];
      const rate = currency === 'USD' ? 1 : RATES[currency as keyof typeof RATES];
      const w = want.get(email) ?? { orders: 0, spent: 0, net: 0, lastMs: 0 };
      w.orders += r.orders;
      w.spent += Math.round(r.spent * rate);
      w.net += Math.round((r.spent - r.refunded) * rate);
      w.lastMs = Math.max(w.lastMs, r.lastOrderMs);
      want.set(email, w);
    }
    expect(rows.length).toBe(want.size);
    for (const r of rows) {
      expect({ orders: Number(r.orders_count), spent: Number(r.spent), net: Number(r.net), lastMs: Number(r.last_ms) }, String(r.email)).toEqual(want.get(String(r.email)));
      expect(r.currency).toBe('USD');
    }
  });

  it('without a rate for a currency, the amounts of a customer who paid in it are unknown, not partial', async () => {
    const config = ws.config();
    const warehouse = path.join(ws.dir, 'no-rates.duckdb');
    await buildWarehouse({ ...config, currency_rates: { EUR: 1.1 }, layout: { ...config.layout, warehouse } }, { modelsDir: path.join(PROJECT_ROOT, 'models') });
    const rows = await sql(`
      select bool_and(m.amount_spent_minor is null) as all_null, count(*)::int as n
      from marts.customer_metrics as m
      where exists (select 1 from marts.customer_revenue_by_currency r where r.customer_id = m.customer_id and r.currency = 'GBP')`, warehouse);
    expect(rows).toEqual([{ all_null: true, n: [...oracle.revenue.keys()].filter((k) => k.endsWith('|GBP')).length }]);
    const [gbp] = await sql("select unconverted_currencies from marts.customer_metrics where 'GBP' in unconverted_currencies limit 1", warehouse);
    expect(gbp?.unconverted_currencies).toEqual(['GBP']);
  });
});

describe('subscriptions', () => {
  it('each subscription is active, cancelled or incomplete on its own, paused and past due staying active', async () => {
    const rows = await sql('select source, status, count(*)::int as n from core.subscriptions group by all');
    const actual = Object.fromEntries(['stripe', 'thrivecart'].map((s) => [s, { active: 0, cancelled: 0, incomplete: 0 }]));
    for (const r of rows) actual[String(r.source)]![r.status as 'active' | 'cancelled' | 'incomplete'] = Number(r.n);
    expect(actual).toEqual(oracle.subscriptions);
    for (const column of ['active_subscriptions', 'incomplete_subscriptions'] as const) {
      const perCustomer = await sql(`select c.email, m.${column} as n from marts.customer_metrics m join core.customers c using (customer_id) where m.${column} > 0 and c.email is not null`);
      const expected = column === 'active_subscriptions' ? oracle.activeSubscriptions : oracle.incompleteSubscriptions;
      expect(Object.fromEntries(perCustomer.map((r) => [String(r.email), Number(r.n)])), column).toEqual(Object.fromEntries(expected));
    }
  });

  it('the Stripe emulator serves incomplete subscriptions within 23 hours of a failed first payment, incomplete_expired after', async () => {
    const anchorS = DEFAULT_ANCHOR.getTime() / 1000;
    const listed = await fetch(`${emulators.stripe.url}/v1/subscriptions?status=all&limit=100`, { headers: { authorization: `Bearer ${LIVE_STRIPE_KEY}` } });
    const all: { status: string; start_date: number; ended_at: number | null; latest_invoice: string }[] = [];
    let page = (await listed.json()) as { data: typeof all; has_more: boolean };
    all.push(...page.data);
    while (page.has_more) {
      const next = await fetch(`${emulators.stripe.url}/v1/subscriptions?status=all&limit=100&starting_after=${(page.data.at(-1) as unknown as { id: string }).id}`, { headers: { authorization: `Bearer ${LIVE_STRIPE_KEY}` } });
      page = (await next.json()) as typeof page;
      all.push(...page.data);
    }
    const incomplete = all.filter((s) => s.status === 'incomplete');
    const expired = all.filter((s) => s.status === 'incomplete_expired');
    expect(incomplete.length).toBeGreaterThan(0);
    expect(expired.length).toBeGreaterThan(0);
    for (const s of incomplete) expect([anchorS - s.start_date < 23 * 3600, s.ended_at]).toEqual([true, null]);
    for (const s of expired) expect(s.ended_at).toBe(s.start_date + 23 * 3600);
    expect(oracle.subscriptions.stripe!.incomplete).toBe(incomplete.length);
  });
});

describe('who counts as a customer', () => {
  const customers = async (warehouse?: string) =>
    new Set((await sql('select c.email from marts.customer_metrics m join core.customers c using (customer_id) where m.is_customer and c.email is not null', warehouse)).map((r) => r.email));

  it('with payment sources connected, a customer is someone with a paid order', async () => {
    const paying = new Set([...oracle.revenue.keys()].map((k) => k.split('|')[0]));
    expect(await customers()).toEqual(paying);
    const tagged = await sql('select c.email from marts.customer_metrics m join core.customers c using (customer_id) where m.is_tagged_customer');
    expect(new Set(tagged.map((r) => r.email))).toEqual(oracle.taggedCustomers);
  });

  it('defined by CRM tags, a customer is someone tagged "STATUS: Customer" or with a tag containing "purchase"', async () => {
    const config = ws.config();
    const warehouse = path.join(ws.dir, 'by-tags.duckdb');
    await buildWarehouse(
      { ...config, customers: { ...config.customers, definition: 'tags' }, layout: { ...config.layout, warehouse } },
      { modelsDir: path.join(PROJECT_ROOT, 'models') },
    );
    expect(oracle.taggedCustomers.size).toBeGreaterThan(10);
    expect(await customers(warehouse)).toEqual(oracle.taggedCustomers);
  });
});

describe('reporting views', () => {
  it('render times in the account time zone while core tables stay in UTC', async () => {
    const [row] = await sql(`
      select strftime(o.ordered_at, '%Y-%m-%d %H:%M:%S') as local, epoch_ms(c.ordered_at) as utc_ms, o.ordered_date::varchar as day
      from reporting.orders o join core.orders c using (order_id) order by order_id limit 1`);
    const local = new Intl.DateTimeFormat('sv-SE', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit', hourCycle: 'h23' }).format(new Date(Number(row!.utc_ms)));
    expect(row!.local).toBe(local);
    expect(row!.day).toBe(local.slice(0, 10));
  });
});

describe('Stripe discounts and promotion codes', () => {
  const PAID = "status in ('paid', 'partially_refunded', 'refunded')";

  it("each customer's discounted Stripe orders, discount and promotion codes are those of the invoices that took money", async () => {
    const rows = await sql(`
      select c.email, o.currency, count(*) filter (where o.is_discounted) as discounted, coalesce(sum(o.discount_minor), 0)::varchar as discount,
        list(distinct u.code) filter (where u.code is not null) as codes
      from core.orders as o join core.customers as c using (customer_id)
        left join unnest(string_split(o.coupon_code, ',')) as u(code) on true
      where o.source = 'stripe' and o.${PAID} and c.email is not null
      group by all having count(*) filter (where o.is_discounted) > 0`);
    const actual = new Map(rows.map((r) => [`${r.email}|${r.currency}`, { discountedOrders: Number(r.discounted), discount: Number(r.discount), codes: new Set(r.codes as string[]) }]));
    const want = new Map([...oracle.stripeDiscounts].filter(([, d]) => d.discountedOrders > 0));
    expect(want.size).toBeGreaterThan(5);
    expect(actual).toEqual(want);
  });

  it('customer_metrics counts those orders, that discount and those codes for a customer who bought only on Stripe', async () => {
    const rows = await sql(`
      select c.email, m.discounted_orders, m.discount_received_minor::varchar as discount, m.promo_codes_used
      from marts.customer_metrics as m join core.customers as c using (customer_id)
      where c.email is not null and m.discounted_orders > 0
        and not exists (select 1 from core.orders as o where o.customer_id = m.customer_id and o.source <> 'stripe')
        and not exists (select 1 from core.orders as o where o.customer_id = m.customer_id and o.currency <> 'USD')`);
    expect(rows.length).toBeGreaterThan(1);
    for (const r of rows) {
      const want = oracle.stripeDiscounts.get(`${r.email}|USD`)!;
      expect({ discounted: Number(r.discounted_orders), discount: Number(r.discount), codes: Number(r.promo_codes_used) }, String(r.email)).toEqual({
        discounted: want.discountedOrders,
        discount: want.discount,
        codes: want.codes.size,
      });
    }
  });

  it("core.promotion_codes gives each Stripe promotion code its orders, people and discount, and Stripe's own redemption count", async () => {
    const rows = await sql(`
      select source_promotion_code_id as id, code, coupon_id, orders_count, customers_count, discount_minor::varchar as discount, times_redeemed
      from core.promotion_codes where source = 'stripe'`);
    expect(rows.length).toBe(oracle.stripePromotionCodes.size);
    for (const r of rows) {
      const want = oracle.stripePromotionCodes.get(String(r.id))!;
      const discount = Object.entries(want.discountByCurrency).reduce((n, [cur, amount]) => n + (cur === 'USD' ? amount : Math.round(amount * RATES[cur as keyof typeof RATES])), 0);
      expect({ code: r.code, coupon: r.coupon_id, orders: Number(r.orders_count), customers: Number(r.customers_count), times: Number(r.times_redeemed) }, String(r.id)).toEqual({
        code: want.code,
        coupon: `stripe:stripe:${want.coupon}`,
        orders: want.orders,
        customers: want.customers.size,
        times: want.timesRedeemed,
      });
      if (Object.keys(want.discountByCurrency).every((cur) => cur === 'USD')) expect(Number(r.discount), String(r.id)).toBe(discount);
    }
    expect(rows.filter((r) => Number(r.orders_count) > 0).length).toBeGreaterThan(2);
  });

  it('core.coupons holds every source\'s coupons: Stripe\'s with their redemptions beside BigCommerce\'s and ThriveCart\'s', async () => {
    const rows = await sql('select source, count(*) as n, sum(orders_count) as orders from core.coupons group by source');
    const bySource = Object.fromEntries(rows.map((r) => [r.source, Number(r.n)]));
    expect(bySource.stripe).toBe(emulators.stripe.truth().streams.coupons.count);
    expect(bySource.bigcommerce).toBeGreaterThan(0);
  });
});

describe('docs/models.md', () => {
  it('documents every table and column of core, marts, attribution, reporting, config and segments', async () => {
    const doc = fs.readFileSync(path.join(PROJECT_ROOT, 'docs', 'models.md'), 'utf8');
    const columns = await sql(`
      select table_schema || '.' || table_name as t, column_name as c from information_schema.columns
      where table_schema in ('core', 'marts', 'attribution', 'reporting', 'config', 'segments')`);
    // Core and mart columns each in their table's own section; reporting views and config tables in theirs or their source's.
    const sections = doc.split(/\n## /);
    const documented = (table: string, column: string) => {
      const own = sections.find((s) => s.startsWith(`${table}\n`));
      if (own) return own.includes(`\`${column}\``);
      return doc.includes(table) && doc.includes(`\`${column}\``);
    };
    const missing = columns.filter((r) => !documented(String(r.t), String(r.c))).map((r) => `${r.t}.${r.c}`);
    expect(missing).toEqual([]);
    expect(columns.length).toBeGreaterThan(150);
  });
});

describe('ad spend', () => {
  it('one row per campaign and ad-account day, with the spend the ad account reports', async () => {
    const truth = emulators.ads.truth();
    const rows = await sql("select date::varchar as date, campaign_id, spend_minor::varchar as spend, currency from core.ad_spend");
    expect(rows.length).toBe(truth.daily.length);
    const actual = new Map(rows.map((r) => [`${r.date}|${r.campaign_id}`, Number(r.spend)]));
    for (const d of truth.daily) expect(actual.get(`${d.date}|${d.campaign_id}`), `${d.date} ${d.campaign_id}`).toBe(d.spend_minor);
    expect(new Set(rows.map((r) => r.currency))).toEqual(new Set([truth.ad_account.currency.toUpperCase()]));
  });
});

describe('segments', () => {
  const DAY = 86_400_000;
  const anchor = DEFAULT_ANCHOR.getTime();
  const lower = (tags: string[] | undefined) => (tags ?? []).map((t) => t.trim().toLowerCase());
  const ordersOf = (email: string) => [...oracle.revenue].filter(([k]) => k.startsWith(`${email}|`)).reduce((n, [, r]) => n + r.orders, 0);
  const spentOf = (email: string) =>
    [...oracle.revenue].filter(([k]) => k.startsWith(`${email}|`)).reduce((n, [k, r]) => n + Math.round(r.spent * (k.endsWith('|USD') ? 1 : RATES[k.split('|')[1] as keyof typeof RATES])), 0);
  const lastOrderOf = (email: string) => Math.max(0, ...[...oracle.revenue].filter(([k]) => k.startsWith(`${email}|`)).map(([, r]) => r.lastOrderMs));
  const vip = (email: string) => lower(oracle.tags.get(email)).some((t) => t.includes('vip'));
  /** Minor units spent (or kept, net of refunds) in one currency's orders, never converted. */
  const spentIn = (email: string, currency: string) => oracle.revenue.get(`${email}|${currency}`)?.spent ?? 0;
  const netIn = (email: string, currency: string) => spentIn(email, currency) - (oracle.revenue.get(`${email}|${currency}`)?.refunded ?? 0);
  // The Stripe promotion code and coupon most people used (read once the oracle is computed).
  const usedCode = () => [...oracle.stripePromotionCodes.values()].sort((a, b) => b.customers.size - a.customers.size || (a.code < b.code ? -1 : 1))[0]!;
  const usedCoupon = () => [...oracle.stripeCouponUsers].sort((a, b) => b[1].size - a[1].size || (a[0] < b[0] ? -1 : 1))[0]!;

  // Each definition beside the same question answered from the sources' own objects.
  const cases: { name: string; rules: unknown; expected: (email: string) => boolean }[] = [
    {
      name: 'vip-or-subscriber',
      rules: { any: [{ has: 'tag', where: { field: 'tag', op: 'contains', value: 'VIP' } }, { has: 'subscription', where: { field: 'status', op: 'equals', value: 'active' } }] },
      expected: (e) => vip(e) || (oracle.activeSubscriptions.get(e) ?? 0) > 0,
    },
    {
      name: 'named-three-orders',
      rules: { all: [{ field: 'name', op: 'is_not_empty' }, { field: 'orders_count', op: 'equals', value: 3 }] },
      expected: (e) => oracle.named.has(e) && ordersOf(e) === 3,
    },
    {
      name: 'lapsed-course-spenders',
      rules: {
        all: [
          { has: 'tag', where: { field: 'tag', op: 'starts_with', value: 'purchase:' } },
          { field: 'amount_spent', op: 'greater_than', value: 500 },
          { field: 'last_order_at', op: 'more_than_days_ago', value: 90 },
        ],
      },
      expected: (e) => lower(oracle.tags.get(e)).some((t) => t.startsWith('purchase:')) && spentOf(e) > 50_000 && lastOrderOf(e) > 0 && lastOrderOf(e) < anchor - 90 * DAY,
    },
    {
      name: 'recent-buyers-not-vip',
      rules: { all: [{ field: 'last_order_at', op: 'within_last_days', value: 60 }, { not: { has: 'tag', where: { field: 'tag', op: 'contains', value: 'vip' } } }] },
      expected: (e) => lastOrderOf(e) >= anchor - 60 * DAY && !vip(e),
    },
    {
      name: 'used-promotion-code',
      get rules() {
        return { has: 'discount', where: { all: [{ field: 'code', op: 'equals', value: usedCode().code }, { field: 'source', op: 'equals', value: 'stripe' }] } };
      },
      expected: (e) => usedCode().customers.has(e),
    },
    {
      name: 'used-any-code-of-coupon',
      get rules() {
        return { has: 'discount', where: { field: 'coupon', op: 'equals', value: usedCoupon()[0] } };
      },
      expected: (e) => usedCoupon()[1].has(e),
    },
    {
      name: 'sql-buyers-untagged',
      rules: {
        all: [
          { has: 'purchase', where: { field: 'product_name', op: 'equals', value: 'sql for marketers' } },
          { not: { any: [{ has: 'tag', where: { field: 'tag', op: 'equals', value: 'PURCHASE: SQL for Marketers' } }] } },
        ],
      },
      expected: (e) => (oracle.purchases.get(e)?.has('SQL for Marketers') ?? false) && !lower(oracle.tags.get(e)).includes('purchase: sql for marketers'),
    },
    {
      name: 'usd-orders-100-to-1000',
      rules: { field: 'amount_spent_in', currency: 'USD', op: 'between', value: [100, 1000] },
      expected: (e) => spentIn(e, 'USD') >= 10_000 && spentIn(e, 'USD') <= 100_000,
    },
    {
      name: 'converted-100-to-1000',
      rules: { field: 'amount_spent', op: 'between', value: [100, 1000] },
      expected: (e) => spentOf(e) >= 10_000 && spentOf(e) <= 100_000,
    },
    {
      // Holds for buyers without EUR orders too: they kept 0 in EUR.
      name: 'buyers-who-kept-under-50-eur',
      rules: [{ field: 'orders_count', op: 'greater_than', value: 0 }, { field: 'net_revenue_in', currency: 'eur', op: 'less_than', value: 50 }],
      expected: (e) => ordersOf(e) > 0 && netIn(e, 'EUR') < 5_000,
    },
    {
      name: 'gbp-and-usd-buyers',
      rules: { all: [{ field: 'amount_spent_in', currency: 'GBP', op: 'greater_than', value: 0 }, { field: 'amount_spent_in', currency: 'USD', op: 'greater_than', value: 0 }] },
      expected: (e) => spentIn(e, 'GBP') > 0 && spentIn(e, 'USD') > 0,
    },
  ];

  let members: Map<string, Set<string>>;
  beforeAll(async () => {
    const dir = ws.config().segmentsDir;
    fs.mkdirSync(dir, { recursive: true });
    for (const c of cases) fs.writeFileSync(path.join(dir, `${c.name}.yaml`), stringify({ environment: 'live', rules: c.rules }));
    const result = await materializeSegments(ws.config(), { now: DEFAULT_ANCHOR });
    expect(result.failed).toEqual([]);
    const rows = await sql('select m.segment, c.email from segments.segment_members m join core.customers c using (customer_id) where c.email is not null');
    members = new Map();
    for (const r of rows) members.set(String(r.segment), (members.get(String(r.segment)) ?? new Set()).add(String(r.email)));
  });

  for (const c of cases) {
    it(`${c.name}: exactly the people the sources say`, () => {
      const want = new Set([...oracle.emails].filter(c.expected));
      expect(want.size).toBeGreaterThan(0);
      expect(want.size).toBeLessThan(oracle.emails.size);
      expect(members.get(c.name) ?? new Set()).toEqual(want);
    });
  }

  it('spend in USD orders leaves out the EUR and GBP buyers whose converted spend gets them in', () => {
    const usd = members.get('usd-orders-100-to-1000')!;
    const inByConversion = [...members.get('converted-100-to-1000')!].filter((e) => !usd.has(e));
    expect(inByConversion.length).toBeGreaterThan(0);
    for (const e of inByConversion) expect(spentIn(e, 'EUR') + spentIn(e, 'GBP'), e).toBeGreaterThan(0);
  });

  it('the customers segment, generated from the config, holds exactly the people is_customer marks', async () => {
    const marked = await sql('select customer_id from marts.customer_metrics where is_customer');
    const segment = await sql("select customer_id from segments.segment_members where segment = 'customers'");
    expect(new Set(segment.map((r) => r.customer_id))).toEqual(new Set(marked.map((r) => r.customer_id)));
    expect(members.get('customers')).toEqual(new Set([...oracle.revenue.keys()].map((k) => k.split('|')[0])));
  });
});

describe('segment exports', () => {
  // DuckDB's CSV reader parses each file back: what an ad platform or email tool would read.
  const readCsv = (file: string) => readCsvFile(file, `header = true, all_varchar = true, quote = '"', escape = '"'`);

  it('every format has its header and one row per member', async () => {
    const members = await sql(`
      select c.email, c.first_name, c.last_name, c.phone from segments.segment_members m join core.customers c using (customer_id)
      where m.segment = 'vip-or-subscriber' order by c.customer_id`);
    expect(members.length).toBeGreaterThan(10);
    for (const format of ['basic', 'email', 'facebook', 'extended'] as const) {
      const out = path.join(ws.dir, `vip-${format}.csv`);
      expect(await exportSegment(ws.config(), 'vip-or-subscriber', format, out)).toBe(members.length);
      const csv = await readCsv(out);
      expect(csv.rows.length, format).toBe(members.length);
      if (format !== 'extended') expect(csv.columns, format).toEqual(EXPORT_COLUMNS[format]);
      else expect(csv.columns).toEqual(expect.arrayContaining(['customer_id', 'email', 'first_name', 'amount_spent', 'returned_items', 'last_order_at', 'member_since']));
    }
    const email = await readCsv(path.join(ws.dir, 'vip-email.csv'));
    expect(email.rows.map((r) => r.email ?? null)).toEqual(members.map((m) => m.email ?? null));
    expect(email.rows.map((r) => r.name ?? null)).toEqual(members.map((m) => [m.first_name, m.last_name].filter(Boolean).join(' ') || null));
    const facebook = await readCsv(path.join(ws.dir, 'vip-facebook.csv'));
    for (const r of facebook.rows) {
      expect(String(r.email ?? '')).toBe(String(r.email ?? '').toLowerCase());
      if (r.phone) expect(r.phone).toMatch(/^[1-9]\d+$/);
      if (r.country) expect(r.country).toMatch(/^[a-z]{2}$/);
    }
  });

  it('a segment never materialized cannot be exported, and says how to materialize it', async () => {
    fs.writeFileSync(path.join(ws.config().segmentsDir, 'fresh.yaml'), stringify({ rules: { field: 'orders_count', op: 'greater_than', value: 0 } }));
    await expect(exportSegment(ws.config(), 'fresh', 'basic', path.join(ws.dir, 'fresh.csv'))).rejects.toThrow('cdp segment materialize fresh');
    expect(fs.existsSync(path.join(ws.dir, 'fresh.csv'))).toBe(false);
  });
});

describe('cdp segment commands', () => {
  const cdp = (...args: string[]) => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', ws.configFile, 'segment', ...args], { encoding: 'utf8' });
    return { status: run.status, out: run.stdout, err: run.stderr };
  };

  it('create, preview, an invalid edit that saves nothing, show, delete', () => {
    const file = path.join(ws.config().segmentsDir, 'big-spenders.yaml');
    const created = cdp('create', 'big-spenders', '--rules', '{all: [{field: amount_spent, op: greater_or_equal, value: 1000}]}', '--description', 'Spent 1,000 or more');
    expect(created, created.err).toMatchObject({ status: 0 });
    const saved = fs.readFileSync(file, 'utf8');

    const preview = cdp('preview', 'big-spenders', '--limit', '3');
    expect(preview.status, preview.err).toBe(0);
    const count = Number(/(\d+) members?/.exec(preview.out)![1]);
    const spent = [...oracle.emails].filter((e) => [...oracle.revenue].filter(([k]) => k.startsWith(`${e}|`)).reduce((n, [k, r]) => n + Math.round(r.spent * (k.endsWith('|USD') ? 1 : RATES[k.split('|')[1] as keyof typeof RATES])), 0) >= 100_000);
    // A Stripe customer without an email is a person too, whose paid invoices count.
    const unnamed = [...oracle.spentWithoutEmail.values()].filter((byCurrency) => Object.entries(byCurrency).reduce((n, [cur, v]) => n + Math.round(v * (cur === 'USD' ? 1 : RATES[cur as keyof typeof RATES])), 0) >= 100_000);
    expect(count).toBe(spent.length + unnamed.length);

    const bad = cdp('edit', 'big-spenders', '--rules', '{all: [{field: amount_spent, op: bigger_than, value: 1000}]}');
    expect(bad.status).toBe(2);
    expect(bad.err).toContain('rules.all[0].op: unknown operator "bigger_than" for amount_spent (money); choose one of: equals');
    expect(fs.readFileSync(file, 'utf8')).toBe(saved);

    const shown = cdp('show', 'big-spenders');
    expect(shown.out).toContain('description: Spent 1,000 or more');
    expect(shown.out).toContain('not materialized yet');

    expect(cdp('delete', 'big-spenders').status).toBe(0);
    expect(fs.existsSync(file)).toBe(false);
    expect(cdp('show', 'big-spenders').err).toContain('no segment "big-spenders"');
  });
});

/**
 * The standard Markov totals per channel (all the value times the channel's share, over the channels
 * on converting paths); where the paths cannot carry them, the README's rule: a channel that the
 * conversions with no other unsettled channel give at least its total keeps just those, one that all
 * conversions on its path give at most its total takes all of them, and the others carry the rest,
 * their totals scaled alike, until no channel is settled.
 */
function markovTotals(conversions: { channels: Set<string>; value: number }[], shares: Map<string, number>): { totals: Map<string, number>; pinned: number } {
  const channels = [...new Set(conversions.flatMap((c) => [...c.channels]))];
  const low = new Set<string>();
  const high = new Set<string>();
  for (;;) {
    const totals = new Map<string, number>(channels.map((c) => [c, 0]));
    const forced = new Map(totals);
    const reach = new Map(totals);
    let left = 0;
    for (const c of conversions) {
      const top = [...c.channels].filter((ch) => high.has(ch));
      const open = [...c.channels].filter((ch) => !high.has(ch) && !low.has(ch));
      const takers = top.length > 0 ? top : open.length === 0 ? [...c.channels] : [];
      for (const ch of takers) totals.set(ch, totals.get(ch)! + c.value / takers.length);
      if (takers.length > 0) continue;
      left += c.value;
      if (open.length === 1) forced.set(open[0]!, forced.get(open[0]!)! + c.value);
      for (const ch of open) reach.set(ch, reach.get(ch)! + c.value);
    }
    const free = channels.filter((c) => !low.has(c) && !high.has(c));
    const wanted = free.reduce((a, c) => a + shares.get(c)!, 0);
    for (const c of free) totals.set(c, (left * shares.get(c)!) / wanted);
    const newLow = free.filter((c) => forced.get(c)! >= totals.get(c)!);
    const newHigh = free.filter((c) => reach.get(c)! <= totals.get(c)! && !newLow.includes(c));
    if (newLow.length + newHigh.length === 0) return { totals, pinned: low.size + high.size };
    newLow.forEach((c) => low.add(c));
    newHigh.forEach((c) => high.add(c));
  }
}

/**
 * Every person's paths per environment and conversion kind, as the standard Markov chain takes them:
 * each conversion's touches, and a person without that conversion's touches in the 90 days before
 * their last; with the converting ones, their day in the account time zone and their money.
 */
async function markovPaths() {
  const touches = await sql('select customer_id, environment, channel, epoch_ms(touched_at)::double as ms, touchpoint_id from attribution.touches order by touched_at, touchpoint_id');
  const conversions = await sql("select conversion_id, kind, customer_id, environment from attribution.conversions");
  const converting = await sql(`select c.environment, c.kind, c.conversion_id, c.invoiced_minor::double as invoiced, c.collected_minor::double as collected,
      epoch_ms(c.converted_at)::double as ms, list(t.channel order by t.position) as channels
    from attribution.conversion_touches as t join attribution.conversions as c using (conversion_key)
    where t.touchpoint_id not like 'none:%' group by all`);
  const byPerson = new Map<string, typeof touches>();
  for (const t of touches) byPerson.set(String(t.customer_id), [...(byPerson.get(String(t.customer_id)) ?? []), t]);
  const converted = new Set(conversions.map((c) => `${c.customer_id}|${c.kind}`));
  const paths = new Map<string, PathCount[]>();
  const add = (key: string, p: PathCount) => paths.set(key, [...(paths.get(key) ?? []), p]);
  for (const c of converting) add(`${c.environment}|${c.kind}`, { channels: (c.channels as string[]).map(String), conversions: 1, nulls: 0 });
  for (const [person, own] of byPerson) {
    const last = Math.max(...own.map((t) => Number(t.ms)));
    const window = own.filter((t) => Number(t.ms) > last - 90 * 86_400_000).map((t) => String(t.channel));
    for (const kind of ['lead', 'customer', 'order']) if (!converted.has(`${person}|${kind}`)) add(`${own[0]!.environment}|${kind}`, { channels: window, conversions: 0, nulls: 1 });
  }
  return { paths, converting };
}

describe('attribution', () => {
  // The heuristic models' credits per campaign against the oracle, read from the warehouse at `warehouse`.
  async function expectHeuristicCredits(warehouse?: string): Promise<void> {
    const expected = expectedAttribution(SEED, SCALE, { stripe: 'stripe', crm: 'crm', cart: 'cart', store: 'store' }, { USD: [1, 1], EUR: [11, 10], GBP: [5, 4] }, { lookbackDays: 90, halfLifeDays: 7 });
    const rows = await sql(`
      select model, campaign,
        coalesce(sum(credit) filter (where kind = 'lead'), 0) as leads,
        coalesce(sum(credit) filter (where kind = 'customer'), 0) as customers,
        coalesce(sum(invoiced_minor) filter (where kind = 'order'), 0)::double as invoiced,
        coalesce(sum(collected_minor) filter (where kind = 'order'), 0)::double as collected
      from attribution.attribution_credits where model <> 'markov' group by all`, warehouse);
    expect(new Set(rows.map((r) => r.model))).toEqual(new Set(expected.keys()));
    for (const [model, campaigns] of expected) {
      const actual = new Map(rows.filter((r) => r.model === model).map((r) => [String(r.campaign), r]));
      expect(new Set(actual.keys()), model).toEqual(new Set(campaigns.keys()));
      for (const [campaign, want] of campaigns) {
        const got = actual.get(campaign)!;
        const where = `${model} ${campaign}`;
        expect(Number(got.leads), where).toBeCloseTo(want.leads, 9);
        expect(Number(got.customers), where).toBeCloseTo(want.customers, 9);
        expect({ invoiced: Number(got.invoiced), collected: Number(got.collected) }, where).toEqual({ invoiced: want.invoiced, collected: want.collected });
      }
    }
    expect(expected.get('linear')!.size).toBeGreaterThan(5);
  }

  it('the heuristic models credit each campaign exactly what the sources say', async () => {
    await expectHeuristicCredits();
  });

  it("a Stripe customer's utm_* metadata is a first touch at the customer's creation", async () => {
    // The customers as the emulator serves them, read through its API with no cdp code in between.
    const customers: { id: string; created: number; metadata: Record<string, string> }[] = [];
    for (let after: string | undefined, more = true; more; ) {
      const page = (await (
        await fetch(`${emulators.stripe.url}/v1/customers?limit=100${after ? `&starting_after=${after}` : ''}`, { headers: { authorization: `Bearer ${LIVE_STRIPE_KEY}` } })
      ).json()) as { data: typeof customers; has_more: boolean };
      customers.push(...page.data);
      [after, more] = [page.data.at(-1)?.id, page.has_more];
    }
    const tagged = customers.filter((c) => c.metadata.utm_source || c.metadata.utm_medium || c.metadata.utm_campaign);
    expect(tagged.length).toBeGreaterThan(0);
    const rows = await sql("select touchpoint_id, epoch(touched_at)::bigint as at, source, medium, campaign from core.touchpoints where origin = 'stripe' and touch_type = 'first_touch'");
    const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : 1);
    expect(rows.map((r) => ({ id: String(r.touchpoint_id), at: Number(r.at), source: r.source, medium: r.medium, campaign: r.campaign })).sort(byId)).toEqual(
      tagged
        .map((c) => ({ id: `stripe:stripe:first_touch:customer:${c.id}`, at: c.created, source: c.metadata.utm_source!.toLowerCase(), medium: c.metadata.utm_medium!.toLowerCase(), campaign: c.metadata.utm_campaign }))
        .sort(byId),
    );
  });

  it('built in batches of conversions, the credits are the same', async () => {
    // A copy of the models whose touch credits are built a few hundred conversion touches at a time.
    const config = ws.config();
    const n = Number((await sql('select count(*)::int as n from attribution.conversion_touches'))[0]!.n);
    const batches = 4;
    const bytesPerRow = Math.ceil(memoryLimitBytes(config.warehouse.memory_limit) / Math.ceil(Number(n) / batches));
    const modelsDir = path.join(ws.dir, 'batched-models');
    fs.cpSync(path.join(PROJECT_ROOT, 'models'), modelsDir, { recursive: true });
    const file = path.join(modelsDir, 'attribution', 'touch_credits.sql');
    const original = fs.readFileSync(file, 'utf8');
    const batched = original.replace(/^-- batched by: (.*), \d+ bytes a row$/m, `-- batched by: $1, ${bytesPerRow} bytes a row`);
    expect(batched).not.toBe(original);
    fs.writeFileSync(file, batched);
    const warehouse = path.join(ws.dir, 'batched.duckdb');
    await buildWarehouse({ ...config, layout: { ...config.layout, warehouse } }, { modelsDir });
    await expectHeuristicCredits(warehouse);
    // Every touch once, whichever batch it was built in.
    expect(await sql('select count(*)::int as n, count(distinct (conversion_key, position))::int as keys from attribution.touch_credits', warehouse)).toEqual([{ n, keys: n }]);
  });

  it('the Markov shares are those of the chain over every path, and each channel is credited the standard totals', async () => {
    const { paths, converting } = await markovPaths();
    const table = await sql('select environment, kind, channel, share from attribution.markov_channel_shares');
    expect(table.length).toBeGreaterThan(10);
    // What Markov credits each channel: the standard totals, all conversions with a path (and all of
    // their money) times the channel's share of the removal effects, those shares taken over the
    // channels on converting paths (a channel on none can be credited nothing).
    const credited = await sql(`select environment, kind, channel, fsum(credit) as credit, sum(invoiced_minor)::double as invoiced,
        sum(collected_minor)::double as collected, count(*) filter (where kind = 'order') as order_touches
      from attribution.attribution_credits where model = 'markov' and channel <> '(no touch)' group by all`);
    let checked = 0;
    let pinned = 0;
    for (const [key, group] of paths) {
      const [environment, kind] = key.split('|');
      const want = markovAttribution(FLOAT, group).shares;
      const got = new Map(table.filter((r) => r.environment === environment && r.kind === kind).map((r) => [String(r.channel), Number(r.share)]));
      expect(new Set(got.keys()), key).toEqual(new Set(want.keys()));
      for (const [channel, share] of want) expect(got.get(channel), `${key} ${channel}`).toBeCloseTo(share, 12);

      const own = converting.filter((c) => c.environment === environment && c.kind === kind).map((c) => ({ invoiced: Number(c.invoiced), collected: Number(c.collected), channels: new Set((c.channels as string[]).map(String)) }));
      const byChannel = new Map(credited.filter((r) => r.environment === environment && r.kind === kind).map((r) => [String(r.channel), r]));
      expect(new Set(byChannel.keys()), key).toEqual(new Set(own.flatMap((c) => [...c.channels])));
      const counts = markovTotals(own.map((c) => ({ channels: c.channels, value: 1 })), want);
      for (const [channel, credit] of counts.totals) expect(Number(byChannel.get(channel)!.credit), `${key} ${channel}`).toBeCloseTo(credit, 8);
      pinned += counts.pinned;
      if (kind !== 'order') continue;
      for (const money of ['invoiced', 'collected'] as const) {
        for (const [channel, value] of markovTotals(own.map((c) => ({ channels: c.channels, value: c[money] })), want).totals) {
          // Whole minor units: each order's touches are rounded, by less than a unit each.
          const r = byChannel.get(channel)!;
          expect(Math.abs(Number(r[money]) - value), `${key} ${channel} ${money}`).toBeLessThanOrEqual(Number(r.order_touches));
          checked += 1;
        }
      }
    }
    expect(checked).toBeGreaterThan(5);
    // On this data the paths cannot carry some standard totals (single-touch leads, a channel on few orders).
    expect(pinned).toBeGreaterThan(0);
  });

  it('every model, Markov included, credits each conversion once: totals equal the real totals', async () => {
    const rows = await sql('select model, kind, balanced from attribution.credit_check');
    expect(rows.length).toBe(7 * 3);
    expect(rows.filter((r) => !r.balanced)).toEqual([]);
  });
});

describe('attribution days', () => {
  it('a conversion counts on its day in the account time zone, spend on the ad account day', async () => {
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
    const orders = await sql("select epoch_ms(converted_at)::double as ms, collected_minor::double as collected from attribution.conversions where kind = 'order'");
    const want = new Map<string, number>();
    let shifted = 0;
    for (const o of orders) {
      const day = localDay.format(new Date(Number(o.ms)));
      if (day !== new Date(Number(o.ms)).toISOString().slice(0, 10)) shifted += 1;
      want.set(day, (want.get(day) ?? 0) + Number(o.collected));
    }
    // Evenings in New York are the next day in UTC: those orders must move back a day.
    expect(shifted).toBeGreaterThan(10);
    const byDay = await sql("select date::varchar as day, sum(collected_minor)::double as collected from attribution.attribution_by_campaign where model = 'linear' group by 1 having sum(collected_minor) > 0");
    expect(new Map(byDay.map((r) => [String(r.day), Number(r.collected)]))).toEqual(new Map([...want].filter(([, v]) => v > 0)));

    const spend = await sql("select date::varchar as day, sum(spend_minor)::double as spend from attribution.attribution_by_campaign where model = 'markov' group by 1 having sum(spend_minor) > 0");
    const truth = new Map<string, number>();
    for (const d of emulators.ads.truth().daily) truth.set(d.date, (truth.get(d.date) ?? 0) + d.spend_minor);
    expect(new Map(spend.map((r) => [String(r.day), Number(r.spend)]))).toEqual(new Map([...truth].filter(([, v]) => v > 0)));
  });
});

describe('cdp report', () => {
  const cdp = (...args: string[]) => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', ws.configFile, 'report', ...args], { encoding: 'utf8' });
    return { status: run.status, out: run.stdout, err: run.stderr };
  };

  it('attribution as CSV: the credits of attribution_by_campaign, and under markov the standard totals of the days asked', async () => {
    const run = cdp('attribution', '--model', 'linear,markov', '--from', '2026-09-01', '--to', '2026-10-15', '--format', 'csv');
    expect(run.status, run.err).toBe(0);
    const file = path.join(ws.dir, 'report.csv');
    fs.writeFileSync(file, run.out);
    const { columns, rows } = await readCsvFile(file);
    expect(columns).toEqual(['model', 'group', 'leads', 'customers', 'invoiced', 'collected', 'spend', 'cost_per_lead', 'cost_per_acquisition', 'roas']);
    const got = new Map(rows.map((r) => [`${r.model}|${r.group}`, r]));
    const want = await sql(`
      select model, platform || ' / ' || campaign as grp, sum(collected_minor)::double as collected, sum(spend_minor)::double as spend
      from attribution.attribution_by_campaign
      where model in ('linear', 'markov') and date between '2026-09-01' and '2026-10-15' group by all`);
    for (const w of want.filter((r) => r.model === 'linear')) {
      const r = got.get(`${w.model}|${w.grp}`)!;
      expect(Number(r.collected), `${w.model} ${w.grp}`).toBeCloseTo(Number(w.collected) / 100, 2);
      expect(Number(r.spend)).toBeCloseTo(Number(w.spend) / 100, 2);
    }
    expect(rows.filter((r) => r.model === 'linear').length).toBe(want.filter((r) => r.model === 'linear').length);
    // Markov: the range's conversions with a path (their day in the account time zone) and their money,
    // times each channel's share of the chain over every path; conversions without one under (no touch).
    const localDay = new Intl.DateTimeFormat('en-CA', { timeZone: TIME_ZONE, year: 'numeric', month: '2-digit', day: '2-digit' });
    const inRange = (ms: unknown) => localDay.format(new Date(Number(ms))) >= '2026-09-01' && localDay.format(new Date(Number(ms))) <= '2026-10-15';
    const { paths, converting } = await markovPaths();
    const expected = new Map<string, { leads: number; customers: number; collected: number }>();
    const credit = (group: string, kind: string, value: number, collected: number) => {
      const e = expected.get(group) ?? { leads: 0, customers: 0, collected: 0 };
      if (kind === 'lead') e.leads += value;
      if (kind === 'customer') e.customers += value;
      if (kind === 'order') e.collected += collected;
      expected.set(group, e);
    };
    for (const kind of ['lead', 'customer', 'order']) {
      const shares = markovAttribution(FLOAT, paths.get(`live|${kind}`)!).shares;
      const own = converting.filter((c) => c.environment === 'live' && c.kind === kind && inRange(c.ms));
      const collected = own.reduce((a, c) => a + Number(c.collected), 0);
      for (const [channel, share] of shares) credit(channel, kind, own.length * share, collected * share);
    }
    const withPath = new Set(converting.map((c) => String(c.conversion_id)));
    for (const c of await sql(`select conversion_id, kind, epoch_ms(converted_at)::double as ms, collected_minor::double as collected from attribution.conversions where environment = 'live'`)) {
      if (!withPath.has(String(c.conversion_id)) && inRange(c.ms)) credit('(none) / (no touch)', String(c.kind), 1, Number(c.collected));
    }
    expect(expected.size).toBeGreaterThan(5);
    for (const [group, e] of expected) {
      const r = got.get(`markov|${group}`);
      expect(r, group).toBeDefined();
      // Printed to two decimals: within half a hundredth.
      expect(Math.abs(Number(r!.leads) - e.leads), `${group} leads`).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(Number(r!.customers) - e.customers), `${group} customers`).toBeLessThanOrEqual(0.0051);
      expect(Math.abs(Number(r!.collected) - e.collected / 100), `${group} collected`).toBeLessThanOrEqual(0.0051);
    }
    // Spend beside them is the campaigns' spend in the range, as for every model.
    for (const w of want.filter((r) => r.model === 'markov' && Number(r.spend) > 0)) expect(Number(got.get(`markov|${w.grp}`)!.spend), String(w.grp)).toBeCloseTo(Number(w.spend) / 100, 2);
  });

  it('the table prints the check, and a wrong model or range says what is wrong', () => {
    const table = cdp('attribution', '--model', 'position_based');
    expect(table.out).toContain('check: every model credits each conversion exactly once');
    expect(cdp('attribution', '--model', 'last_click').err).toContain('--model: unknown model "last_click"; choose from first_touch, last_touch');
    expect(cdp('attribution', '--from', '2026-10-02', '--to', '2026-10-01').err).toContain('--from 2026-10-02 is after --to 2026-10-01');
    expect(cdp('orders', '--touchpoint', 'color=red').err).toContain('--touchpoint: source=<value>, medium=<value> or campaign=<value>');
  });

  it('orders by day, for people with a touch from a source and a tag', async () => {
    const run = cdp('orders', '--touchpoint', 'source=facebook', '--tag', 'vip', '--format', 'json');
    expect(run.status, run.err).toBe(0);
    const got = JSON.parse(run.out) as { date: string; orders: number; collected_minor: number }[];
    const want = await sql(`
      select strftime(timezone('${TIME_ZONE}', c.converted_at)::date, '%Y-%m-%d') as date, count(*)::int as orders, sum(c.collected_minor)::double as collected
      from attribution.conversions c
      where c.kind = 'order'
        and c.customer_id in (select customer_id from attribution.touches where source = 'facebook')
        and c.customer_id in (select customer_id from core.contact_tags where lower(tag) = 'vip')
      group by 1 order by 1`);
    expect(want.length).toBeGreaterThan(0);
    expect(got.map((r) => ({ date: r.date, orders: r.orders, collected: r.collected_minor }))).toEqual(want.map((r) => ({ date: r.date, orders: r.orders, collected: Number(r.collected) })));
  });
});
