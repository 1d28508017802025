import type { Rng } from './prng.js';
import { findPrice } from './catalog.js';
import { DAY_MS, isoAt } from './time.js';
import type { Campaign, CatalogProduct, CurrencyCode, FailureReason, Order, OrderItem, OrderRefund, RefundReason, Utm } from './types.js';

/** Outcomes forced onto the world's first orders so even tiny worlds show every case. */
type ForcedOutcome = 'failed' | 'pending' | 'full_refund' | 'split_refund' | 'partial_refund' | 'retried';
const FORCED_OUTCOMES: readonly ForcedOutcome[] = ['failed', 'pending', 'full_refund', 'split_refund', 'partial_refund', 'retried'];

const ORDER_COUNT_WEIGHTS = { 1: 40, 2: 25, 3: 15, 4: 9, 5: 6, 6: 5 } as const;
const PRODUCT_WEIGHTS = { course_sql: 25, course_analytics: 25, program_growth: 8, item_notebook: 20, item_hoodie: 15, workshop_legacy: 7 } as const;
const FAILURE_WEIGHTS: Readonly<Record<FailureReason, number>> = {
  card_declined: 40, insufficient_funds: 25, expired_card: 12, incorrect_cvc: 10, processing_error: 8, fraudulent: 5,
};
const REFUND_REASON_WEIGHTS: Readonly<Record<RefundReason, number>> = { requested_by_customer: 80, duplicate: 12, fraudulent: 8 };
/** The retired workshop stopped selling this many days before the anchor. */
const LEGACY_RETIRED_DAYS = 400;
const MINUTE_MS = 60_000;

export interface OrderContext {
  rng: Rng;
  anchorMs: number;
  catalog: readonly CatalogProduct[];
  campaigns: readonly Campaign[];
  nextOrderNumber: () => number;
  /** Consumes and returns the next forced outcome if `canTake` accepts it, else null. */
  takeForcedOutcome: (canTake: (f: ForcedOutcome) => boolean) => ForcedOutcome | null;
}

/** How many one-off orders a buyer places. */
export function pickOrderCount(rng: Rng): number {
  return Number(rng.weighted(ORDER_COUNT_WEIGHTS));
}

/** A campaign running at `atMs`, or null when none is. */
export function campaignAt(rng: Rng, campaigns: readonly Campaign[], atMs: number): Utm | null {
  const running = campaigns.filter((c) => Date.parse(c.starts_at) <= atMs && atMs < Date.parse(c.ends_at));
  if (running.length === 0) return null;
  const c = rng.pick(running);
  return { utm_source: c.utm_source, utm_medium: c.utm_medium, utm_campaign: c.utm_campaign };
}

function pickItems(ctx: OrderContext, currency: CurrencyCode, atMs: number): OrderItem[] {
  const { rng, catalog } = ctx;
  const legacyOnSale = atMs < ctx.anchorMs - LEGACY_RETIRED_DAYS * DAY_MS;
  const item = (productKey: string): OrderItem => {
    const price = findPrice(catalog, productKey, currency, null);
    const physical = productKey.startsWith('item_');
    return { product_key: productKey, price_key: price.price_key, quantity: physical && rng.chance(0.2) ? 2 : 1, unit_amount_minor: price.unit_amount_minor };
  };
  let key: string = rng.weighted(PRODUCT_WEIGHTS);
  if (key === 'workshop_legacy' && !legacyOnSale) key = 'course_sql';
  const items = [item(key)];
  if (rng.chance(0.15)) {
    const addOn = key === 'item_notebook' ? 'item_hoodie' : 'item_notebook';
    items.push(item(addOn));
  }
  return items;
}

