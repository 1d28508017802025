import type { CurrencyCode } from '../world/index.js';

/** Sales tax or VAT charged on everything in the order, shipping included; one rate per currency keeps totals checkable. */
export const TAX_RATES: Readonly<Record<CurrencyCode, number>> = { usd: 0.07, eur: 0.21, gbp: 0.2 };
/** Flat shipping, before tax, for any order with something physical in it. */
export const SHIPPING_MINOR: Readonly<Record<CurrencyCode, number>> = { usd: 599, eur: 495, gbp: 395 };

export interface LineInput {
  quantity: number;
  unit_minor: number;
}

export interface LineTotals {
  price_tax: number;
  total_ex_tax: number;
  total_tax: number;
  /** This line's share of the order's coupon discount. */
  coupon_share: number;
}

/** An order's money in minor units; every `*_inc_tax` is its `*_ex_tax` plus its `*_tax`. */
export interface OrderTotals {
  subtotal_ex_tax: number;
  subtotal_tax: number;
  shipping_ex_tax: number;
  shipping_tax: number;
  coupon_discount: number;
  discount_amount: number;
  /** subtotal_ex_tax + shipping_ex_tax − coupon_discount − discount_amount. */
  total_ex_tax: number;
  /** Tax on the discounted goods plus tax on shipping. */
  total_tax: number;
  total_inc_tax: number;
  lines: LineTotals[];
}

export type CouponValue = { kind: 'percent'; percent: number } | { kind: 'amount'; amount_minor: number };

/** Computes an order's totals from its lines, coupon, manual discount and currency. */
export function orderTotals(lines: readonly LineInput[], currency: CurrencyCode, physical: boolean, coupon: CouponValue | null, manualDiscountMinor: number): OrderTotals {
  const rate = TAX_RATES[currency];
  const subtotal = lines.reduce((sum, l) => sum + l.quantity * l.unit_minor, 0);
  const couponDiscount = coupon === null ? 0 : coupon.kind === 'percent' ? Math.round((subtotal * coupon.percent) / 100) : Math.min(coupon.amount_minor, subtotal);
  const discountAmount = Math.min(manualDiscountMinor, subtotal - couponDiscount);
  const shipping = physical ? SHIPPING_MINOR[currency] : 0;
  const shippingTax = Math.round(shipping * rate);
  const goodsTax = Math.round((subtotal - couponDiscount - discountAmount) * rate);

  // The coupon is spread over the lines in proportion to their value; the last line takes the rounding remainder.
  let allocated = 0;
  const lineTotals = lines.map((l, i) => {
    const ex = l.quantity * l.unit_minor;
    const share = i === lines.length - 1 ? couponDiscount - allocated : subtotal === 0 ? 0 : Math.floor((couponDiscount * ex) / subtotal);
    allocated += share;
    return { price_tax: Math.round(l.unit_minor * rate), total_ex_tax: ex, total_tax: Math.round(l.unit_minor * rate) * l.quantity, coupon_share: share };
  });

  const totalEx = subtotal + shipping - couponDiscount - discountAmount;
  const totalTax = goodsTax + shippingTax;
  return {
    subtotal_ex_tax: subtotal,
    subtotal_tax: lineTotals.reduce((sum, l) => sum + l.total_tax, 0),
    shipping_ex_tax: shipping,
    shipping_tax: shippingTax,
    coupon_discount: couponDiscount,
    discount_amount: discountAmount,
    total_ex_tax: totalEx,
    total_tax: totalTax,
    total_inc_tax: totalEx + totalTax,
    lines: lineTotals,
  };
}
