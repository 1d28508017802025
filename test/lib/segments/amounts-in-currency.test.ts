import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileSegment } from '../../../lib/segments/compile';
import { DefinitionError, validateDefinition } from '../../../lib/segments/definition';
import { PROJECT_ROOT } from '../../../lib/paths';
import { memoryDuckDb } from '../../support/memory-duckdb';

// Amounts in one currency: `{field: amount_spent_in, currency: USD, op, value}` reads the customer's
// sums in that currency's orders alone. The sums come from the real model over a handful of
// orders; who matches each rule was worked out by hand from those orders.

const MODEL = fs.readFileSync(path.join(PROJECT_ROOT, 'models', 'marts', 'customer_revenue_by_currency.sql'), 'utf8');

const SCHEMA = `
  CREATE SCHEMA core; CREATE SCHEMA marts;
  CREATE TABLE core.customers (customer_id VARCHAR, environment VARCHAR);
  CREATE TABLE marts.customer_metrics (customer_id VARCHAR, environment VARCHAR);
  CREATE TABLE core.orders (order_id VARCHAR, customer_id VARCHAR, status VARCHAR, counts_as_revenue BOOLEAN, currency VARCHAR,
    total_minor BIGINT, net_minor BIGINT, refunded_minor BIGINT, discount_minor BIGINT, is_discounted BOOLEAN, ordered_at TIMESTAMPTZ);`;

// ann: 150.00 USD in two orders and 2,000.00 EUR; bob: 500.00 EUR only; cara: 1,000.00 USD; dan: 501 JPY;
// eve: nothing; fay: 99.99 USD, 20.00 of it refunded, after a 5.00 discount; gus: a pending 500.00 USD
// order (no money taken); hal: 1.234 KWD; sam: 500.00 USD in the sandbox.
const DATA = `
  INSERT INTO core.customers VALUES ('ann', 'live'), ('bob', 'live'), ('cara', 'live'), ('dan', 'live'), ('eve', 'live'),
    ('fay', 'live'), ('gus', 'live'), ('hal', 'live'), ('sam', 'sandbox');
  INSERT INTO marts.customer_metrics SELECT * FROM core.customers;
  INSERT INTO core.orders VALUES
    ('o1', 'ann', 'paid', true, 'USD', 10000, 10000, 0, NULL, false, '2024-01-01'),
    ('o2', 'ann', 'paid', true, 'USD', 5000, 5000, 0, NULL, false, '2024-02-01'),
    ('o3', 'ann', 'paid', true, 'EUR', 200000, 200000, 0, NULL, false, '2024-03-01'),
    ('o4', 'bob', 'paid', true, 'EUR', 50000, 50000, 0, NULL, false, '2024-01-01'),
    ('o5', 'cara', 'paid', true, 'USD', 100000, 100000, 0, NULL, false, '2024-01-01'),
    ('o6', 'dan', 'paid', true, 'JPY', 501, 501, 0, NULL, false, '2024-01-01'),
    ('o7', 'fay', 'partially_refunded', true, 'USD', 9999, 7999, 2000, 500, true, '2024-01-01'),
    ('o8', 'gus', 'pending', true, 'USD', 50000, 50000, 0, NULL, false, '2024-01-01'),
    ('o9', 'hal', 'paid', true, 'KWD', 1234, 1234, 0, NULL, false, '2024-01-01'),
    ('o10', 'sam', 'paid', true, 'USD', 50000, 50000, 0, NULL, false, '2024-01-01');
  CREATE TABLE marts.customer_revenue_by_currency AS ${MODEL};`;

const db = memoryDuckDb(SCHEMA, DATA);

const definition = (rules: unknown, environment = 'live') => validateDefinition({ name: 'probe', environment, rules }, 'probe.yaml');

async function members(rules: unknown, environment = 'live'): Promise<string[]> {
  const { sql, params } = compileSegment(definition(rules, environment), { now: new Date('2024-06-30T00:00:00Z'), timezone: 'UTC' });
  return (await db().runAndReadAll(sql, params)).getRowObjectsJS().map((r) => String(r.customer_id)).sort();
}

/** The problems of rules that must be refused, each as `path: message`. */
function problems(rules: unknown): string[] {
  try {
    definition(rules);
  } catch (err) {
    expect(err).toBeInstanceOf(DefinitionError);
    return (err as DefinitionError).problems.map((p) => `${p.path}: ${p.message}`);
  }
  throw new Error('the rules were accepted');
}

const spentIn = (currency: unknown, op: string, value?: unknown) => ({ field: 'amount_spent_in', currency, op, ...(value === undefined ? {} : { value }) });

