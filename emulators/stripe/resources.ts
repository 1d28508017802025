import type { StripeData } from './build/stripe-data.js';
import { StripeCollection, type ListedObject } from './collection.js';
import type { FilterSpec } from './list-query.js';

/** One `/v1/<path>` resource: its objects, its filters and the name its errors use. */
export interface ResourceSpec<T extends ListedObject = ListedObject> {
  path: string;
  objectName: string;
  collection: StripeCollection<T>;
  filters: FilterSpec<T>[];
  /** Objects kept as rendered when they were made (events), served the same whatever version is asked for. */
  renderedAtCreation?: boolean;
}

export const SUBSCRIPTION_STATUS_FILTERS = [
  'active', 'past_due', 'unpaid', 'canceled', 'incomplete', 'incomplete_expired', 'trialing', 'paused', 'all', 'ended',
] as const;
export const INVOICE_STATUSES = ['draft', 'open', 'paid', 'uncollectible', 'void'] as const;

const str = { kind: 'string' } as const;
const bool = { kind: 'boolean' } as const;

function eq<T>(param: string, field: (item: T) => unknown): FilterSpec<T> {
  return { param, value: str, matches: (item, v) => field(item) === v };
}
function flag<T>(param: string, field: (item: T) => boolean | null): FilterSpec<T> {
  return { param, value: bool, matches: (item, v) => (field(item) === true) === (v === 'true') };
}

/** A timestamp-range filter (`param[gte]=…`) over a field that may be null. */
function range<T>(param: string, field: (item: T) => number | null): FilterSpec<T> {
  return { param, value: str, matches: () => true, range: field };
}
/** An array filter (`param[]=a&param[]=b`): the item matches any of the values. */
function anyOf<T>(param: string, field: (item: T) => unknown, max: number): FilterSpec<T> {
  return { param, value: str, matches: (item, v) => field(item) === v, list: { max } };
}
const COLLECTION_METHODS = ['charge_automatically', 'send_invoice'] as const;
const RECURRING_INTERVALS = ['day', 'month', 'week', 'year'] as const;

function spec<T extends ListedObject>(path: string, objectName: string, items: readonly T[], filters: FilterSpec<T>[] = []): ResourceSpec {
  return { path, objectName, collection: new StripeCollection(items), filters } as unknown as ResourceSpec;
}

/** The list/retrieve resources the emulator serves, each over a pre-sorted collection. */
export function buildResources(data: StripeData): ResourceSpec[] {
  // Every query parameter Stripe's description (2026-07-29.dahlia) declares for these lists is
  // accepted; each filters for real on the fields the emulated objects carry.
  return [
    spec('customers', 'customer', data.customers, [eq('email', (c) => c.email), eq('test_clock', (c) => c.test_clock)]),
    spec('charges', 'charge', data.charges, [
      eq('customer', (c) => c.customer),
      eq('payment_intent', (c) => c.payment_intent),
      eq('transfer_group', (c) => c.transfer_group),
    ]),
    spec('invoices', 'invoice', data.invoices, [
      eq('customer', (i) => i.customer),
      eq('customer_account', (i) => i.customer_account),
      { param: 'status', value: { kind: 'enum', values: INVOICE_STATUSES }, matches: (i, v) => i.status === v },
      eq('subscription', (i) => i.parent.subscription_details.subscription),
      { param: 'collection_method', value: { kind: 'enum', values: COLLECTION_METHODS }, matches: (i, v) => i.collection_method === v },
      range('due_date', (i) => i.due_date),
    ]),
    spec('subscriptions', 'subscription', data.subscriptions, [
      eq('customer', (s) => s.customer),
      eq('customer_account', (s) => s.customer_account),
      {
        param: 'status',
        value: { kind: 'enum', values: SUBSCRIPTION_STATUS_FILTERS },
        matches: (s, v) => v === 'all' || (v === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : s.status === v),
        // Without a status Stripe lists every subscription that has not been canceled.
        whenAbsent: (s) => s.status !== 'canceled',
      },
      { param: 'price', value: str, matches: (s, v) => s.items.data.some((it) => it.price.id === v) },
      { param: 'collection_method', value: { kind: 'enum', values: COLLECTION_METHODS }, matches: (s, v) => s.collection_method === v },
      flag('automatic_tax[enabled]', (s) => s.automatic_tax.enabled),
      eq('test_clock', (s) => s.test_clock),
      // Stripe: the minimum item `current_period_end`, the maximum item `current_period_start`.
      range('current_period_end', (s) => (s.items.data.length === 0 ? null : Math.min(...s.items.data.map((it) => it.current_period_end)))),
      range('current_period_start', (s) => (s.items.data.length === 0 ? null : Math.max(...s.items.data.map((it) => it.current_period_start)))),
    ]),
    spec('refunds', 'refund', data.refunds, [eq('charge', (r) => r.charge), eq('payment_intent', (r) => r.payment_intent)]),
    spec('coupons', 'coupon', data.coupons),
    spec('promotion_codes', 'promotion_code', data.promotion_codes, [
      // Stripe matches promotion codes case-insensitively, as customers type them.
      { param: 'code', value: str, matches: (p, v) => p.code.toLowerCase() === v.toLowerCase() },
      eq('coupon', (p) => p.promotion.coupon),
      flag('active', (p) => p.active),
      eq('customer', (p) => p.customer),
      eq('customer_account', (p) => p.customer_account),
    ]),
    spec('products', 'product', data.products, [
      flag('active', (p) => p.active),
      flag('shippable', (p) => p.shippable),
      anyOf('ids', (p) => p.id, 100),
      eq('url', (p) => p.url),
    ]),
    spec('prices', 'price', data.prices, [
      flag('active', (p) => p.active),
      eq('currency', (p) => p.currency),
      eq('product', (p) => p.product),
      { param: 'type', value: { kind: 'enum', values: ['one_time', 'recurring'] }, matches: (p, v) => p.type === v },
      anyOf('lookup_keys', (p) => p.lookup_key, 10),
      { param: 'recurring[interval]', value: { kind: 'enum', values: RECURRING_INTERVALS }, matches: (p, v) => p.recurring?.interval === v },
      { param: 'recurring[usage_type]', value: { kind: 'enum', values: ['licensed', 'metered'] }, matches: (p, v) => p.recurring?.usage_type === v },
      eq('recurring[meter]', (p) => p.recurring?.meter),
    ]),
  ];
}
