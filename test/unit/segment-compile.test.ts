import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileSegment } from '../../lib/segments/compile';
import { validateDefinition } from '../../lib/segments/definition';

// Segment SQL runs against a hand-built warehouse of eight people whose membership in every
// segment below was worked out by hand. "Now" is fixed; the time zone is the account's.

const NOW = new Date('2024-06-30T12:00:00Z');
const NEW_YORK = 'America/New_York';

const SCHEMA = `
  SET TimeZone = 'UTC';
  CREATE SCHEMA core; CREATE SCHEMA marts; CREATE SCHEMA config;
  CREATE TABLE core.customers (customer_id VARCHAR, environment VARCHAR, email VARCHAR, first_name VARCHAR, last_name VARCHAR,
    phone VARCHAR, zip VARCHAR, city VARCHAR, country VARCHAR, first_seen_at TIMESTAMPTZ, source_count INTEGER, in_crm BOOLEAN);
  CREATE TABLE core.contact_tags (customer_id VARCHAR, tag VARCHAR, applied_at TIMESTAMPTZ, connection VARCHAR);
  CREATE TABLE core.orders (order_id VARCHAR, customer_id VARCHAR, environment VARCHAR, source VARCHAR, connection VARCHAR,
    status VARCHAR, source_status VARCHAR, currency VARCHAR, total_minor BIGINT, discount_minor BIGINT, coupon_code VARCHAR,
    is_discounted BOOLEAN, counts_as_revenue BOOLEAN, utm_source VARCHAR, utm_medium VARCHAR, utm_campaign VARCHAR, ordered_at TIMESTAMPTZ);
  CREATE TABLE core.order_items (order_item_id VARCHAR, order_id VARCHAR, environment VARCHAR, source VARCHAR, connection VARCHAR,
    product_id VARCHAR, product_name VARCHAR, sku VARCHAR, category VARCHAR, quantity INTEGER, returned_quantity INTEGER);
  CREATE TABLE core.products (product_id VARCHAR, environment VARCHAR, source VARCHAR, connection VARCHAR, product_name VARCHAR, sku VARCHAR, category VARCHAR);
  CREATE TABLE core.subscriptions (subscription_id VARCHAR, customer_id VARCHAR, environment VARCHAR, source VARCHAR, connection VARCHAR,
    status VARCHAR, source_status VARCHAR, currency VARCHAR, amount_minor BIGINT, billing_interval VARCHAR, product_id VARCHAR,
    started_at TIMESTAMPTZ, cancelled_at TIMESTAMPTZ);
  CREATE TABLE marts.customer_metrics (customer_id VARCHAR, environment VARCHAR, currency VARCHAR, orders_count INTEGER,
    discounted_orders INTEGER, undiscounted_orders INTEGER, amount_spent_minor BIGINT, net_revenue_minor BIGINT,
    discount_received_minor BIGINT, refunded_amount_minor BIGINT, promo_codes_used INTEGER, returned_items INTEGER,
    first_order_at TIMESTAMPTZ, last_order_at TIMESTAMPTZ, active_subscriptions INTEGER, cancelled_subscriptions INTEGER, incomplete_subscriptions INTEGER,
    abandoned_checkouts INTEGER, is_customer BOOLEAN, is_paying_customer BOOLEAN, is_tagged_customer BOOLEAN,
    promotion_orders INTEGER, promotion_discounted_orders INTEGER, promotion_undiscounted_orders INTEGER,
    promotion_gross_revenue_minor BIGINT, promotion_accrued_discounts_minor BIGINT, promotion_net_revenue_minor BIGINT,
    loyalty_points_active DECIMAL(18, 2), loyalty_points_pending DECIMAL(18, 2), loyalty_points_expiring_30d DECIMAL(18, 2));
  CREATE TABLE config.connections (connection VARCHAR, source VARCHAR, environment VARCHAR, is_payment_source BOOLEAN, is_crm BOOLEAN);`;

