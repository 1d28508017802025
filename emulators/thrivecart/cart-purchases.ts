import { buysInStripe } from '../bigcommerce/store-purchases.js';
import { storeCoupons, usableCoupons } from '../bigcommerce/store-coupons.js';
import { addMonthsMs, DAY_MS, deriveSeed, findPrice, restyleEmail, Rng, type Campaign, type CurrencyCode, type Person, type World } from '../world/index.js';
import { addOnFor, AFFILIATE_IDS, cartProducts, PAYMENT_PLAN_INSTALMENTS, type CartAddOn, type CartProduct } from './cart-catalog.js';
import type { Passthrough, SubscriptionStatus } from './types.js';

const FRONT_WEIGHTS = { course_sql: 30, course_analytics: 22, program_growth: 10, membership_pro: 25, membership_team: 8, workshop_legacy: 5 } as const;
const ORDER_COUNT_WEIGHTS = { 1: 60, 2: 28, 3: 12 } as const;
const LIFECYCLE_WEIGHTS = { active: 55, cancelled: 33, paused: 12 } as const;
const LEGACY_RETIRED_DAYS = 400;
const MINUTE_MS = 60_000;
/** Shapes forced onto the first old-enough orders so a tiny account still shows every case. */
type Shape = 'sub_cancelled' | 'sub_paused' | 'sub_active' | 'yearly' | 'plan' | 'refund_full' | 'refund_partial' | 'bump' | 'upsell';
const FORCED_SHAPES: readonly Shape[] = ['sub_cancelled', 'sub_paused', 'plan', 'refund_full', 'refund_partial', 'bump', 'upsell', 'sub_active', 'yearly'];

/** An item bought in an order: the front-end product, a bump or an upsell. */
export interface CartItem {
  item_type: 'product' | 'bump' | 'upsell';
  item_id: number;
  name: string;
}

export interface PaymentLine {
  item: CartItem;
  amount: number;
  refund: { amount: number; atMs: number } | null;
}

/** One money movement in: the order's first charge (every item) or a later rebill of the recurring item. */
export interface PaymentDraft {
  kind: 'charge' | 'rebill';
  atMs: number;
  lines: PaymentLine[];
}

export interface SubscriptionDraft {
  status: SubscriptionStatus;
  frequency: 'month' | 'year';
  /** The regular amount per payment, before any first-payment coupon. */
  amount: number;
  /** Fixed number of payments for a payment plan; null when it renews until cancelled. */
  instalments: number | null;
  /** When it was cancelled or paused. */
  stoppedMs: number | null;
  nextPaymentMs: number | null;
}

export interface CartOrderDraft {
  person: Person;
  email: string;
  currency: CurrencyCode;
  processor: 'stripe' | 'paypal';
  placedMs: number;
  base: CartProduct;
  coupon_code: string | null;
  affiliate_id: string | null;
  passthrough: Passthrough | null;
  payments: PaymentDraft[];
  subscription: SubscriptionDraft | null;
}

const wholeSeconds = (ms: number): number => Math.floor(ms / 1000) * 1000;

function campaignAt(rng: Rng, campaigns: readonly Campaign[], atMs: number): Passthrough | null {
  const running = campaigns.filter((c) => Date.parse(c.starts_at) <= atMs && atMs < Date.parse(c.ends_at));
  if (running.length === 0) return null;
  const c = rng.pick(running);
  return { utm_source: c.utm_source, utm_medium: c.utm_medium, utm_campaign: c.utm_campaign };
}

/**
 * Derives the ThriveCart account's orders from the world. Each person's choices come from a generator seeded by the
 * world seed and their person_id; only the forced coverage shapes depend on who came first.
 */
