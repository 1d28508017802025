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

function spec<T extends ListedObject>(path: string, objectName: string, items: readonly T[], filters: FilterSpec<T>[] = []): ResourceSpec {
  return { path, objectName, collection: new StripeCollection(items), filters } as unknown as ResourceSpec;
}

/** The list/retrieve resources the emulator serves, each over a pre-sorted collection. */
export function buildResources(data: StripeData): ResourceSpec[] {
  return [
    spec('customers', 'customer', data.customers, [eq('email', (c) => c.email)]),
    spec('charges', 'charge', data.charges, [eq('customer', (c) => c.customer), eq('payment_intent', (c) => c.payment_intent)]),
    spec('invoices', 'invoice', data.invoices, [
      eq('customer', (i) => i.customer),
      { param: 'status', value: { kind: 'enum', values: INVOICE_STATUSES }, matches: (i, v) => i.status === v },
      eq('subscription', (i) => i.parent.subscription_details.subscription),
      { param: 'collection_method', value: { kind: 'enum', values: ['charge_automatically', 'send_invoice'] }, matches: (i, v) => i.collection_method === v },
    ]),
    spec('subscriptions', 'subscription', data.subscriptions, [
      eq('customer', (s) => s.customer),
      {
        param: 'status',
        value: { kind: 'enum', values: SUBSCRIPTION_STATUS_FILTERS },
        matches: (s, v) => v === 'all' || (v === 'ended' ? s.status === 'canceled' || s.status === 'incomplete_expired' : s.status === v),
        // Without a status Stripe lists every subscription that has not been canceled.
        whenAbsent: (s) => s.status !== 'canceled',
      },
      { param: 'price', value: str, matches: (s, v) => s.items.data.some((it) => it.price.id === v) },
      { param: 'collection_method', value: { kind: 'enum', values: ['charge_automatically', 'send_invoice'] }, matches: (s, v) => s.collection_method === v },
    ]),
    spec('refunds', 'refund', data.refunds, [eq('charge', (r) => r.charge), eq('payment_intent', (r) => r.payment_intent)]),
    spec('coupons', 'coupon', data.coupons),
    spec('promotion_codes', 'promotion_code', data.promotion_codes, [
      // Stripe matches promotion codes case-insensitively, as customers type them.
      { param: 'code', value: str, matches: (p, v) => p.code.toLowerCase() === v.toLowerCase() },
      eq('coupon', (p) => p.promotion.coupon),
      flag('active', (p) => p.active),
      eq('customer', (p) => p.customer),
    ]),
    spec('products', 'product', data.products, [flag('active', (p) => p.active), flag('shippable', (p) => p.shippable)]),
    spec('prices', 'price', data.prices, [
      flag('active', (p) => p.active),
      eq('currency', (p) => p.currency),
      eq('product', (p) => p.product),
      { param: 'type', value: { kind: 'enum', values: ['one_time', 'recurring'] }, matches: (p, v) => p.type === v },
    ]),
  ];
}