// fay was first seen at 23:30 on 2022-12-31 in New York (04:30 UTC on 2023-01-01); sam is ann's sandbox twin.
const DATA = `
  INSERT INTO core.customers VALUES
    ('ann',  'live',    'ann@example.com',  'Ann',  'Lee',     '+1 555 0100', '10001',    'New York', 'US', '2023-01-10T00:00:00Z', 2,    true),
    ('bob',  'live',    'bob@shop.io',      'Bob',  NULL,      NULL,          'SW1A 1AA', 'London',   'GB', '2023-06-01T00:00:00Z', 1,    false),
    ('cara', 'live',    'cara@example.com', 'Cara', '   ',     NULL,          '10115',    'Berlin',   'DE', '2023-02-01T00:00:00Z', 1,    true),
    ('dan',  'live',    'dan@mail.jp',      'Dan',  'O''Neil', '03-1234',     '100-0001', 'Tokyo',    'JP', '2023-03-01T00:00:00Z', 3,    NULL),
    ('eve',  'live',    NULL,               'Eve',  'Stone',   NULL,          NULL,       NULL,       NULL, '2024-06-20T00:00:00Z', 1,    true),
    ('fay',  'live',    'fay@example.com',  'Fay',  'Lee',     NULL,          '75001',    'Paris',    'FR', '2023-01-01T04:30:00Z', 1,    false),
    ('gus',  'live',    'gus@example.org',  'Gus',  'Anderson', NULL,         '69001',    'Lyon',     'FR', '2024-01-01T00:00:00Z', NULL, false),
    ('sam',  'sandbox', 'ann@example.com',  'Ann',  'Lee',     NULL,          '10001',    'New York', 'US', '2023-01-10T00:00:00Z', 1,    true);
  INSERT INTO marts.customer_metrics (customer_id, environment, currency, orders_count, amount_spent_minor, last_order_at) VALUES
    ('ann', 'live', 'USD', 2, 50001, '2024-06-01T00:00:00Z'),
    ('bob', 'live', 'USD', 1, 50000, '2024-01-01T06:00:00Z'),
    ('cara', 'live', 'KWD', 1, 500000, '2023-05-05T10:00:00Z'),
    ('dan', 'live', 'JPY', 1, 501, '2024-04-01T12:00:00Z'),
    ('eve', 'live', 'USD', 0, 0, NULL),
    ('fay', 'live', 'EUR', 0, NULL, NULL),
    ('gus', 'live', 'USD', 0, 0, NULL),
    ('sam', 'sandbox', 'USD', 1, 90000, '2024-06-25T00:00:00Z');
  UPDATE marts.customer_metrics SET promotion_orders = 0, promotion_discounted_orders = 0, promotion_undiscounted_orders = 0,
    promotion_gross_revenue_minor = 0, promotion_accrued_discounts_minor = 0, promotion_net_revenue_minor = 0,
    loyalty_points_active = 0, loyalty_points_pending = 0, loyalty_points_expiring_30d = 0;
  UPDATE marts.customer_metrics SET promotion_orders = 2, promotion_discounted_orders = 1, promotion_undiscounted_orders = 1,
    promotion_gross_revenue_minor = 60000, promotion_accrued_discounts_minor = 5000, promotion_net_revenue_minor = 55000,
    loyalty_points_active = 250.50, loyalty_points_expiring_30d = 100 WHERE customer_id = 'ann';
  UPDATE marts.customer_metrics SET promotion_orders = 1, promotion_undiscounted_orders = 1, promotion_gross_revenue_minor = 50000,
    promotion_net_revenue_minor = 50000, loyalty_points_pending = 120 WHERE customer_id = 'bob';
  UPDATE marts.customer_metrics SET promotion_orders = 1, promotion_discounted_orders = 1, promotion_gross_revenue_minor = 501,
    promotion_accrued_discounts_minor = 100, promotion_net_revenue_minor = 401, loyalty_points_active = 40, loyalty_points_expiring_30d = 40 WHERE customer_id = 'dan';
  UPDATE marts.customer_metrics SET promotion_orders = 3, promotion_discounted_orders = 3, loyalty_points_active = 900, loyalty_points_expiring_30d = 900 WHERE customer_id = 'sam';
  INSERT INTO core.contact_tags VALUES
    ('ann', 'STATUS: Customer', '2023-02-01T00:00:00Z', 'crm'),
    ('ann', 'VIP-gold', '2023-03-01T00:00:00Z', 'crm'),
    ('cara', 'Purchase: SQL Course', '2023-05-05T00:00:00Z', 'crm'),
    ('eve', 'newsletter', '2024-06-20T00:00:00Z', 'crm'),
    ('eve', 'vip', '2024-06-21T00:00:00Z', 'crm'),
    ('sam', 'vip', '2023-03-01T00:00:00Z', 'crm-sandbox');
  INSERT INTO core.orders (order_id, customer_id, environment, source, connection, status, currency, total_minor, coupon_code, counts_as_revenue, ordered_at) VALUES
    ('o1', 'ann', 'live', 'stripe', 'stripe-live', 'paid', 'USD', 50001, 'SPRING10', true, '2024-01-01T03:00:00Z'),
    ('o2', 'ann', 'live', 'stripe', 'stripe-live', 'paid', 'USD', 1000, NULL, true, '2024-06-01T00:00:00Z'),
    ('o3', 'bob', 'live', 'stripe', 'stripe-live', 'paid', 'USD', 50000, 'welcome', true, '2024-01-01T06:00:00Z'),
    ('o4', 'cara', 'live', 'stripe', 'stripe-live', 'refunded', 'KWD', 500000, '', true, '2023-05-05T10:00:00Z'),
    ('o5', 'dan', 'live', 'stripe', 'stripe-live', 'paid', 'JPY', 501, 'vip20', true, '2024-04-01T12:00:00Z'),
    ('o6', 'fay', 'live', 'stripe', 'stripe-live', 'failed', 'EUR', 4000, 'SPRING10', false, '2024-03-01T00:00:00Z'),
    ('o7', 'gus', 'live', 'stripe', 'stripe-live', 'pending', 'USD', 2000, 'WELCOME, VIP20', true, '2024-02-01T00:00:00Z'),
    ('o8', 'sam', 'sandbox', 'stripe', 'stripe-test', 'paid', 'USD', 90000, 'VIP20', true, '2024-06-25T00:00:00Z');
  INSERT INTO core.order_items (order_item_id, order_id, product_name, sku, category, source, connection, quantity, returned_quantity) VALUES
    ('i1', 'o1', 'SQL for Marketers', 'SQL-101', 'course', 'stripe', 'stripe-live', 1, 0),
    ('i2', 'o2', 'Analytics Foundations', 'AF-1', 'course', 'stripe', 'stripe-live', 1, 0),
    ('i3', 'o4', 'SQL for Marketers', 'SQL-101', 'course', 'stripe', 'stripe-live', 1, 1),
    ('i4', 'o6', 'SQL for Marketers', 'SQL-101', 'course', 'stripe', 'stripe-live', 1, 0),
    ('i5', 'o3', 'T-shirt', 'TS-M', 'merch', 'stripe', 'stripe-live', 2, 0),
    ('i6', 'o7', 'SQL for Marketers', 'SQL-101', 'course', 'stripe', 'stripe-live', 1, 0);
  INSERT INTO core.products (product_id, product_name) VALUES ('p1', 'Pro Plan');
  INSERT INTO core.subscriptions (subscription_id, customer_id, environment, source, connection, status, currency, amount_minor, product_id, started_at, cancelled_at) VALUES
    ('s1', 'eve', 'live', 'stripe', 'stripe-live', 'active', 'USD', 2900, 'p1', '2024-06-20T00:00:00Z', NULL),
    ('s2', 'ann', 'live', 'stripe', 'stripe-live', 'cancelled', 'USD', 2900, 'p1', '2023-02-01T00:00:00Z', '2024-03-01T00:00:00Z');
  INSERT INTO config.connections VALUES
    ('stripe-live', 'stripe', 'live', true, false),
    ('crm', 'activecampaign', 'live', false, true),
    ('crm-sandbox', 'activecampaign', 'sandbox', false, true);`;

