import { DAY_MS, deriveSeed, findPrice, restyleEmail, Rng, type CurrencyCode, type Person, type World } from '../world/index.js';
import { orderTotals, type OrderTotals } from './order-totals.js';
import type { OrderStatusId } from './order-status.js';
import { storeCoupons, usableCoupons, type StoreCoupon } from './store-coupons.js';

/** What the store sells: the world's one-off products, physical merchandise included; memberships are sold elsewhere. */
const PRODUCT_WEIGHTS = { item_notebook: 30, item_hoodie: 25, course_sql: 18, course_analytics: 15, program_growth: 4, workshop_legacy: 8 } as const;
const ADD_ON_WEIGHTS = { item_notebook: 45, item_hoodie: 35, course_sql: 20 } as const;
const LEGACY_RETIRED_DAYS = 400;
const ORDER_COUNT_WEIGHTS = { 1: 55, 2: 25, 3: 12, 4: 8 } as const;
const MODE_WEIGHTS = { registered: 65, guest: 25, mixed: 10 } as const;
const PAYMENT_WEIGHTS = { 'Credit Card': 75, PayPal: 20, Manual: 5 } as const;

type Weights = Readonly<Record<string, number>>;
const PHYSICAL_STATUS_WEIGHTS: Weights = { 2: 46, 3: 4, 8: 2, 9: 5, 10: 6, 11: 8, 0: 6, 1: 2, 7: 3, 5: 4, 6: 2, 12: 1, 13: 1, 4: 5, 14: 5 };
const DIGITAL_STATUS_WEIGHTS: Weights = { 10: 62, 11: 4, 0: 8, 1: 3, 7: 4, 5: 4, 6: 3, 12: 1, 13: 1, 4: 5, 14: 5 };
/** Forced onto the first eligible orders so that even a tiny store shows every status. */
const FORCED_STATUSES: readonly OrderStatusId[] = [4, 14, 5, 0, 1, 6, 7, 13, 12, 3, 8, 9, 2, 10, 11];
/** Orders still waiting on someone are recent; nobody leaves a paid order unshipped for a year. */
const RECENT_STATUSES: ReadonlySet<OrderStatusId> = new Set<OrderStatusId>([1, 7, 8, 9, 11, 12]);
const AGED_STATUSES: ReadonlySet<OrderStatusId> = new Set<OrderStatusId>([4, 13, 14]);
const PHYSICAL_STATUSES: ReadonlySet<OrderStatusId> = new Set<OrderStatusId>([2, 3, 8, 9]);
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

export interface StoreLineDraft {
  product_key: string;
  quantity: number;
  unit_minor: number;
  physical: boolean;
}

export interface StoreOrderDraft {
  person: Person;
  guest: boolean;
  billing_email: string;
  currency: CurrencyCode;
  created_ms: number;
  modified_ms: number;
  shipped_ms: number | null;
  status_id: OrderStatusId;
  lines: StoreLineDraft[];
  coupon: StoreCoupon | null;
  totals: OrderTotals;
  refunded_minor: number;
  payment_method: keyof typeof PAYMENT_WEIGHTS;
  ip_address: string;
  cart_id: string;
}

/** A registered store account; guests have none. */
export interface StoreAccountDraft {
  person: Person;
  email: string;
  created_ms: number;
  modified_ms: number;
  ip_address: string;
}

export interface StorePurchases {
  accounts: StoreAccountDraft[];
  /** Oldest first. */
  orders: StoreOrderDraft[];
  coupons: StoreCoupon[];
}

interface Quota {
  left: number;
}
const spend = (q: Quota): boolean => (q.left > 0 ? (q.left--, true) : false);
/** Every instant is whole seconds, as the API writes them, so filters on served dates match exactly. */
const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

/** Whether a person paid anything through the Stripe account. */
export function buysInStripe(person: Person): boolean {
  return person.orders.length > 0 || person.memberships.length > 0;
}

/**
 * Derives the store's accounts and orders from the world: each person's choices come from a generator seeded by the
 * world seed and their person_id, so they do not shift when other people change; only the forced coverage cases
 * (every status, guests, coupons) depend on who came first.
 */
