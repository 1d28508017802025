export interface CouponInput {
  id: string;
  created: number;
  name: string;
  percent_off: number | null;
  amount_off: number | null;
  currency: string | null;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months: number | null;
  redeem_by: number | null;
  times_redeemed: number;
  valid: boolean;
}

/** A Stripe `coupon`: percent_off or amount_off (in one currency), for once, some months or forever. */
export function couponObject(c: CouponInput) {
  return {
    id: c.id,
    object: 'coupon' as const,
    amount_off: c.amount_off,
    created: c.created,
    currency: c.currency,
    duration: c.duration,
    duration_in_months: c.duration_in_months,
    livemode: false,
    max_redemptions: null,
    metadata: {} as Record<string, string>,
    name: c.name,
    percent_off: c.percent_off,
    redeem_by: c.redeem_by,
    times_redeemed: c.times_redeemed,
    valid: c.valid,
  };
}

export interface PromotionCodeInput {
  id: string;
  created: number;
  code: string;
  coupon: string;
  active: boolean;
  expires_at: number | null;
  first_time_transaction: boolean;
  times_redeemed: number;
}

/** A Stripe `promotion_code` (current API version: the coupon sits under `promotion`). */
export function promotionCodeObject(p: PromotionCodeInput) {
  return {
    id: p.id,
    object: 'promotion_code' as const,
    active: p.active,
    code: p.code,
    created: p.created,
    customer: null,
    customer_account: null,
    expires_at: p.expires_at,
    livemode: false,
    max_redemptions: null,
    metadata: {} as Record<string, string>,
    promotion: { coupon: p.coupon, type: 'coupon' as const },
    restrictions: { first_time_transaction: p.first_time_transaction, minimum_amount: null, minimum_amount_currency: null },
    times_redeemed: p.times_redeemed,
  };
}

export interface DiscountInput {
  id: string;
  customer: string;
  coupon: string;
  promotion_code: string | null;
  subscription: string;
  start: number;
  end: number | null;
}

/** A Stripe `discount`: a coupon applied to a subscription (current API version: the coupon sits under `source`). */
export function discountObject(d: DiscountInput) {
  return {
    id: d.id,
    object: 'discount' as const,
    checkout_session: null,
    customer: d.customer,
    customer_account: null,
    end: d.end,
    invoice: null,
    invoice_item: null,
    promotion_code: d.promotion_code,
    source: { coupon: d.coupon, type: 'coupon' as const },
    start: d.start,
    subscription: d.subscription,
    subscription_item: null,
  };
}

export type StripeCoupon = ReturnType<typeof couponObject>;
export type StripePromotionCode = ReturnType<typeof promotionCodeObject>;
export type StripeDiscount = ReturnType<typeof discountObject>;