const LIVE = ['ann', 'bob', 'cara', 'dan', 'eve', 'fay', 'gus'];

let instance: DuckDBInstance;
let db: DuckDBConnection;

beforeAll(async () => {
  instance = await DuckDBInstance.create(':memory:');
  db = await instance.connect();
  await db.run(SCHEMA);
  await db.run(DATA);
});

afterAll(() => {
  db.closeSync();
  instance.closeSync();
});

interface Options {
  environment?: 'live' | 'sandbox';
  timezone?: string;
}

/** A definition with these rules, validated as a file would be. */
const definition = (rules: unknown, { environment = 'live' }: Options = {}) => validateDefinition({ name: 'probe', environment, rules }, 'probe.yaml');

/** The sorted ids of the people the rules select. */
async function members(rules: unknown, options: Options = {}): Promise<string[]> {
  const { sql, params } = compileSegment(definition(rules, options), { now: NOW, timezone: options.timezone ?? 'UTC' });
  const rows = (await db.runAndReadAll(sql, params)).getRowObjectsJS();
  return rows.map((r) => String(r.customer_id)).sort();
}

interface Case {
  says: string;
  rules: unknown;
  expected: string[];
  options?: Options;
}

/** One test per case: the segment's members are exactly the expected people. */
function segmentCases(cases: Case[]): void {
  it.each(cases)('$says', async ({ rules, expected, options }) => {
    expect(await members(rules, options)).toEqual(expected);
  });
}

