import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ConfigError } from '../../lib/errors';
import { validateDefinition } from '../../lib/segments/definition';
import { readSegmentFile } from '../../lib/segments/files';
import { PROJECT_ROOT } from '../../lib/paths';

const FILE = 'segments/big-spenders.yaml';

// Written out by hand rather than read from the catalog, so a field that disappears fails here.
const CUSTOMER_FIELDS =
  'name, first_name, last_name, email, phone, zip, city, country, first_seen_at, source_count, in_crm, orders_count, discounted_orders, ' +
  'undiscounted_orders, amount_spent, net_revenue, discount_received, refunded_amount, amount_spent_in, net_revenue_in, discount_received_in, refunded_amount_in, promo_codes_used, returned_items, negative_feedbacks, first_order_at, ' +
  'last_order_at, active_subscriptions, cancelled_subscriptions, incomplete_subscriptions, abandoned_checkouts, promotion_orders, promotion_discounted_orders, ' +
  'promotion_undiscounted_orders, promotion_gross_revenue, promotion_accrued_discounts, promotion_net_revenue, loyalty_points_active, ' +
  'loyalty_points_pending, loyalty_points_expiring_30d, is_customer, is_paying_customer, is_tagged_customer, has_payment_source';
const ORDER_FIELDS =
  'status, source_status, source, connection, currency, total, discount, coupon_code, is_discounted, counts_as_revenue, utm_source, utm_medium, utm_campaign, ordered_at';
const MONEY_OPS = 'equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal, between, is_empty, is_not_empty';
const DATE_OPS = 'before, after, between, within_last_days, more_than_days_ago, is_empty, is_not_empty';
const ORDER_STATUSES = 'paid, pending, failed, refunded, partially_refunded, cancelled, abandoned';
const COUNT_OPS = 'count takes equals, not_equals, greater_than, greater_or_equal, less_than, less_or_equal or between, with a value';

