// The fields and operators segment rules may use: one catalog that validates definitions, compiles
// them to SQL, and describes them to people (`cdp segment fields`, the web builder).

import { ORDER_SOURCES } from '../sources';
import { AMOUNTS_IN_CURRENCY } from './amounts-in-currency';
import { currencyFactorSql } from './currencies';

export { currencyFactorSql };

export type ValueType = 'text' | 'number' | 'money' | 'date' | 'boolean';

export interface FieldSpec {
  type: ValueType;
  /** SQL over the entity's alias; never holds user input. */
  sql: string;
  description: string;
  /** The only values a text field can take, when the model fixes them. */
  choices?: readonly string[];
  /** An amount in the currency the rule names (`currency: USD`), not in the reporting currency. */
  currency?: boolean;
  /** The operators it takes, when not every operator of its type. */
  operators?: readonly string[];
}

export const OPERATORS: Record<ValueType, readonly string[]> = {
  text: ['equals', 'not_equals', 'contains', 'not_contains', 'starts_with', 'ends_with', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  number: ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between', 'in', 'not_in', 'is_empty', 'is_not_empty'],
  money: ['equals', 'not_equals', 'greater_than', 'greater_or_equal', 'less_than', 'less_or_equal', 'between', 'is_empty', 'is_not_empty'],
  date: ['before', 'after', 'between', 'within_last_days', 'more_than_days_ago', 'is_empty', 'is_not_empty'],
  boolean: ['is_true', 'is_false'],
};

export const OPERATOR_HELP: Record<string, string> = {
  equals: 'is exactly the value (text: ignoring case and surrounding spaces)',
  not_equals: 'is anything but the value, empty included',
  contains: 'contains the text, ignoring case',
  not_contains: 'does not contain the text (empty counts as not containing)',
  starts_with: 'starts with the text, ignoring case',
  ends_with: 'ends with the text, ignoring case',
  in: 'is one of a list of values',
  not_in: 'is none of a list of values, empty included',
  is_empty: 'has no value; blank text counts as empty',
  is_not_empty: 'has a value that is not blank',
  greater_than: '>',
  greater_or_equal: '>=',
  less_than: '<',
  less_or_equal: '<=',
  between: 'between two values, both included: [low, high]',
  before: 'before a date (a day starts at midnight in the account time zone) or an ISO time',
  after: 'on or after the day after a date, or after an ISO time',
  within_last_days: 'within the last N days (N x 24 hours before now)',
  more_than_days_ago: 'more than N days before now',
  is_true: 'is true',
  is_false: 'is false (or unknown)',
};

/** Operators that take no value. */
export const NO_VALUE = new Set(['is_empty', 'is_not_empty', 'is_true', 'is_false']);

const ORDER_STATUSES = ['paid', 'pending', 'failed', 'refunded', 'partially_refunded', 'cancelled', 'abandoned'] as const;

/** Money columns hold minor units; rules speak in major units of the amount's currency. */
const major = (column: string, currency: string) => `(${column} / ${currencyFactorSql(currency)})`;

/** What a customer rule can test directly: `core.customers` (alias c) and `marts.customer_metrics` (alias m). */
export const CUSTOMER_FIELDS: Record<string, FieldSpec> = {
  name: { type: 'text', sql: "trim(concat_ws(' ', c.first_name, c.last_name))", description: 'first and last name' },
  first_name: { type: 'text', sql: 'c.first_name', description: 'first name' },
  last_name: { type: 'text', sql: 'c.last_name', description: 'last name' },
  email: { type: 'text', sql: 'c.email', description: 'email (normalized: trimmed, lower-case)' },
  phone: { type: 'text', sql: 'c.phone', description: 'phone' },
  zip: { type: 'text', sql: 'c.zip', description: 'postal code' },
  city: { type: 'text', sql: 'c.city', description: 'city' },
  country: { type: 'text', sql: 'c.country', description: 'country code' },
  first_seen_at: { type: 'date', sql: 'c.first_seen_at', description: 'when any source first knew the person' },
  source_count: { type: 'number', sql: 'c.source_count', description: 'how many sources the person was matched from' },
  in_crm: { type: 'boolean', sql: 'c.in_crm', description: 'the person is a CRM contact' },
  orders_count: { type: 'number', sql: 'm.orders_count', description: 'orders that took money' },
  discounted_orders: { type: 'number', sql: 'm.discounted_orders', description: 'orders with a discount or coupon' },
  undiscounted_orders: { type: 'number', sql: 'm.undiscounted_orders', description: 'orders without a discount or coupon' },
  amount_spent: { type: 'money', sql: major('m.amount_spent_minor', 'm.currency'), description: 'lifetime value, in the reporting currency' },
  net_revenue: { type: 'money', sql: major('m.net_revenue_minor', 'm.currency'), description: 'lifetime value less refunds, in the reporting currency' },
  discount_received: { type: 'money', sql: major('m.discount_received_minor', 'm.currency'), description: 'discounts received, in the reporting currency' },
  refunded_amount: { type: 'money', sql: major('m.refunded_amount_minor', 'm.currency'), description: 'refunded, in the reporting currency' },
  ...AMOUNTS_IN_CURRENCY,
  promo_codes_used: { type: 'number', sql: 'm.promo_codes_used', description: 'distinct coupon codes used' },
  returned_items: { type: 'number', sql: 'm.returned_items', description: 'units returned (store refunds, Talon.One returned cart items, Amazon returns)' },
  negative_feedbacks: { type: 'number', sql: 'm.negative_feedbacks', description: 'marketplace feedback at or below config `feedback.negative_max_rating` stars (3)' },
  first_order_at: { type: 'date', sql: 'm.first_order_at', description: 'first order that took money' },
  last_order_at: { type: 'date', sql: 'm.last_order_at', description: 'last order that took money' },
  active_subscriptions: { type: 'number', sql: 'm.active_subscriptions', description: 'subscriptions still active (paused, trialing, past due and unpaid ones too)' },
  cancelled_subscriptions: { type: 'number', sql: 'm.cancelled_subscriptions', description: 'subscriptions cancelled or ended (Stripe `incomplete_expired` too)' },
  incomplete_subscriptions: { type: 'number', sql: 'm.incomplete_subscriptions', description: 'Stripe subscriptions waiting for their first payment (`incomplete`): neither active nor cancelled' },
  abandoned_checkouts: { type: 'number', sql: 'm.abandoned_checkouts', description: 'checkouts abandoned' },
  promotion_orders: { type: 'number', sql: 'm.promotion_orders', description: 'Talon.One closed sessions (closed or partly returned; not cancelled)' },
  promotion_discounted_orders: { type: 'number', sql: 'm.promotion_discounted_orders', description: 'Talon.One closed sessions that gave a discount' },
  promotion_undiscounted_orders: { type: 'number', sql: 'm.promotion_undiscounted_orders', description: 'Talon.One closed sessions without a discount' },
  promotion_gross_revenue: {
    type: 'money',
    sql: major('m.promotion_gross_revenue_minor', 'm.currency'),
    description: 'Talon.One total sales: closed sessions before discounts, returned items left out, in the reporting currency',
  },
  promotion_accrued_discounts: { type: 'money', sql: major('m.promotion_accrued_discounts_minor', 'm.currency'), description: 'discounts Talon.One gave on closed sessions, in the reporting currency' },
  promotion_net_revenue: { type: 'money', sql: major('m.promotion_net_revenue_minor', 'm.currency'), description: 'Talon.One gross revenue less accrued discounts, in the reporting currency' },
  loyalty_points_active: { type: 'number', sql: 'm.loyalty_points_active', description: 'loyalty points the person can spend now, every program and ledger' },
  loyalty_points_pending: { type: 'number', sql: 'm.loyalty_points_pending', description: 'loyalty points earned but not active yet' },
  loyalty_points_expiring_30d: { type: 'number', sql: 'm.loyalty_points_expiring_30d', description: 'active loyalty points that expire within 30 days of the build' },
  is_customer: { type: 'boolean', sql: 'm.is_customer', description: "a customer by the account's definition (config `customers`)" },
  is_paying_customer: { type: 'boolean', sql: 'm.is_paying_customer', description: 'has an order that took money' },
  is_tagged_customer: { type: 'boolean', sql: 'm.is_tagged_customer', description: 'has a customer tag (config `customers.tags_*`)' },
  has_payment_source: {
    type: 'boolean',
    sql: 'c.environment in (select environment from config.connections where is_payment_source)',
    description: "the person's environment has a payment or store connection",
  },
};

export interface EntitySpec {
  description: string;
  /** A relation with a customer_id column, aliased `e` by the compiler. */
  from: string;
  /** What `count` counts: the relation's rows unless one record spans several rows. */
  countSql?: string;
  /** A costlier relation to read instead when a rule uses one of these fields. */
  widerFrom?: { fields: readonly string[]; from: string };
  fields: Record<string, FieldSpec>;
}

/** What a `has` rule can look for among a person's records. */
export const ENTITIES: Record<string, EntitySpec> = {
  tag: {
    description: 'a CRM tag on the person (core.contact_tags)',
    from: 'core.contact_tags',
    fields: {
      tag: { type: 'text', sql: 'e.tag', description: "the tag's name" },
      applied_at: { type: 'date', sql: 'e.applied_at', description: 'when it was applied' },
      connection: { type: 'text', sql: 'e.connection', description: 'the CRM connection' },
    },
  },
  order: {
    description: 'an order of the person in any source, every status (core.orders); one per coupon when it has several',
    from: 'core.orders',
    // Only a rule on coupon codes needs one row per code.
    widerFrom: {
      fields: ['coupon_code'],
      from: `(select o.*, nullif(trim(u.code), '') as coupon from core.orders as o, unnest(coalesce(string_split(o.coupon_code, ','), [null::varchar])) as u(code))`,
    },
    // An order with two coupons is two rows here, and still one order.
    countSql: 'count(distinct e.order_id)',
    fields: {
      status: { type: 'text', sql: 'e.status', description: 'normalized status', choices: ORDER_STATUSES },
      source_status: { type: 'text', sql: 'e.source_status', description: "the source's own status" },
      source: { type: 'text', sql: 'e.source', description: 'the source', choices: ORDER_SOURCES },
      connection: { type: 'text', sql: 'e.connection', description: 'the connection id' },
      currency: { type: 'text', sql: 'e.currency', description: 'ISO currency code' },
      total: { type: 'money', sql: major('e.total_minor', 'e.currency'), description: "the order total, in the order's currency" },
      discount: { type: 'money', sql: major('e.discount_minor', 'e.currency'), description: "the discount, in the order's currency" },
      coupon_code: { type: 'text', sql: 'e.coupon', description: 'a coupon used on the order' },
      is_discounted: { type: 'boolean', sql: 'e.is_discounted', description: 'a discount or coupon applied' },
      counts_as_revenue: { type: 'boolean', sql: 'e.counts_as_revenue', description: "counts in the person's revenue" },
      utm_source: { type: 'text', sql: 'e.utm_source', description: 'UTM source on the order' },
      utm_medium: { type: 'text', sql: 'e.utm_medium', description: 'UTM medium on the order' },
      utm_campaign: { type: 'text', sql: 'e.utm_campaign', description: 'UTM campaign on the order' },
      ordered_at: { type: 'date', sql: 'e.ordered_at', description: 'when it was placed' },
    },
  },
  purchase: {
    description: 'a product the person bought, on an order that took money (core.order_items)',
    from: `(select i.*, o.customer_id, o.ordered_at, o.status as order_status from core.order_items as i
      join core.orders as o using (order_id)
      where o.counts_as_revenue and o.status in ('paid', 'partially_refunded', 'refunded'))`,
    fields: {
      product_name: { type: 'text', sql: 'e.product_name', description: 'the product as sold' },
      sku: { type: 'text', sql: 'e.sku', description: 'SKU' },
      category: { type: 'text', sql: 'e.category', description: 'category or product type' },
      source: { type: 'text', sql: 'e.source', description: 'the source', choices: ORDER_SOURCES },
      connection: { type: 'text', sql: 'e.connection', description: 'the connection id' },
      quantity: { type: 'number', sql: 'e.quantity', description: 'units on the line' },
      returned_quantity: { type: 'number', sql: 'e.returned_quantity', description: 'units returned' },
      order_status: { type: 'text', sql: 'e.order_status', description: "the order's status", choices: ['paid', 'partially_refunded', 'refunded'] },
      ordered_at: { type: 'date', sql: 'e.ordered_at', description: 'when it was bought' },
    },
  },
  subscription: {
    description: 'a subscription of the person (core.subscriptions)',
    from: `(select s.*, p.product_name from core.subscriptions as s left join core.products as p using (product_id))`,
    fields: {
      status: {
        type: 'text',
        sql: 'e.status',
        description: 'active (paused and past due included), cancelled (expired included), or incomplete (a Stripe first payment failed less than 23 hours ago)',
        choices: ['active', 'cancelled', 'incomplete'],
      },
      source_status: { type: 'text', sql: 'e.source_status', description: "the source's own status" },
      product_name: { type: 'text', sql: 'e.product_name', description: 'the product subscribed to' },
      source: { type: 'text', sql: 'e.source', description: 'the source', choices: ['stripe', 'thrivecart'] },
      connection: { type: 'text', sql: 'e.connection', description: 'the connection id' },
      billing_interval: { type: 'text', sql: 'e.billing_interval', description: 'month, year...' },
      amount: { type: 'money', sql: major('e.amount_minor', 'e.currency'), description: "price per period, in the subscription's currency" },
      started_at: { type: 'date', sql: 'e.started_at', description: 'when it began' },
      cancelled_at: { type: 'date', sql: 'e.cancelled_at', description: 'when it ended' },
    },
  },
  discount: {
    description: 'a coupon or promotion code used on an order of the person that took money (core.order_discounts)',
    from: `(select d.*, c.source_coupon_id, c.name as coupon_name from core.order_discounts as d
      left join core.coupons as c using (coupon_id)
      where d.status in ('paid', 'partially_refunded', 'refunded'))`,
    // An order that used two codes of one coupon is two rows here, and one order.
    countSql: 'count(distinct e.order_id)',
    fields: {
      code: { type: 'text', sql: 'e.code', description: 'the code entered: a Stripe promotion code, a BigCommerce, Talon.One or ThriveCart coupon code' },
      coupon: { type: 'text', sql: 'e.source_coupon_id', description: "the coupon behind it, by its id in the source (core.coupons.source_coupon_id): any of its codes, or the coupon applied without one" },
      coupon_name: { type: 'text', sql: 'e.coupon_name', description: "the coupon's name (Talon.One: its campaign)" },
      source: { type: 'text', sql: 'e.source', description: 'the source', choices: ORDER_SOURCES },
      connection: { type: 'text', sql: 'e.connection', description: 'the connection id' },
      discount: { type: 'money', sql: major('e.discount_minor', 'e.currency'), description: "what it took off the order, in the order's currency" },
      ordered_at: { type: 'date', sql: 'e.ordered_at', description: 'when the order was placed' },
    },
  },
};

// Rules come from files and web requests: a name like `constructor`, `toString` or `__proto__`
// must find nothing, not something every object inherits.

/** The field of that name among `fields`, by own property only; undefined for any other name or value. */
export function fieldNamed(fields: Record<string, FieldSpec>, name: unknown): FieldSpec | undefined {
  return typeof name === 'string' && Object.hasOwn(fields, name) ? fields[name] : undefined;
}

/** The record kind a `has` rule names, by own property only; undefined for any other name or value. */
export function entityNamed(name: unknown): EntitySpec | undefined {
  return typeof name === 'string' && Object.hasOwn(ENTITIES, name) ? ENTITIES[name] : undefined;
}

/** The operators a field takes: its own list, else every operator of its type. */
export const operatorsOf = (spec: FieldSpec): readonly string[] => spec.operators ?? OPERATORS[spec.type];

/** Whether `op` is one of the operators a field takes. */
export function isOperatorOf(spec: FieldSpec, op: unknown): op is string {
  return typeof op === 'string' && operatorsOf(spec).includes(op);
}