const hasOrder = (where: unknown, count?: unknown) => (count === undefined ? { has: 'order', where } : { has: 'order', where, count });
/** An order placed between two dates or times, both included (a single date: on that day). */
const orderedBetween = (low: string, high = low) => hasOrder({ field: 'ordered_at', op: 'between', value: [low, high] });
const inNewYork: Options = { timezone: NEW_YORK };

describe('text conditions', () => {
  segmentCases([
    { says: 'equals ignores case and surrounding spaces', rules: { field: 'email', op: 'equals', value: ' ANN@Example.COM ' }, expected: ['ann'] },
    { says: 'contains ignores case', rules: { field: 'email', op: 'contains', value: 'EXAMPLE' }, expected: ['ann', 'cara', 'fay', 'gus'] },
    { says: 'starts_with on the full name ignores case', rules: { field: 'name', op: 'starts_with', value: 'ANN L' }, expected: ['ann'] },
    { says: 'starts_with keeps a quote in the value as text', rules: { field: 'last_name', op: 'starts_with', value: "o'n" }, expected: ['dan'] },
    { says: 'ends_with ignores case', rules: { field: 'email', op: 'ends_with', value: '.JP' }, expected: ['dan'] },
    { says: 'in compares each value without case or spaces', rules: { field: 'city', op: 'in', value: ['new york', ' BERLIN '] }, expected: ['ann', 'cara'] },
    { says: 'not_equals includes people with no value', rules: { field: 'last_name', op: 'not_equals', value: 'LEE' }, expected: ['bob', 'cara', 'dan', 'eve', 'gus'] },
    { says: 'not_contains includes people with no value', rules: { field: 'email', op: 'not_contains', value: 'example' }, expected: ['bob', 'dan', 'eve'] },
    { says: 'not_in includes people with no value', rules: { field: 'country', op: 'not_in', value: ['us', 'DE', 'gb'] }, expected: ['dan', 'eve', 'fay', 'gus'] },
    { says: 'is_empty counts NULL and blank text alike', rules: { field: 'last_name', op: 'is_empty' }, expected: ['bob', 'cara'] },
    { says: 'is_not_empty is the rest', rules: { field: 'last_name', op: 'is_not_empty' }, expected: ['ann', 'dan', 'eve', 'fay', 'gus'] },
    { says: 'the full name of someone whose last name is blank is the first name', rules: { field: 'name', op: 'equals', value: 'cara' }, expected: ['cara'] },
  ]);
});