/** The problem lines of a definition that must be rejected, after checking the error names the file. */
function problemsOf(raw: unknown, where = FILE): string[] {
  let error: unknown;
  try {
    validateDefinition(raw, where);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(ConfigError);
  expect((error as ConfigError).file).toBe(where);
  const [head, ...lines] = (error as Error).message.split('\n');
  expect(head).toBe('invalid segment definition');
  return lines;
}

/** The problems of a definition whose header is fine and whose rules are `rules`. */
const ruleProblems = (rules: unknown) => problemsOf({ name: 'big-spenders', rules });
const line = (pathAndMessage: string) => `${FILE}: ${pathAndMessage}`;

describe('valid segment definitions', () => {
  it('come back with the default environment and a tree nested four groups deep unchanged', () => {
    const rules = {
      all: [
        {
          any: [
            {
              not: {
                all: [
                  { field: 'email', op: 'ends_with', value: '@example.com' },
                  {
                    has: 'order',
                    where: { any: [{ field: 'status', op: 'in', value: ['paid', 'refunded'] }, { not: { field: 'total', op: 'greater_than', value: 99.5 } }] },
                    count: { op: 'greater_or_equal', value: 2 },
                  },
                ],
              },
            },
            { field: 'in_crm', op: 'is_true' },
          ],
        },
        { field: 'first_seen_at', op: 'between', value: ['2024-01-01', '2024-03-31T23:59:59+01:00'] },
      ],
    };
    expect(validateDefinition({ name: 'deep_1', description: 'four levels', rules }, FILE)).toEqual({
      name: 'deep_1',
      environment: 'live',
      description: 'four levels',
      rules,
    });
  });

  it('reads a list of rules as an all group, at the top and inside a group', () => {
    const a = { field: 'city', op: 'equals', value: 'Berlin' };
    const b = { field: 'orders_count', op: 'greater_than', value: 1 };
    const c = { field: 'country', op: 'is_empty' };
    expect(validateDefinition({ name: 'listy', environment: 'sandbox', rules: [a, { any: [[b, c], a] }] }, FILE)).toEqual({
      name: 'listy',
      environment: 'sandbox',
      rules: { all: [a, { any: [{ all: [b, c] }, a] }] },
    });
  });

  it('normalizes a number given for a text field to text and a Date to an ISO time', () => {
    const def = validateDefinition(
      {
        name: 'zips',
        rules: [
          { field: 'zip', op: 'in', value: [10001, '10002'] },
          { field: 'last_order_at', op: 'after', value: new Date('2024-05-06T07:08:09Z') },
        ],
      },
      FILE,
    );
    expect(def.rules).toEqual({
      all: [
        { field: 'zip', op: 'in', value: ['10001', '10002'] },
        { field: 'last_order_at', op: 'after', value: '2024-05-06T07:08:09.000Z' },
      ],
    });
  });

  it('accepts a has rule alone, with where, with count, and a choice in any case', () => {
    const rules = {
      any: [
        { has: 'tag' },
        { has: 'subscription', where: { field: 'status', op: 'equals', value: 'Active' } },
        { has: 'purchase', count: { op: 'between', value: [2, 5] } },
        { has: 'order', where: { field: 'status', op: 'not_in', value: [' PAID', 'abandoned'] }, count: { op: 'less_than', value: 1 } },
      ],
    };
    expect(validateDefinition({ name: 'has-kinds', rules }, FILE).rules).toEqual(rules);
  });
});

describe('segment files', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-segment-definition-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('take their name from the file name when they leave it out', () => {
    const file = path.join(dir, 'lapsed-buyers.yaml');
    fs.writeFileSync(file, 'rules:\n  - { field: last_order_at, op: more_than_days_ago, value: 90 }\n');
    expect(readSegmentFile(file)).toEqual({
      file,
      definition: { name: 'lapsed-buyers', environment: 'live', rules: { all: [{ field: 'last_order_at', op: 'more_than_days_ago', value: 90 }] } },
    });
  });

  it('must be named after their file', () => {
    const file = path.join(dir, 'a.yaml');
    fs.writeFileSync(file, 'name: b\nrules: { field: in_crm, op: is_true }\n');
    expect(() => readSegmentFile(file)).toThrow(`${file}: name: "b" must be the file's name, "a"`);
  });

  it('name the file in every problem', () => {
    const file = path.join(dir, 'broken.yaml');
    fs.writeFileSync(file, 'environment: staging\nrules:\n  all:\n    - { field: emial, op: equals, value: a@b.c }\n');
    expect(() => readSegmentFile(file)).toThrow(
      `invalid segment definition\n${file}: environment: Invalid option: expected one of "live"|"sandbox"\n` +
        `${file}: rules.all[0].field: unknown field "emial" of a customer; choose one of: ${CUSTOMER_FIELDS}`,
    );
  });

  it('report YAML that does not parse and a file that is not there', () => {
    const file = path.join(dir, 'bad-yaml.yaml');
    fs.writeFileSync(file, 'rules: [\n');
    expect(() => readSegmentFile(file)).toThrow(`${file}: not valid YAML: `);
    expect(() => readSegmentFile(path.join(dir, 'missing.yaml'))).toThrow(`segment file ${path.join(dir, 'missing.yaml')} not found`);
  });

  it('every segment shipped in segments/ is valid and named after its file', () => {
    const shipped = path.join(PROJECT_ROOT, 'segments');
    const files = fs.readdirSync(shipped).filter((f) => f.endsWith('.yaml'));
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const f of files) expect(readSegmentFile(path.join(shipped, f)).definition.name).toBe(f.replace(/\.yaml$/, ''));
  });
});