export function deriveCartPurchases(world: World): CartOrderDraft[] {
  const anchorMs = Date.parse(world.anchor);
  const products = cartProducts(world.catalog);
  const coupons = storeCoupons(world.offers);
  const forced = [...FORCED_SHAPES];
  const quota = { both: 2, cartOnly: 2 };
  const orders: CartOrderDraft[] = [];

  for (const person of world.people) {
    const rng = new Rng(deriveSeed(world.seed, `thrivecart:${person.person_id}`));
    const inStripe = buysInStripe(person);
    const roll = rng.chance(inStripe ? 0.25 : 0.1);
    const forcedIn = inStripe ? 'both' : 'cartOnly';
    if (!roll && quota[forcedIn] <= 0) continue;
    if (!roll) quota[forcedIn]--;
    const email = rng.chance(0.12) ? restyleEmail(person.email, rng.pick(['upper_case', 'mixed_case'] as const)) : person.email;
    const fromMs = Math.max(Date.parse(person.created_at), anchorMs - 730 * DAY_MS);
    const latest = anchorMs - 10 * MINUTE_MS;
    const count = Number(rng.weighted(ORDER_COUNT_WEIGHTS));
    const times = Array.from({ length: count }, () => wholeSeconds(Math.min(latest, fromMs + Math.floor(rng.next() * (latest - fromMs))))).sort((a, b) => a - b);

    times.forEach((placedMs, k) => {
      const shape = forced.length > 0 && placedMs < anchorMs - 120 * DAY_MS ? forced.shift()! : null;
      let key: string = rng.weighted(FRONT_WEIGHTS);
      if (shape?.startsWith('sub_') || shape === 'yearly') key = 'membership_pro';
      else if (shape === 'plan') key = 'program_growth';
      else if (shape === 'upsell' || shape === 'bump') key = 'course_sql';
      if (key === 'workshop_legacy' && placedMs >= anchorMs - LEGACY_RETIRED_DAYS * DAY_MS) key = 'course_sql';
      const base = products.find((p) => p.product_key === key)!;
      const currency = person.traits.currency;
      const usable = usableCoupons(coupons, placedMs, currency, k === 0);
      const coupon = usable.length > 0 && rng.chance(0.15) ? rng.pick(usable) : null;

      const front: CartItem = { item_type: 'product', item_id: base.product_id, name: base.name };
      const addOns: CartAddOn[] = [];
      if (base.billing === 'one_off' && (shape === 'bump' || rng.chance(0.2))) addOns.push(addOnFor('bump', base, world.catalog));
      if (key === 'course_sql' && (shape === 'upsell' || rng.chance(0.15))) addOns.push(addOnFor('upsell', base, world.catalog));

      let subscription: SubscriptionDraft | null = null;
      let frontAmount: number;
      if (base.billing === 'subscription') {
        const frequency = key === 'membership_pro' && (shape === 'yearly' || rng.chance(0.2)) ? 'year' : 'month';
        const amount = findPrice(world.catalog, key, currency, frequency).unit_amount_minor;
        const status: SubscriptionStatus = shape === 'sub_cancelled' ? 'cancelled' : shape === 'sub_paused' ? 'paused' : shape ? 'active' : rng.weighted(LIFECYCLE_WEIGHTS);
        subscription = { status, frequency, amount, instalments: null, stoppedMs: null, nextPaymentMs: null };
        frontAmount = amount;
      } else if (base.billing === 'payment_plan_or_full' && (shape === 'plan' || rng.chance(0.5))) {
        // Paying in instalments costs a tenth more than paying at once.
        const amount = Math.round((findPrice(world.catalog, key, currency, null).unit_amount_minor * 1.1) / PAYMENT_PLAN_INSTALMENTS);
        subscription = { status: 'active', frequency: 'month', amount, instalments: PAYMENT_PLAN_INSTALMENTS, stoppedMs: null, nextPaymentMs: null };
        frontAmount = amount;
      } else {
        frontAmount = findPrice(world.catalog, key, currency, null).unit_amount_minor;
      }
      if (coupon) frontAmount = coupon.value.kind === 'percent' ? Math.round((frontAmount * (100 - coupon.value.percent)) / 100) : Math.max(0, frontAmount - coupon.value.amount_minor);

      const refundFor = (amount: number, atMs: number, forceKind: 'full' | 'partial' | null): PaymentLine['refund'] => {
        const roll = rng.next();
        const kind = forceKind ?? (roll < 0.06 ? 'full' : roll < 0.09 ? 'partial' : null);
        const when = Math.min(anchorMs - MINUTE_MS, atMs + rng.int(1, 20) * DAY_MS + rng.int(0, 86_399) * 1000);
        if (kind === null || amount === 0 || when <= atMs) return null;
        return { amount: kind === 'full' ? amount : Math.max(1, Math.floor((amount * rng.int(10, 60)) / 100)), atMs: wholeSeconds(when) };
      };
      const forcedRefund = shape === 'refund_full' ? 'full' : shape === 'refund_partial' ? 'partial' : null;
      const firstLines: PaymentLine[] = [
        { item: front, amount: frontAmount, refund: refundFor(frontAmount, placedMs, forcedRefund) },
        ...addOns.map((a) => {
          const amount = findPrice(world.catalog, a.product_key, currency, null).unit_amount_minor;
          return { item: { item_type: a.item_type, item_id: a.item_id, name: a.name }, amount, refund: refundFor(amount, placedMs, null) };
        }),
      ];
      const payments: PaymentDraft[] = [{ kind: 'charge', atMs: placedMs, lines: firstLines }];
      if (subscription) settleSubscription(rng, subscription, placedMs, anchorMs, front, payments, refundFor);

      orders.push({
        person,
        email,
        currency,
        processor: rng.chance(0.8) ? 'stripe' : 'paypal',
        placedMs,
        base,
        coupon_code: coupon?.code ?? null,
        affiliate_id: rng.chance(0.2) ? rng.pick(AFFILIATE_IDS) : null,
        passthrough: rng.chance(0.4) ? campaignAt(rng, world.campaigns, placedMs) : null,
        payments,
        subscription,
      });
    });
  }
  return orders.sort((a, b) => a.placedMs - b.placedMs || a.person.person_id.localeCompare(b.person.person_id));
}

/** Adds the rebills a subscription or payment plan made before the anchor and settles its status and next payment. */
function settleSubscription(
  rng: Rng,
  sub: SubscriptionDraft,
  startMs: number,
  anchorMs: number,
  item: CartItem,
  payments: PaymentDraft[],
  refundFor: (amount: number, atMs: number, force: null) => PaymentLine['refund'],
): void {
  const months = sub.frequency === 'year' ? 12 : 1;
  if (sub.status === 'cancelled' || sub.status === 'paused') {
    // Stopped somewhere after the first payment, before the anchor: a subscription started in the
    // account's last day stops in the minute before it, never after (nothing is served from the future).
    const stoppedMs = startMs + DAY_MS + Math.floor(rng.next() * Math.max(0, anchorMs - startMs - 2 * DAY_MS));
    sub.stoppedMs = wholeSeconds(Math.min(anchorMs - MINUTE_MS, stoppedMs));
  }
  const endMs = sub.stoppedMs ?? anchorMs;
  let k = 1;
  for (; ; k++) {
    const due = addMonthsMs(startMs, k * months);
    if (sub.instalments !== null && k >= sub.instalments) break;
    if (due >= endMs) {
      if (sub.status === 'active') sub.nextPaymentMs = due;
      break;
    }
    payments.push({ kind: 'rebill', atMs: due, lines: [{ item, amount: sub.amount, refund: refundFor(sub.amount, due, null) }] });
  }
  if (sub.instalments !== null && payments.length >= sub.instalments) sub.status = 'completed';
}