describe('number, boolean and money conditions', () => {
  segmentCases([
    { says: 'between includes both ends', rules: { field: 'source_count', op: 'between', value: [2, 3] }, expected: ['ann', 'dan'] },
    { says: 'number not_equals includes people with no value', rules: { field: 'source_count', op: 'not_equals', value: 1 }, expected: ['ann', 'dan', 'gus'] },
    { says: 'number not_in includes people with no value', rules: { field: 'source_count', op: 'not_in', value: [1, 3] }, expected: ['ann', 'gus'] },
    { says: 'number is_empty is NULL only', rules: { field: 'source_count', op: 'is_empty' }, expected: ['gus'] },
    { says: 'is_false includes an unknown flag', rules: { field: 'in_crm', op: 'is_false' }, expected: ['bob', 'dan', 'fay', 'gus'] },
    { says: 'is_true is only true', rules: { field: 'in_crm', op: 'is_true' }, expected: ['ann', 'cara', 'eve'] },
    {
      says: 'money is in major units: 50001 cents is over 500 USD, 50000 is not, and 501 JPY is 501',
      rules: { field: 'amount_spent', op: 'greater_than', value: 500 },
      expected: ['ann', 'dan'],
    },
    {
      says: 'a three-decimal currency divides by 1000: 500000 fils is exactly 500 KWD',
      rules: { field: 'amount_spent', op: 'between', value: [500, 500.01] },
      expected: ['ann', 'bob', 'cara'],
    },
    { says: 'money equals in a zero-decimal currency', rules: { field: 'amount_spent', op: 'equals', value: 501 }, expected: ['dan'] },
    { says: "an order's total is in the order's currency", rules: hasOrder({ field: 'total', op: 'greater_or_equal', value: 500 }), expected: ['ann', 'bob', 'cara', 'dan'] },
  ]);
});

describe('date conditions', () => {
  segmentCases([
    {
      says: 'within_last_days counts back from the given now, the boundary included',
      rules: { field: 'last_order_at', op: 'within_last_days', value: 90 },
      expected: ['ann', 'dan'],
    },
    { says: 'within_last_days 29 leaves out an order 29.5 days ago', rules: { field: 'last_order_at', op: 'within_last_days', value: 29 }, expected: [] },
    { says: 'within_last_days 30 takes it', rules: { field: 'last_order_at', op: 'within_last_days', value: 30 }, expected: ['ann'] },
    { says: 'more_than_days_ago leaves out the boundary and people who never ordered', rules: { field: 'last_order_at', op: 'more_than_days_ago', value: 90 }, expected: ['bob', 'cara'] },
    {
      says: 'not of a date condition includes people who never ordered',
      rules: { not: { field: 'last_order_at', op: 'within_last_days', value: 90 } },
      expected: ['bob', 'cara', 'eve', 'fay', 'gus'],
    },
    {
      says: 'before a date is before midnight in the time zone (New York)',
      rules: { field: 'first_seen_at', op: 'before', value: '2023-01-01' },
      options: inNewYork,
      expected: ['fay'],
    },
    { says: 'before the same date in UTC', rules: { field: 'first_seen_at', op: 'before', value: '2023-01-01' }, expected: [] },
    {
      says: 'after a date starts at the next midnight in the time zone (New York)',
      rules: { field: 'first_seen_at', op: 'after', value: '2022-12-31' },
      options: inNewYork,
      expected: ['ann', 'bob', 'cara', 'dan', 'eve', 'gus'],
    },
    { says: 'after the same date in UTC', rules: { field: 'first_seen_at', op: 'after', value: '2022-12-31' }, expected: LIVE },
    { says: 'before an ISO time is strictly before it', rules: { field: 'first_seen_at', op: 'before', value: '2023-01-01T00:30:00-04:00' }, expected: [] },
    { says: 'after an ISO time is strictly after it', rules: { field: 'first_seen_at', op: 'after', value: '2023-01-01T04:30:00Z' }, expected: ['ann', 'bob', 'cara', 'dan', 'eve', 'gus'] },
    { says: 'an order at 03:00 UTC on 1 January is on 31 December in New York', rules: orderedBetween('2023-12-31'), options: inNewYork, expected: ['ann'] },
    { says: 'and on 1 January in UTC, with the order at 06:00 UTC', rules: orderedBetween('2024-01-01'), expected: ['ann', 'bob'] },
    { says: 'of those two only the 06:00 UTC order is on 1 January in New York', rules: orderedBetween('2024-01-01'), options: inNewYork, expected: ['bob'] },
    { says: 'between a date and an ISO time includes the ISO end', rules: orderedBetween('2023-12-31', '2024-01-01T06:00:00Z'), options: inNewYork, expected: ['ann', 'bob'] },
  ]);
});

