import { StripeApiError } from './errors.js';

/**
 * The API versions the emulator renders, oldest first. The object builders produce the newest
 * shape (`2026-07-29.dahlia`, the one of the vendored `fixtures3` subset); an older version is
 * that shape with each breaking change since undone, as Stripe's changelog describes it.
 */
export const API_VERSIONS = ['2025-02-24.acacia', '2025-08-27.basil', '2026-07-29.dahlia'] as const;
export type ApiVersion = (typeof API_VERSIONS)[number];
export const LATEST_API_VERSION: ApiVersion = '2026-07-29.dahlia';

type Json = Record<string, unknown>;

/** What a change needs to rebuild an older shape: the objects that older versions embedded whole. */
export interface RenderLookup {
  coupon(id: string): object | undefined;
  discount(id: string): object | undefined;
  subscriptionItem(id: string): { price: object; plan: object } | undefined;
  /** The charge that paid an invoice and its payment intent; undefined for one no charge paid. */
  invoiceCharge(invoiceId: string): { charge: string; payment_intent: string } | undefined;
  /** The invoice a charge paid; undefined for a one-off charge. */
  chargeInvoice(chargeId: string): string | undefined;
}

/** One breaking change: the version that made it, the object type it touched, and how that object looked before. */
interface VersionChange {
  since: string;
  object: string;
  before(obj: Json, lookup: RenderLookup): Json;
}

const CLOVER = '2025-09-30.clover';
const BASIL = '2025-03-31.basil';

function without(obj: Json, ...keys: string[]): Json {
  const out = { ...obj };
  for (const k of keys) delete out[k];
  return out;
}

const record = (v: unknown): Json => (v !== null && typeof v === 'object' ? (v as Json) : {});

const CHANGES: readonly VersionChange[] = [
  // 2025-09-30.clover: promotion codes and discounts reference their coupon under a polymorphic
  // `promotion` / `source` hash; before, `coupon` held the whole coupon.
  {
    since: CLOVER,
    object: 'promotion_code',
    before: (p, lookup) => {
      const id = record(p.promotion).coupon;
      return { ...without(p, 'promotion'), coupon: typeof id === 'string' ? (lookup.coupon(id) ?? id) : id };
    },
  },
  {
    since: CLOVER,
    object: 'discount',
    before: (d, lookup) => {
      const id = record(d.source).coupon;
      return { ...without(d, 'source'), coupon: typeof id === 'string' ? (lookup.coupon(id) ?? id) : id };
    },
  },
  // 2025-03-31.basil: invoices link their subscription under `parent.subscription_details`, carry
  // `total_taxes` instead of `tax`/`total_tax_amounts`, and lose `paid`, `charge` and `payment_intent`
  // (payments moved to invoice payments). Before, the invoice named the charge that paid it and its
  // payment intent, and said whether it was paid outside Stripe.
  {
    since: BASIL,
    object: 'invoice',
    before: (inv, lookup) => {
      const parent = record(inv.parent);
      const details = record(parent.subscription_details);
      const paidBy = typeof inv.id === 'string' ? lookup.invoiceCharge(inv.id) : undefined;
      return {
        ...without(inv, 'parent', 'total_taxes'),
        application_fee_amount: null,
        charge: paidBy?.charge ?? null,
        discount: null,
        paid: inv.status === 'paid',
        paid_out_of_band: inv.status === 'paid' && typeof inv.amount_paid_off_stripe === 'number' && inv.amount_paid_off_stripe > 0,
        payment_intent: paidBy?.payment_intent ?? null,
        quote: record(parent.quote_details).quote ?? null,
        subscription: details.subscription ?? null,
        subscription_details: { metadata: details.metadata ?? null },
        tax: null,
        total_tax_amounts: [],
        transfer_data: null,
      };
    },
  },
  // Basil moved a line's links under `parent` and its price under `pricing`; before, the line named
  // its subscription item, price and plan itself.
  {
    since: BASIL,
    object: 'line_item',
    before: (line, lookup) => {
      const item = record(record(line.parent).subscription_item_details);
      const itemId = typeof item.subscription_item === 'string' ? item.subscription_item : null;
      const known = itemId === null ? undefined : lookup.subscriptionItem(itemId);
      const unit = record(line.pricing).unit_amount_decimal ?? null;
      return {
        ...without(line, 'parent', 'pricing', 'taxes'),
        amount_excluding_tax: line.amount,
        invoice_item: item.invoice_item ?? null,
        plan: known?.plan ?? null,
        price: known?.price ?? null,
        proration: item.proration ?? false,
        proration_details: item.proration_details ?? { credited_items: null },
        subscription_item: itemId,
        tax_amounts: [],
        tax_rates: [],
        type: itemId === null ? 'invoiceitem' : 'subscription',
        unit_amount_excluding_tax: unit,
      };
    },
  },
  // Basil moved the billing period from the subscription to each item and dropped `discount`.
  {
    since: BASIL,
    object: 'subscription',
    before: (sub, lookup) => {
      const items = record(sub.items).data;
      const first = record(Array.isArray(items) ? items[0] : undefined);
      const discounts = Array.isArray(sub.discounts) ? sub.discounts : [];
      const firstDiscount = discounts[0];
      return {
        ...sub,
        current_period_end: first.current_period_end ?? null,
        current_period_start: first.current_period_start ?? null,
        discount: typeof firstDiscount === 'string' ? (lookup.discount(firstDiscount) ?? null) : (firstDiscount ?? null),
      };
    },
  },
  { since: BASIL, object: 'subscription_item', before: (item) => without(item, 'current_period_end', 'current_period_start') },
  // Basil removed a charge's `invoice`; before, a charge that paid an invoice named it (a one-off null).
  { since: BASIL, object: 'charge', before: (charge, lookup) => ({ ...charge, invoice: (typeof charge.id === 'string' ? lookup.chargeInvoice(charge.id) : undefined) ?? null }) },
];

/** The version a request asks for: its `Stripe-Version` header, else the account's default. */
export function requestedVersion(header: string | string[] | undefined, accountDefault: ApiVersion): ApiVersion {
  const value = (Array.isArray(header) ? header[header.length - 1] : header)?.trim();
  if (!value) return accountDefault;
  if ((API_VERSIONS as readonly string[]).includes(value)) return value as ApiVersion;
  throw new StripeApiError(400, 'invalid_request_error', `Invalid Stripe API version: ${value}`, undefined, 'Stripe-Version');
}

/** Whether `version` is one the emulator renders. */
export function isApiVersion(version: string): version is ApiVersion {
  return (API_VERSIONS as readonly string[]).includes(version);
}

/**
 * The object as `version` shows it: every breaking change made after `version` undone, newest first,
 * on the object and on each object nested in it. Never changes its argument.
 */
export function renderForVersion<T>(value: T, version: ApiVersion, lookup: RenderLookup): T {
  if (version === LATEST_API_VERSION) return value;
  const changes = CHANGES.filter((c) => c.since > version).sort((a, b) => (a.since < b.since ? 1 : -1));
  if (changes.length === 0) return value;
  const byObject = new Map<string, VersionChange[]>();
  for (const c of changes) byObject.set(c.object, [...(byObject.get(c.object) ?? []), c]);
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (node === null || typeof node !== 'object') return node;
    let obj = node as Json;
    for (const c of byObject.get(typeof obj.object === 'string' ? obj.object : '') ?? []) obj = c.before(obj, lookup);
    const out: Json = {};
    for (const [k, v] of Object.entries(obj)) out[k] = walk(v);
    return out;
  };
  return walk(value) as T;
}