export function deriveStorePurchases(world: World): StorePurchases {
  const anchorMs = Date.parse(world.anchor);
  const coupons = storeCoupons(world.offers);
  const forcedStatuses = [...FORCED_STATUSES];
  const forced = { both: { left: 2 }, storeOnly: { left: 2 }, guests: { left: 2 }, coupons: { left: 2 }, manualDiscount: { left: 1 } };
  const accounts: StoreAccountDraft[] = [];
  const orders: StoreOrderDraft[] = [];

  for (const person of world.people) {
    const rng = new Rng(deriveSeed(world.seed, `bigcommerce:${person.person_id}`));
    const inStripe = buysInStripe(person);
    const roll = rng.chance(inStripe ? 0.3 : 0.12);
    const buys = roll || spend(inStripe ? forced.both : forced.storeOnly);
    const fromMs = Math.max(Date.parse(person.created_at), anchorMs - 730 * DAY_MS);
    if (!buys) {
      // Some people open a store account (newsletter, wishlist) and never order.
      if (rng.chance(0.04)) accounts.push(accountDraft(rng, person, fromMs + rng.int(5, 600) * MINUTE_MS, anchorMs));
      continue;
    }
    const mode = !inStripe && spend(forced.guests) ? 'guest' : rng.weighted(MODE_WEIGHTS);
    const count = Math.max(mode === 'mixed' ? 2 : 1, Number(rng.weighted(ORDER_COUNT_WEIGHTS)));
    const latest = wholeSeconds(anchorMs) - 10 * MINUTE_MS;

    const drafts = Array.from({ length: count }, () => {
      let createdMs = wholeSeconds(Math.min(latest, fromMs + Math.floor(rng.next() * (latest - fromMs))));
      const currency: CurrencyCode = person.traits.currency !== 'usd' && rng.chance(0.12) ? 'usd' : person.traits.currency;
      const lines = pickLines(rng, world, currency, createdMs < anchorMs - LEGACY_RETIRED_DAYS * DAY_MS);
      const physical = lines.some((l) => l.physical);
      const physicalQuantity = lines.reduce((n, l) => n + (l.physical ? l.quantity : 0), 0);
      const eligible = (s: OrderStatusId): boolean =>
        (!PHYSICAL_STATUSES.has(s) || physical) && (s !== 3 || physicalQuantity >= 2) && (!AGED_STATUSES.has(s) || createdMs < anchorMs - 3 * DAY_MS);
      let status: OrderStatusId;
      if (forcedStatuses.length > 0 && eligible(forcedStatuses[0]!)) status = forcedStatuses.shift()!;
      else status = Number(rng.weighted(physical ? PHYSICAL_STATUS_WEIGHTS : DIGITAL_STATUS_WEIGHTS)) as OrderStatusId;
      if (!eligible(status)) status = physical ? 2 : 10;
      if (RECENT_STATUSES.has(status)) createdMs = wholeSeconds(Math.max(fromMs, anchorMs - rng.int(60, 14 * 24 * 60) * MINUTE_MS));
      return { createdMs, currency, lines, physical, status };
    });
    drafts.sort((a, b) => a.createdMs - b.createdMs);

    let account: StoreAccountDraft | null = null;
    if (mode !== 'guest') {
      // A mixed shopper checks out as a guest first and registers before the next order.
      const openMs = mode === 'mixed' ? drafts[0]!.createdMs + Math.floor((drafts[1]!.createdMs - drafts[0]!.createdMs) / 2) : drafts[0]!.createdMs - rng.int(1, 30) * MINUTE_MS;
      account = accountDraft(rng, person, Math.max(fromMs - MINUTE_MS, openMs), anchorMs);
      accounts.push(account);
    }

    drafts.forEach((d, k) => {
      const guest = account === null || (mode === 'mixed' && k === 0);
      const billingEmail = !guest ? account!.email : rng.chance(0.2) ? restyleEmail(person.email, rng.pick(['upper_case', 'mixed_case'] as const)) : person.email;
      const usable = usableCoupons(coupons, d.createdMs, d.currency, k === 0);
      const wantsCoupon = rng.chance(0.18);
      const coupon = usable.length > 0 && (wantsCoupon || spend(forced.coupons)) ? rng.pick(usable) : null;
      const subtotal = d.lines.reduce((sum, l) => sum + l.quantity * l.unit_minor, 0);
      const manual = rng.chance(0.04) || (d.status === 10 && spend(forced.manualDiscount)) ? Math.round(subtotal / 10) : 0;
      const totals = orderTotals(d.lines, d.currency, d.physical, coupon?.value ?? null, manual);
      const timing = settle(rng, d.status, d.createdMs, d.physical, anchorMs);
      const refunded = d.status === 4 ? totals.total_inc_tax : d.status === 14 ? Math.max(1, Math.floor((totals.total_inc_tax * rng.int(10, 60)) / 100)) : 0;
      orders.push({
        person,
        guest,
        billing_email: billingEmail,
        currency: d.currency,
        created_ms: d.createdMs,
        modified_ms: timing.modifiedMs,
        shipped_ms: timing.shippedMs,
        status_id: d.status,
        lines: d.lines,
        coupon,
        totals,
        refunded_minor: refunded,
        payment_method: d.status === 7 ? 'Manual' : rng.weighted(PAYMENT_WEIGHTS),
        ip_address: `198.51.100.${rng.int(1, 254)}`,
        cart_id: uuidFrom(rng),
      });
      if (account !== null && !guest) account.modified_ms = Math.max(account.modified_ms, Math.min(d.createdMs + rng.int(0, 5) * MINUTE_MS, anchorMs - MINUTE_MS));
    });
  }
  orders.sort((a, b) => a.created_ms - b.created_ms || a.person.person_id.localeCompare(b.person.person_id));
  accounts.sort((a, b) => a.created_ms - b.created_ms || a.person.person_id.localeCompare(b.person.person_id));
  return { accounts, orders, coupons };
}