describe('has rules', () => {
  segmentCases([
    {
      says: 'an order with one of several codes, read from comma-separated coupon codes',
      rules: hasOrder({ field: 'coupon_code', op: 'in', value: ['vip20', 'SPRING10'] }),
      expected: ['ann', 'dan', 'fay', 'gus'],
    },
    { says: 'a code that is second in the list, after a space', rules: hasOrder({ field: 'coupon_code', op: 'equals', value: 'VIP20' }), expected: ['dan', 'gus'] },
    { says: 'a code that is first in the list', rules: hasOrder({ field: 'coupon_code', op: 'equals', value: 'welcome' }), expected: ['bob', 'gus'] },
    { says: 'an empty coupon code is no coupon', rules: hasOrder({ field: 'coupon_code', op: 'is_empty' }), expected: ['ann', 'cara'] },
    { says: 'exactly two tags', rules: { has: 'tag', count: { op: 'equals', value: 2 } }, expected: ['ann', 'eve'] },
    { says: 'exactly two paid orders', rules: hasOrder({ field: 'status', op: 'equals', value: 'PAID' }, { op: 'equals', value: 2 }), expected: ['ann'] },
    { says: 'no orders at all', rules: { has: 'order', count: { op: 'less_than', value: 1 } }, expected: ['eve'] },
    { says: 'an order with two coupons counts once', rules: { has: 'order', where: { field: 'source', op: 'equals', value: 'stripe' }, count: { op: 'equals', value: 1 } }, expected: ['bob', 'cara', 'dan', 'fay', 'gus'] },
    { says: 'a tag containing a text', rules: { has: 'tag', where: { field: 'tag', op: 'contains', value: 'VIP' } }, expected: ['ann', 'eve'] },
    { says: 'no tag at all', rules: { not: { has: 'tag' } }, expected: ['bob', 'dan', 'fay', 'gus'] },
    {
      says: 'a purchase is a line of an order that took money, refunded ones included',
      rules: { has: 'purchase', where: { field: 'product_name', op: 'contains', value: 'sql' } },
      expected: ['ann', 'cara'],
    },
    { says: 'two purchases', rules: { has: 'purchase', count: { op: 'equals', value: 2 } }, expected: ['ann'] },
    {
      says: 'a purchase by category and quantity',
      rules: { has: 'purchase', where: [{ field: 'category', op: 'equals', value: 'MERCH' }, { field: 'quantity', op: 'greater_or_equal', value: 2 }] },
      expected: ['bob'],
    },
    { says: 'a subscription by product name', rules: { has: 'subscription', where: { field: 'product_name', op: 'equals', value: 'pro plan' } }, expected: ['ann', 'eve'] },
    {
      says: 'a subscription that is still active',
      rules: { has: 'subscription', where: [{ field: 'status', op: 'equals', value: 'active' }, { field: 'cancelled_at', op: 'is_empty' }] },
      expected: ['eve'],
    },
  ]);
});

describe('promotion and loyalty conditions', () => {
  segmentCases([
    { says: 'points about to expire', rules: { field: 'loyalty_points_expiring_30d', op: 'greater_than', value: 0 }, expected: ['ann', 'dan'] },
    { says: "a sandbox twin's points make no live member, only a sandbox one", rules: { field: 'loyalty_points_expiring_30d', op: 'greater_than', value: 500 }, options: { environment: 'sandbox' }, expected: ['sam'] },
    { says: 'points are counted, not money: fractions of a point compare as they are', rules: { field: 'loyalty_points_active', op: 'between', value: [250.5, 251] }, expected: ['ann'] },
    {
      says: 'points still pending, none active yet',
      rules: { all: [{ field: 'loyalty_points_pending', op: 'greater_than', value: 0 }, { field: 'loyalty_points_active', op: 'equals', value: 0 }] },
      expected: ['bob'],
    },
    {
      says: 'orders with and without a discount',
      rules: { all: [{ field: 'promotion_discounted_orders', op: 'greater_or_equal', value: 1 }, { field: 'promotion_undiscounted_orders', op: 'greater_or_equal', value: 1 }] },
      expected: ['ann'],
    },
    {
      says: 'accrued discounts are money in major units: 100 JPY is 100, 5000 cents is 50',
      rules: { field: 'promotion_accrued_discounts', op: 'greater_or_equal', value: 100 },
      expected: ['dan'],
    },
    { says: 'net revenue after discounts, strictly above', rules: { field: 'promotion_net_revenue', op: 'greater_than', value: 500 }, expected: ['ann'] },
    { says: 'gross revenue before discounts', rules: { field: 'promotion_gross_revenue', op: 'greater_or_equal', value: 500 }, expected: ['ann', 'bob', 'dan'] },
  ]);
});