function refundsFor(rng: Rng, total: number, placedMs: number, anchorMs: number, kind: 'full' | 'split' | 'partial'): OrderRefund[] {
  const latest = anchorMs - MINUTE_MS;
  if (placedMs + DAY_MS >= latest) return [];
  const when = (): number => Math.min(latest, placedMs + rng.int(1, 30) * DAY_MS + rng.int(0, 86_399) * 1000);
  const reason = (): RefundReason => rng.weighted(REFUND_REASON_WEIGHTS);
  if (kind === 'full') return [{ amount_minor: total, refunded_at: isoAt(when()), reason: reason() }];
  if (kind === 'split') {
    const first = Math.max(1, Math.floor((total * rng.int(20, 70)) / 100));
    const [a, b] = [when(), when()].sort((x, y) => x - y) as [number, number];
    return [
      { amount_minor: first, refunded_at: isoAt(a), reason: 'requested_by_customer' },
      { amount_minor: total - first, refunded_at: isoAt(b), reason: 'requested_by_customer' },
    ];
  }
  const partial = Math.max(1, Math.floor((total * rng.int(10, 60)) / 100));
  if (rng.chance(0.3) && partial >= 2) {
    const first = Math.floor(partial / 2);
    const [a, b] = [when(), when()].sort((x, y) => x - y) as [number, number];
    return [
      { amount_minor: first, refunded_at: isoAt(a), reason: 'requested_by_customer' },
      { amount_minor: partial - first, refunded_at: isoAt(b), reason: 'requested_by_customer' },
    ];
  }
  return [{ amount_minor: partial, refunded_at: isoAt(when()), reason: 'requested_by_customer' }];
}

/** A buyer's one-off orders, oldest first, placed between `fromMs` and the anchor. */
export function generateOrders(ctx: OrderContext, count: number, currency: CurrencyCode, fromMs: number): Order[] {
  const { rng, anchorMs } = ctx;
  const latest = anchorMs - 10 * MINUTE_MS;
  const firstMs = Math.min(latest, fromMs + rng.int(0, 30 * 24 * 60) * MINUTE_MS);
  const times = [firstMs];
  for (let i = 1; i < count; i++) times.push(firstMs + Math.floor(rng.next() * (latest - firstMs)));
  times.sort((a, b) => a - b);

  const drafts = times.map((placedMs) => {
    const refundable = placedMs + 2 * DAY_MS < anchorMs;
    const forced = ctx.takeForcedOutcome((f) => refundable || !f.endsWith('refund'));
    let outcome: Order['outcome'] = forced === 'failed' ? 'failed' : forced === 'pending' ? 'pending' : forced ? 'paid' : rng.weighted({ paid: 90, pending: 2.5, failed: 7.5 });
    // Pending payments settle within days, so a pending order is always a recent one.
    if (outcome === 'pending') placedMs = Math.max(fromMs + MINUTE_MS, anchorMs - rng.int(60, 6 * 24 * 60) * MINUTE_MS);
    if (placedMs >= anchorMs) outcome = 'paid';
    const items = pickItems(ctx, currency, placedMs);
    const total = items.reduce((sum, it) => sum + it.quantity * it.unit_amount_minor, 0);
    const failed_attempts: FailureReason[] = [];
    if (outcome === 'failed') {
      failed_attempts.push(rng.weighted(FAILURE_WEIGHTS));
      if (rng.chance(0.3)) failed_attempts.push(rng.weighted(FAILURE_WEIGHTS));
    } else if (outcome === 'paid' && (forced === 'retried' || (!forced && rng.chance(0.06)))) {
      failed_attempts.push(rng.weighted(FAILURE_WEIGHTS));
    }
    let refunds: OrderRefund[] = [];
    if (outcome === 'paid') {
      if (forced === 'full_refund') refunds = refundsFor(rng, total, placedMs, anchorMs, 'full');
      else if (forced === 'split_refund') refunds = refundsFor(rng, total, placedMs, anchorMs, 'split');
      else if (forced === 'partial_refund') refunds = refundsFor(rng, total, placedMs, anchorMs, 'partial');
      else if (!forced) {
        const roll = rng.next();
        if (roll < 0.05) refunds = refundsFor(rng, total, placedMs, anchorMs, 'full');
        else if (roll < 0.065) refunds = refundsFor(rng, total, placedMs, anchorMs, 'split');
        else if (roll < 0.11) refunds = refundsFor(rng, total, placedMs, anchorMs, 'partial');
      }
    }
    const utm = rng.chance(0.4) ? campaignAt(rng, ctx.campaigns, placedMs) : null;
    return { placedMs, currency, items, total, outcome, failed_attempts, refunds, utm };
  });
  drafts.sort((a, b) => a.placedMs - b.placedMs);
  return drafts.map((d) => ({
    order_id: `order_${String(ctx.nextOrderNumber()).padStart(7, '0')}`,
    placed_at: isoAt(d.placedMs),
    currency: d.currency,
    items: d.items,
    total_minor: d.total,
    outcome: d.outcome,
    failed_attempts: d.failed_attempts,
    refunds: d.refunds,
    utm: d.utm,
    uses_duplicate_account: false,
  }));
}

export { FORCED_OUTCOMES };
export type { ForcedOutcome };