describe('invalid segment definitions', () => {
  it('an unknown field lists every customer field', () => {
    expect(ruleProblems({ any: [{ field: 'city', op: 'is_empty' }, { field: 'total_spent', op: 'greater_than', value: 5 }] })).toEqual([
      line(`rules.any[1].field: unknown field "total_spent" of a customer; choose one of: ${CUSTOMER_FIELDS}`),
    ]);
  });

  it('an unknown field in a has rule lists the fields of that record kind', () => {
    const [problem, ...rest] = ruleProblems({ has: 'order', where: { all: [{ field: 'colour', op: 'equals', value: 'red' }] } });
    expect(rest).toEqual([]);
    expect(problem).toMatch(/^segments\/big-spenders\.yaml: rules\.where\.all\[0\]\.field: unknown field "colour" of an? order; choose one of: /);
    expect(problem!.split('choose one of: ')[1]).toBe(ORDER_FIELDS);
  });

  it('an unknown or missing operator lists the operators of the field type', () => {
    expect(
      ruleProblems([
        { field: 'amount_spent', op: 'greater', value: 500 },
        { field: 'last_order_at', op: 'equals', value: '2024-01-01' },
        { field: 'in_crm' },
        { has: 'order', where: { field: 'status', op: 'greater_than', value: 'paid' } },
      ]),
    ).toEqual([
      line(`rules.all[0].op: unknown operator "greater" for amount_spent (money); choose one of: ${MONEY_OPS}`),
      line(`rules.all[1].op: unknown operator "equals" for last_order_at (date); choose one of: ${DATE_OPS}`),
      line('rules.all[2].op: missing operator for in_crm (boolean); choose one of: is_true, is_false'),
      line(
        `rules.all[3].where.op: unknown operator "greater_than" for status (text: ${ORDER_STATUSES}); ` +
          'choose one of: equals, not_equals, contains, not_contains, starts_with, ends_with, in, not_in, is_empty, is_not_empty',
      ),
    ]);
  });

  it('a value of the wrong type, a missing value and a value where none belongs are each named', () => {
    expect(
      ruleProblems([
        { field: 'orders_count', op: 'equals', value: 'three' },
        { field: 'amount_spent', op: 'less_than', value: '500' },
        { field: 'first_seen_at', op: 'before', value: 20240101 },
        { field: 'first_seen_at', op: 'after', value: '2024-01-01T10:00:00' },
        { field: 'email', op: 'equals' },
        { field: 'phone', op: 'is_empty', value: '' },
        { field: 'in_crm', op: 'is_true', value: true },
        { field: 'last_order_at', op: 'within_last_days', value: 1.5 },
        { field: 'city', op: 'equals', value: ['Paris', 'Rome'] },
        { field: 'email', op: 'contains', value: { at: 'x' } },
      ]),
    ).toEqual([
      line('rules.all[0].value: expected a number, got "three"'),
      line('rules.all[1].value: expected a number (an amount in major units, e.g. 500 or 49.99), got "500"'),
      line('rules.all[2].value: expected a date (YYYY-MM-DD) or an ISO time with offset, got 20240101'),
      line('rules.all[3].value: expected a date (YYYY-MM-DD) or an ISO time with offset, got "2024-01-01T10:00:00"'),
      line('rules.all[4].value: equals needs a value'),
      line('rules.all[5].value: is_empty takes no value'),
      line('rules.all[6].value: is_true takes no value'),
      line('rules.all[7].value: within_last_days needs a whole number of days, got 1.5'),
      line('rules.all[8].value: equals takes one value, not a list (use in for several)'),
      line('rules.all[9].value: expected text, got {"at":"x"}'),
    ]);
  });

  it('in needs a non-empty list and between needs low <= high', () => {
    expect(
      ruleProblems([
        { field: 'city', op: 'in', value: [] },
        { field: 'country', op: 'not_in', value: 'US' },
        { field: 'source_count', op: 'between', value: [10, 5] },
        { field: 'first_order_at', op: 'between', value: ['2024-02-01', '2024-01-31'] },
        { field: 'net_revenue', op: 'between', value: [1] },
        { field: 'source_count', op: 'between', value: [3, 3] },
      ]),
    ).toEqual([
      line('rules.all[0].value: in needs a non-empty list, e.g. [a, b]'),
      line('rules.all[1].value: not_in needs a non-empty list, e.g. [a, b]'),
      line('rules.all[2].value: between needs low <= high, got [10, 5]'),
      line('rules.all[3].value: between needs low <= high, got [2024-02-01, 2024-01-31]'),
      line('rules.all[4].value: between needs [low, high]'),
    ]);
  });

  it('a field with fixed choices rejects other values, one list item at a time', () => {
    expect(
      ruleProblems({
        has: 'order',
        where: { any: [{ field: 'status', op: 'equals', value: 'shipped' }, { field: 'source', op: 'in', value: ['stripe', 'paypal'] }] },
      }),
    ).toEqual([
      line(`rules.where.any[0].value: "shipped" is not one of: ${ORDER_STATUSES}`),
      line('rules.where.any[1].value[1]: "paypal" is not one of: activecampaign, stripe, thrivecart, bigcommerce, talonone, amazon_seller'),
    ]);
  });

  it('has names the record kinds it knows, cannot nest, and takes a count of {op, value}', () => {
    expect(
      ruleProblems([
        { has: 'invoice' },
        { has: 'order', where: { has: 'tag' } },
        { has: 'order', where: { all: [{ field: 'currency', op: 'equals', value: 'EUR' }, { has: 'purchase' }] } },
        { has: 'tag', count: 3 },
        { has: 'tag', count: { op: 'in', value: [1, 2] } },
        { has: 'tag', because: 'x' },
      ]),
    ).toEqual([
      line('rules.all[0].has: unknown record kind "invoice"; choose one of: tag, order, purchase, subscription, discount'),
      line('rules.all[1].where: has cannot be nested inside another has; put it beside it in an all or any group'),
      line('rules.all[2].where.all[1]: has cannot be nested inside another has; put it beside it in an all or any group'),
      line('rules.all[3].count: count needs {op, value}, e.g. {op: greater_or_equal, value: 2}'),
      line(`rules.all[4].count.op: ${COUNT_OPS}`),
      line('rules.all[5]: unknown key(s) because in a has rule; it has has, where and count'),
    ]);
  });

  it('a rule must be exactly one kind, and groups must not be empty', () => {
    expect(
      ruleProblems({
        any: [
          { all: [{ field: 'city', op: 'is_empty' }], field: 'zip', op: 'is_empty' },
          { has: 'tag', not: { field: 'city', op: 'is_empty' } },
          { op: 'equals', value: 1 },
          { all: [] },
          'city is empty',
          { field: 'city', op: 'is_empty', values: 1 },
        ],
      }),
    ).toEqual([
      line('rules.any[0]: a rule has exactly one of all, field'),
      line('rules.any[1]: a rule has exactly one of not, has'),
      line('rules.any[2]: a rule needs one of: all, any, not, field, has (got op, value)'),
      line('rules.any[3].all: all needs a non-empty list of rules'),
      line('rules.any[4]: expected a rule (an object with one of all, any, not, field, has), got "city is empty"'),
      line('rules.any[5]: unknown key(s) values in a condition; a condition has field, op and value'),
    ]);
  });

  it('a bad name, a bad environment and missing rules are header problems', () => {
    const nameRule = 'lower-case letters, digits, - and _ (at most 64)';
    expect(problemsOf({ name: 'Big Spenders', environment: 'production' })).toEqual([
      line(`name: ${nameRule}`),
      line('environment: Invalid option: expected one of "live"|"sandbox"'),
      line('rules: rules are required: an `all` or `any` group, or a condition'),
    ]);
    expect(problemsOf({ name: `a${'b'.repeat(64)}`, rules: { field: 'city', op: 'is_empty' } })).toEqual([line(`name: ${nameRule}`)]);
    expect(problemsOf({ name: '-leading-dash', rules: { field: 'city', op: 'is_empty' } })).toEqual([line(`name: ${nameRule}`)]);
  });

  it('a day that does not exist is refused, not rolled over into the next month', () => {
    expect(problemsOf({ name: 'x', rules: { field: 'first_seen_at', op: 'before', value: '2024-02-30' } }, 'x.yaml')).toEqual([
      'x.yaml: rules.value: expected a date (YYYY-MM-DD) or an ISO time with offset, got "2024-02-30"',
    ]);
    expect(validateDefinition({ name: 'x', rules: { field: 'first_seen_at', op: 'before', value: '2024-02-29' } }, 'x.yaml').rules).toEqual({ field: 'first_seen_at', op: 'before', value: '2024-02-29' });
  });

  it('problems of the whole file say so', () => {
    expect(problemsOf({ name: 'x', rule: 1, rules: { field: 'in_crm', op: 'is_true' } }, 'x.yaml')).toEqual(['x.yaml: (top level): Unrecognized key: "rule"']);
  });

  it('reports every problem of a definition at once, in tree order', () => {
    expect(
      problemsOf(
        {
          name: 'VIP',
          environment: 'prod',
          rules: {
            all: [
              { field: 'emails', op: 'equals', value: 'a@b.c' },
              { any: [{ not: { field: 'orders_count', op: 'between', value: [3, 1] } }, { has: 'order', where: { field: 'status', op: 'equals', value: 'done' } }] },
              { has: 'tags' },
            ],
          },
        },
        'segments/vip.yaml',
      ),
    ).toEqual([
      'segments/vip.yaml: name: lower-case letters, digits, - and _ (at most 64)',
      'segments/vip.yaml: environment: Invalid option: expected one of "live"|"sandbox"',
      `segments/vip.yaml: rules.all[0].field: unknown field "emails" of a customer; choose one of: ${CUSTOMER_FIELDS}`,
      'segments/vip.yaml: rules.all[1].any[0].not.value: between needs low <= high, got [3, 1]',
      `segments/vip.yaml: rules.all[1].any[1].where.value: "done" is not one of: ${ORDER_STATUSES}`,
      'segments/vip.yaml: rules.all[2].has: unknown record kind "tags"; choose one of: tag, order, purchase, subscription, discount',
    ]);
  });
});