describe('groups and environments', () => {
  const nested = {
    any: [
      { all: [{ has: 'tag', where: { field: 'tag', op: 'contains', value: 'vip' } }, { field: 'amount_spent', op: 'greater_than', value: 500 }] },
      { not: { any: [{ field: 'country', op: 'in', value: ['US', 'GB', 'DE', 'JP', 'FR'] }, { has: 'order' }] } },
      { all: [{ field: 'in_crm', op: 'is_false' }, { not: hasOrder({ field: 'status', op: 'in', value: ['paid', 'refunded'] }) }] },
    ],
  };
  segmentCases([
    { says: 'any of all, not-any and all-with-not groups', rules: nested, expected: ['ann', 'eve', 'fay', 'gus'] },
    { says: 'not of the whole nested group is its complement', rules: { not: nested }, expected: ['bob', 'cara', 'dan'] },
    { says: 'a live segment never holds a sandbox person', rules: { field: 'email', op: 'equals', value: 'ann@example.com' }, expected: ['ann'] },
    {
      says: 'a sandbox segment holds only sandbox people',
      rules: { field: 'email', op: 'equals', value: 'ann@example.com' },
      options: { environment: 'sandbox' },
      expected: ['sam'],
    },
    { says: 'a live has rule ignores sandbox records', rules: hasOrder({ field: 'coupon_code', op: 'equals', value: 'VIP20' }, { op: 'greater_than', value: 0 }), expected: ['dan', 'gus'] },
    { says: 'every live person has the live payment source', rules: { field: 'has_payment_source', op: 'is_true' }, expected: LIVE },
    { says: 'the sandbox has no payment source', rules: { field: 'has_payment_source', op: 'is_false' }, options: { environment: 'sandbox' }, expected: ['sam'] },
  ]);
});

describe('compiled SQL', () => {
  it('binds every value as a parameter, one per placeholder, in order', () => {
    const { sql, params } = compileSegment(
      definition([
        { field: 'email', op: 'contains', value: 'needle-text' },
        hasOrder({ field: 'ordered_at', op: 'between', value: ['2024-01-01', '2024-02-01T00:00:00Z'] }, { op: 'between', value: [2, 7] }),
        { field: 'source_count', op: 'in', value: [4, 5] },
      ]),
      { now: NOW, timezone: NEW_YORK },
      'c.customer_id, c.email',
    );
    expect(sql.startsWith('select c.customer_id, c.email from core.customers as c join marts.customer_metrics as m using (customer_id) where c.environment = ?::VARCHAR and ')).toBe(true);
    expect(sql).not.toContain('needle-text');
    expect(sql).not.toContain('2024-');
    expect(sql.split('?').length - 1).toBe(params.length);
    expect(params).toEqual(['live', 'needle-text', NEW_YORK, '2024-01-01', '2024-02-01T00:00:00Z', 2, 7, 4, 5]);
  });

  it('a value written as SQL is only text: it is not in the SQL, the query runs and the table survives', async () => {
    const attack = "x'); drop table core.customers; --";
    const rules = { any: [{ field: 'email', op: 'equals', value: attack }, hasOrder({ field: 'coupon_code', op: 'contains', value: attack })] };
    const { sql, params } = compileSegment(definition(rules), { now: NOW, timezone: 'UTC' });
    expect(sql).not.toContain('drop table');
    expect(params).toEqual(['live', attack, attack]);
    expect(await members(rules)).toEqual([]);
    const count = (await db.runAndReadAll('select count(*)::integer as n from core.customers')).getRowObjectsJS();
    expect(count).toEqual([{ n: 8 }]);
  });
});
