// The 50 segments of the segment benchmark, over the synthetic Stripe data of `synthetic-stripe.ts`,
// and the member counts that data fixes in advance, to check the materialized ones against.
import type { Condition, Rule, SegmentDefinition } from '../lib/segments/definition';

const cond = (field: string, op: string, value?: Condition['value']): Condition => (value === undefined ? { field, op } : { field, op, value });
const seg = (name: string, description: string, rules: Rule): SegmentDefinition => ({ name, environment: 'live', description, rules });

/**
 * Fifty varied definitions: numeric and money comparisons, text operators, empty checks, relative
 * and absolute dates, nested all/any/not groups, and `has` rules on orders, purchases,
 * subscriptions and tags (the last three have no records in the synthetic data).
 */
export const BENCH_SEGMENTS: readonly SegmentDefinition[] = [
  // Numbers and money on the customer metrics.
  seg('all-customers', 'Everyone: zero or more orders', cond('orders_count', 'greater_or_equal', 0)),
  seg('no-orders', 'Never paid', cond('orders_count', 'equals', 0)),
  seg('has-orders', 'Paid at least once', cond('orders_count', 'greater_than', 0)),
  seg('one-order', 'Exactly one paid order', cond('orders_count', 'equals', 1)),
  seg('repeat-buyers', 'Two paid orders or more', cond('orders_count', 'greater_or_equal', 2)),
  seg('frequent-buyers', 'Four to ten paid orders', cond('orders_count', 'between', [4, 10])),
  seg('odd-order-counts', 'Three, five or seven paid orders', cond('orders_count', 'in', [3, 5, 7])),
  seg('spent-over-100', 'Lifetime value over 100', cond('amount_spent', 'greater_than', 100)),
  seg('spent-100-or-less', 'Lifetime value of 100 or less', { not: cond('amount_spent', 'greater_than', 100) }),
  seg('spent-50-to-150', 'Lifetime value from 50 to 150', cond('amount_spent', 'between', [50, 150])),
  seg('big-spenders', 'Lifetime value of 250 or more', cond('amount_spent', 'greater_or_equal', 250)),
  seg('small-spenders', 'Paid something, under 30 in all', { all: [cond('amount_spent', 'greater_than', 0), cond('amount_spent', 'less_than', 30)] }),
  seg('refunded', 'Had money refunded', cond('refunded_amount', 'greater_than', 0)),
  seg('net-under-40', 'Net revenue under 40', cond('net_revenue', 'less_or_equal', 40)),
  // Text.
  seg('no-email', 'No email address', cond('email', 'is_empty')),
  seg('with-email', 'An email address', cond('email', 'is_not_empty')),
  seg('email-at-example', 'Email at example.com', cond('email', 'ends_with', '@example.com')),
  seg('email-contains-77', 'Email containing 77', cond('email', 'contains', '77')),
  seg('email-starts-person1', 'Email starting with person1', cond('email', 'starts_with', 'person1')),
  seg('name-person-prefix', 'Name starting with "person "', cond('name', 'starts_with', 'person ')),
  seg('name-contains-123', 'Name containing 123', cond('name', 'contains', '123')),
  seg('name-not-contains-5', 'Name without a 5', cond('name', 'not_contains', '5')),
  seg('last-name-small', 'Last name 1 to 5', cond('last_name', 'in', ['1', '2', '3', '4', '5'])),
  seg('city-7', 'In City 7', cond('city', 'equals', 'city 7')),
  seg('zip-not-first', 'Postal code other than 00001 and 00002', cond('zip', 'not_in', ['00001', '00002'])),
  seg('country-us', 'In the US', cond('country', 'equals', 'us')),
  seg('phone-empty', 'No phone', cond('phone', 'is_empty')),
  // Dates.
  seg('ordered-last-45-days', 'Last paid order within 45 days', cond('last_order_at', 'within_last_days', 45)),
  seg('lapsed-60-days', 'Last paid order over 60 days ago', cond('last_order_at', 'more_than_days_ago', 60)),
  seg('never-ordered', 'No last order date', cond('last_order_at', 'is_empty')),
  seg('first-order-november', 'First paid order before December 2023', cond('first_order_at', 'before', '2023-12-01')),
  seg('first-order-2024', 'First paid order in 2024', cond('first_order_at', 'after', '2023-12-31')),
  seg('seen-mid-november', 'First seen 15 to 20 November 2023', cond('first_seen_at', 'between', ['2023-11-15', '2023-11-20'])),
  // Nested groups.
  seg('active-repeat-spenders', 'Two orders, over 75, ordered within 60 days', {
    all: [cond('orders_count', 'greater_or_equal', 2), cond('amount_spent', 'greater_than', 75), cond('last_order_at', 'within_last_days', 60)],
  }),
  seg('vip-any', 'Spent 200, five orders, or a vip email', {
    any: [cond('amount_spent', 'greater_or_equal', 200), cond('orders_count', 'greater_or_equal', 5), cond('email', 'contains', 'vip')],
  }),
  seg('reachable-buyers', 'Neither without orders nor without email', { not: { any: [cond('orders_count', 'equals', 0), cond('email', 'is_empty')] } }),
  seg('cities-1-2-unrefunded-or-light', 'City 1… or City 2…, unless three orders and a refund', {
    all: [
      { any: [cond('city', 'starts_with', 'city 1'), cond('city', 'starts_with', 'city 2')] },
      { not: { all: [cond('orders_count', 'greater_or_equal', 3), cond('refunded_amount', 'greater_than', 0)] } },
    ],
  }),
  // Orders.
  seg('has-failed-order', 'An order that failed', { has: 'order', where: cond('status', 'equals', 'failed') }),
  seg('no-failed-orders', 'No order that failed', { not: { has: 'order', where: cond('status', 'equals', 'failed') } }),
  seg('paid-order-last-50-days', 'A paid order within 50 days', {
    has: 'order',
    where: { all: [cond('status', 'equals', 'paid'), cond('ordered_at', 'within_last_days', 50)] },
  }),
  seg('partially-refunded-order', 'An order partly refunded', { has: 'order', where: cond('status', 'equals', 'partially_refunded') }),
  seg('eur-order', 'An order in EUR', { has: 'order', where: cond('currency', 'equals', 'EUR') }),
  seg('two-paid-orders', 'Two paid orders or more, counted on orders', { has: 'order', where: cond('status', 'equals', 'paid'), count: { op: 'greater_or_equal', value: 2 } }),
  seg('campaign-7-order', 'An order from campaign_7', { has: 'order', where: cond('utm_campaign', 'equals', 'campaign_7') }),
  seg('order-over-100', 'An order over 100 in its currency', { has: 'order', where: cond('total', 'greater_than', 100) }),
  // Purchases, subscriptions and tags: none in the synthetic data.
  seg('has-purchase', 'Any product bought', { has: 'purchase' }),
  seg('purchased-course', 'A course bought within a year', {
    has: 'purchase',
    where: { all: [cond('product_name', 'contains', 'course'), cond('ordered_at', 'within_last_days', 365)] },
  }),
  seg('active-subscriber', 'An active subscription', { has: 'subscription', where: cond('status', 'equals', 'active') }),
  seg('tagged', 'Any CRM tag', { has: 'tag' }),
  seg('purchase-tag-or-paying', 'A purchase tag, or a paying customer', {
    any: [{ has: 'tag', where: cond('tag', 'contains', 'purchase') }, cond('is_paying_customer', 'is_true')],
  }),
];