function accountDraft(rng: Rng, person: Person, createdMs: number, anchorMs: number): StoreAccountDraft {
  const created = wholeSeconds(Math.min(createdMs, anchorMs - HOUR_MS));
  const email = rng.chance(0.15) ? restyleEmail(person.email, rng.pick(['upper_case', 'mixed_case'] as const)) : person.email;
  // Some customers later edit their profile, which moves date_modified without any order.
  const edited = rng.chance(0.3) ? Math.min(anchorMs - MINUTE_MS, created + rng.int(1, 400) * DAY_MS) : created;
  return { person, email, created_ms: created, modified_ms: edited, ip_address: `203.0.113.${rng.int(1, 254)}` };
}

function pickLines(rng: Rng, world: World, currency: CurrencyCode, legacyOnSale: boolean): StoreLineDraft[] {
  const line = (key: string): StoreLineDraft => {
    const physical = world.catalog.find((p) => p.product_key === key)?.kind === 'physical';
    const quantity = physical ? Number(rng.weighted({ 1: 75, 2: 20, 3: 5 })) : 1;
    return { product_key: key, quantity, unit_minor: findPrice(world.catalog, key, currency, null).unit_amount_minor, physical };
  };
  let key: string = rng.weighted(PRODUCT_WEIGHTS);
  if (key === 'workshop_legacy' && !legacyOnSale) key = 'course_sql';
  const lines = [line(key)];
  if (rng.chance(0.25)) {
    const addOn: string = rng.weighted(ADD_ON_WEIGHTS);
    if (addOn !== key) lines.push(line(addOn));
  }
  return lines;
}

/** When an order last changed, and when it shipped, given its status. */
function settle(rng: Rng, status: OrderStatusId, createdMs: number, physical: boolean, anchorMs: number): { modifiedMs: number; shippedMs: number | null } {
  const minutes = (lo: number, hi: number): number => rng.int(lo, hi) * MINUTE_MS;
  const offsets: Record<OrderStatusId, () => number> = {
    0: () => 0,
    1: () => minutes(1, 30),
    2: () => minutes(24 * 60, 5 * 24 * 60),
    3: () => minutes(24 * 60, 3 * 24 * 60),
    4: () => minutes(2 * 24 * 60, 30 * 24 * 60),
    5: () => minutes(60, 5 * 24 * 60),
    6: () => minutes(1, 10),
    7: () => minutes(5, 120),
    8: () => minutes(60, 72 * 60),
    9: () => minutes(60, 48 * 60),
    10: () => minutes(1, 20),
    11: () => minutes(60, 24 * 60),
    12: () => minutes(10, 240),
    13: () => minutes(5 * 24 * 60, 45 * 24 * 60),
    14: () => minutes(2 * 24 * 60, 30 * 24 * 60),
  };
  const latest = anchorMs - MINUTE_MS;
  const modifiedMs = Math.max(createdMs, Math.min(latest, createdMs + offsets[status]()));
  let shippedMs: number | null = null;
  if (status === 2 || status === 3) shippedMs = modifiedMs;
  else if (physical && AGED_STATUSES.has(status)) shippedMs = Math.min(modifiedMs, createdMs + minutes(24 * 60, 2 * 24 * 60));
  return { modifiedMs, shippedMs };
}

function uuidFrom(rng: Rng): string {
  const hex = '0123456789abcdef';
  return [8, 4, 4, 4, 12].map((n) => rng.chars(n, hex)).join('-');
}