describe('amounts in one currency select', () => {
  it.each([
    { says: 'spent between 100 and 1,000 in USD orders, both ends included; EUR and pending orders do not count', rules: spentIn('USD', 'between', [100, 1000]), expected: ['ann', 'cara'] },
    { says: 'spent less than 100 in USD: people without USD orders too, as they spent 0 in it', rules: spentIn('USD', 'less_than', 100), expected: ['bob', 'dan', 'eve', 'fay', 'gus', 'hal'] },
    { says: 'NOT spent less than 100 in USD is everyone else', rules: { not: spentIn('USD', 'less_than', 100) }, expected: ['ann', 'cara'] },
    { says: 'a code in lower case is the same currency', rules: spentIn('usd', 'equals', 99.99), expected: ['fay'] },
    { says: 'not equal to 150 in USD holds for those with no USD orders', rules: spentIn('USD', 'not_equals', 150), expected: ['bob', 'cara', 'dan', 'eve', 'fay', 'gus', 'hal'] },
    { says: 'anything spent in EUR', rules: spentIn('EUR', 'greater_than', 0), expected: ['ann', 'bob'] },
    { says: 'JPY has no minor unit: 501 yen are 501', rules: spentIn('JPY', 'greater_or_equal', 501), expected: ['dan'] },
    { says: 'KWD has three decimals', rules: spentIn('KWD', 'equals', 1.234), expected: ['hal'] },
    { says: 'net revenue in USD is after refunds', rules: { field: 'net_revenue_in', currency: 'USD', op: 'between', value: [79.99, 79.99] }, expected: ['fay'] },
    { says: 'refunds and discounts in USD', rules: [{ field: 'refunded_amount_in', currency: 'USD', op: 'equals', value: 20 }, { field: 'discount_received_in', currency: 'USD', op: 'equals', value: 5 }], expected: ['fay'] },
    { says: 'in USD and in EUR at once', rules: [spentIn('USD', 'greater_than', 0), spentIn('EUR', 'greater_than', 0)], expected: ['ann'] },
  ])('$says', async ({ rules, expected }) => {
    expect(await members(rules)).toEqual(expected);
  });

  it('only people of the segment environment', async () => {
    expect(await members(spentIn('USD', 'equals', 500), 'sandbox')).toEqual(['sam']);
    expect(await members(spentIn('USD', 'equals', 500))).toEqual([]);
  });

  it('binds the currency and the amounts, in minor units, as parameters', () => {
    const { sql, params } = compileSegment(definition(spentIn('usd', 'between', [0.29, 1000])), { now: new Date(), timezone: 'UTC' });
    expect(params).toEqual(['live', 'USD', 29, 100_000]);
    expect(sql).not.toContain('USD');
    expect(sql.split('?').length - 1).toBe(params.length);
  });
});

describe('amounts in one currency refuse', () => {
  it('a missing, empty or non-text currency, at the rule path', () => {
    expect(problems({ all: [{ field: 'amount_spent_in', op: 'greater_than', value: 1 }, spentIn('', 'greater_than', 1), spentIn(840, 'greater_than', 1)] })).toEqual([
      'rules.all[0].currency: amount_spent_in needs a currency, e.g. currency: USD (amount_spent is the total in the reporting currency)',
      'rules.all[1].currency: amount_spent_in needs a currency, e.g. currency: USD (amount_spent is the total in the reporting currency)',
      'rules.all[2].currency: expected a currency code such as USD or EUR, got 840',
    ]);
  });

  it('an unknown or withdrawn currency code', () => {
    expect(problems({ any: [spentIn('USX', 'greater_than', 1), spentIn('DEM', 'greater_than', 1), spentIn('US Dollar', 'greater_than', 1)] })).toEqual([
      'rules.any[0].currency: unknown currency "USX"; use a three-letter ISO 4217 code such as USD, EUR or JPY',
      'rules.any[1].currency: unknown currency "DEM"; use a three-letter ISO 4217 code such as USD, EUR or JPY',
      'rules.any[2].currency: unknown currency "US Dollar"; use a three-letter ISO 4217 code such as USD, EUR or JPY',
    ]);
  });

  it('a value of the wrong type, and amounts finer than the currency minor unit', () => {
    expect(problems([spentIn('USD', 'greater_than', '100'), spentIn('JPY', 'greater_than', 100.5), spentIn('USD', 'between', [10.005, 20]), spentIn('KWD', 'less_than', 1.2345)])).toEqual([
      'rules.all[0].value: expected a number (an amount in major units, e.g. 500 or 49.99), got "100"',
      'rules.all[1].value: JPY has no minor unit: 100.5 is not an amount in JPY; use whole units',
      'rules.all[2].value[0]: an amount in USD has at most 2 decimals, got 10.005',
      'rules.all[3].value: an amount in KWD has at most 3 decimals, got 1.2345',
    ]);
  });

  it('emptiness tests, as an amount in a currency is never empty', () => {
    expect(problems(spentIn('USD', 'is_empty'))).toEqual([
      'rules.op: unknown operator "is_empty" for amount_spent_in (money); choose one of: equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal, between',
    ]);
  });

  it('a currency on a field that has none, in a customer rule and in an order rule', () => {
    expect(problems([{ field: 'amount_spent', currency: 'USD', op: 'greater_than', value: 1 }, { has: 'order', where: { field: 'total', currency: 'USD', op: 'greater_than', value: 1 } }])).toEqual([
      'rules.all[0].currency: amount_spent takes no currency; the amounts in one currency are amount_spent_in, net_revenue_in, discount_received_in, refunded_amount_in',
      'rules.all[1].where.currency: total takes no currency',
    ]);
  });
});