/** How many of the generated customers `cus_<i>`, i < n, have i % modulus = remainder. */
const residues = (n: number, modulus: number, remainder: number) => (n > remainder ? Math.floor((n - 1 - remainder) / modulus) + 1 : 0);

/**
 * Checks of the member counts (by segment name; `customers` is the generated customer definition)
 * against what the synthetic data fixes: the customer count, the 1 in 50 without an email, the
 * 1 in 500 per city, no purchases, subscriptions or tags, and complementary segments that add up.
 */
export function knownCountChecks(members: (segment: string) => number, customers: number): { check: string; actual: number; expected: number }[] {
  const withoutEmail = residues(customers, 50, 0);
  const pair = (a: string, b: string) => ({ check: `${a} + ${b} = customers`, actual: members(a) + members(b), expected: customers });
  const same = (a: string, b: string) => ({ check: `${a} = ${b}`, actual: members(a), expected: members(b) });
  const is = (segment: string, expected: number) => ({ check: `${segment} = ${expected}`, actual: members(segment), expected });
  return [
    is('all-customers', customers),
    is('country-us', customers),
    is('name-person-prefix', customers),
    is('no-email', withoutEmail),
    is('with-email', customers - withoutEmail),
    is('email-at-example', customers - withoutEmail),
    is('city-7', residues(customers, 500, 7)),
    is('phone-empty', 0),
    is('has-purchase', 0),
    is('purchased-course', 0),
    is('active-subscriber', 0),
    is('tagged', 0),
    pair('no-orders', 'has-orders'),
    pair('spent-over-100', 'spent-100-or-less'),
    pair('has-failed-order', 'no-failed-orders'),
    same('never-ordered', 'no-orders'),
    same('customers', 'has-orders'),
    same('purchase-tag-or-paying', 'has-orders'),
  ];
}
