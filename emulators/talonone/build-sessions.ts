import { DAY_MS, findPrice, type CatalogProduct, type CurrencyCode, type Rng } from '../world/index.js';
import { spend, type CartOrder, type CouponDraft, type ProfileDraft, type Quota, type SessionDraft } from './drafts.js';
import type { T1CartItem } from './types.js';

const MINUTE_MS = 60_000;
/** How often a shopper brings a code: a shared one on any order, their personal welcome code on the first. */
const CODE_USE = { shared: 0.15, personalWelcome: 0.6 } as const;

export interface SessionContext {
  anchorMs: number;
  currency: CurrencyCode;
  catalog: readonly CatalogProduct[];
  coupons: readonly CouponDraft[];
  /** Returns forced onto old multi-unit sessions so even a tiny account has partially returned sessions. */
  forcedReturns: Quota;
}

function cartItems(ctx: SessionContext, order: CartOrder): T1CartItem[] {
  return order.items.map((item, position) => {
    const product = ctx.catalog.find((p) => p.product_key === item.product_key);
    const price = findPrice(ctx.catalog, item.product_key, ctx.currency, null).unit_amount_minor;
    return {
      name: product?.name ?? item.product_key,
      sku: item.product_key.replace(/_/g, '-').toUpperCase(),
      quantity: item.quantity,
      returnedQuantity: 0,
      remainingQuantity: item.quantity,
      price: price / 100,
      category: product?.kind ?? 'other',
      position,
      attributes: {},
    };
  });
}

function usableCoupons(ctx: SessionContext, profile: ProfileDraft, atMs: number, first: boolean): CouponDraft[] {
  return ctx.coupons.filter(
    (c) =>
      c.campaignWindow.fromMs <= atMs &&
      (c.campaignWindow.untilMs === null || atMs < c.campaignWindow.untilMs) &&
      (c.startMs === null || c.startMs <= atMs) &&
      (c.expiryMs === null || atMs < c.expiryMs) &&
      (!c.firstSessionOnly || first) &&
      (c.coupon.recipientIntegrationId === undefined || c.coupon.recipientIntegrationId === profile.integrationId),
  );
}

/** What a coupon takes off a cart, minor units, never more than the cart. */
export function couponDiscountMinor(coupon: CouponDraft, totalMinor: number): number {
  const off = coupon.percentOff !== null ? Math.round((totalMinor * coupon.percentOff) / 100) : (coupon.amountOffMinor ?? 0);
  return Math.min(off, totalMinor);
}

function pickCoupon(ctx: SessionContext, rng: Rng, profile: ProfileDraft, atMs: number, first: boolean): CouponDraft | null {
  const usable = usableCoupons(ctx, profile, atMs, first);
  const personal = usable.find((c) => c.coupon.recipientIntegrationId !== undefined);
  if (personal && rng.chance(CODE_USE.personalWelcome)) return personal;
  const shared = usable.filter((c) => c.coupon.recipientIntegrationId === undefined);
  return shared.length > 0 && rng.chance(CODE_USE.shared) ? rng.pick(shared) : null;
}

/** Returns one unit of the last line: Talon.One records returns per item, not refunded amounts. */
function returnOneUnit(items: T1CartItem[]): void {
  const line = items[items.length - 1]!;
  line.returnedQuantity = 1;
  line.remainingQuantity = line.quantity - 1;
}

/**
 * A profile's sessions, one per order: paid orders close, pending ones stay open, failed ones and fully refunded
 * ones end cancelled, and a partial refund of a cart with several units returns one of them.
 */
export function buildSessions(ctx: SessionContext, rng: Rng, profile: ProfileDraft, orders: readonly CartOrder[]): SessionDraft[] {
  const latest = ctx.anchorMs - MINUTE_MS;
  return orders.map((order, index) => {
    const items = cartItems(ctx, order);
    const totalMinor = items.reduce((sum, it) => sum + Math.round(it.price * 100) * it.quantity, 0);
    const units = items.reduce((n, it) => n + it.quantity, 0);
    const coupon = order.outcome === 'failed' ? null : pickCoupon(ctx, rng, profile, order.placedMs, index === 0);
    const discountsMinor: Record<string, number> = {};
    if (coupon) discountsMinor[coupon.campaignName] = couponDiscountMinor(coupon, totalMinor);
    const draft: SessionDraft = {
      integrationId: order.integrationId,
      createdMs: order.placedMs,
      state: 'closed',
      items,
      totalMinor,
      discountsMinor,
      coupon,
      referralCode: '',
      closedMs: null,
      returnMs: null,
      cancelMs: null,
    };
    if (order.outcome === 'pending') draft.state = 'open';
    else if (order.outcome === 'failed') {
      draft.state = 'cancelled';
      draft.cancelMs = Math.min(latest, order.placedMs + rng.int(2, 30) * MINUTE_MS);
    } else {
      draft.closedMs = Math.min(latest, order.placedMs + rng.int(1, 5) * MINUTE_MS);
      const refund = order.refund;
      if (refund?.full) {
        draft.state = 'cancelled';
        draft.cancelMs = Math.max(draft.closedMs + MINUTE_MS, Math.min(latest, refund.atMs));
      } else if (units >= 2 && (refund !== null || (order.placedMs < ctx.anchorMs - 20 * DAY_MS && spend(ctx.forcedReturns)))) {
        draft.state = 'partially_returned';
        draft.returnMs = Math.max(draft.closedMs + MINUTE_MS, Math.min(latest, refund?.atMs ?? order.placedMs + rng.int(3, 15) * DAY_MS));
        returnOneUnit(items);
      }
    }
    return draft;
  });
}
