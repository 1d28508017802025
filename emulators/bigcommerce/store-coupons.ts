import type { CurrencyCode, Offer } from '../world/index.js';
import type { CouponValue } from './order-totals.js';

/** A coupon code the store accepts, taken from the business's offers. */
export interface StoreCoupon {
  coupon_id: number;
  code: string;
  value: CouponValue;
  /** Fixed-amount coupons work only in their own currency. */
  currency: CurrencyCode | null;
  first_order_only: boolean;
  valid_from_ms: number;
  /** Exclusive; null when it never expires. */
  valid_until_ms: number | null;
}

/** The store's coupons: every promotion code of every offer, numbered in offer order. */
export function storeCoupons(offers: readonly Offer[]): StoreCoupon[] {
  const coupons: StoreCoupon[] = [];
  for (const offer of offers) {
    const value: CouponValue | null =
      offer.percent_off !== null ? { kind: 'percent', percent: offer.percent_off } : offer.amount_off_minor !== null ? { kind: 'amount', amount_minor: offer.amount_off_minor } : null;
    if (value === null) continue;
    for (const code of offer.codes) {
      const ends = [offer.redeem_by, code.expires_at].filter((d): d is string => d !== null).map((d) => Date.parse(d));
      // An inactive code without an end date was switched off at some unknown time; the store never sees it used.
      if (!code.active && ends.length === 0) continue;
      coupons.push({
        coupon_id: coupons.length + 1,
        code: code.code,
        value,
        currency: value.kind === 'amount' ? offer.currency : null,
        first_order_only: code.first_time_transaction,
        valid_from_ms: Date.parse(offer.created_at),
        valid_until_ms: ends.length === 0 ? null : Math.min(...ends),
      });
    }
  }
  return coupons;
}

/** The coupons a shopper could use on an order placed at `atMs` in `currency`. */
export function usableCoupons(coupons: readonly StoreCoupon[], atMs: number, currency: CurrencyCode, firstOrder: boolean): StoreCoupon[] {
  return coupons.filter(
    (c) =>
      atMs >= c.valid_from_ms &&
      (c.valid_until_ms === null || atMs < c.valid_until_ms) &&
      (c.currency === null || c.currency === currency) &&
      (!c.first_order_only || firstOrder),
  );
}
