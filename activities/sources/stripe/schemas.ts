import { z } from 'zod';

// Schemas check the fields cdp's models read, and let every other field through untouched:
// the raw lake keeps the whole payload, so new Stripe fields never break a sync.
// Enumerations Stripe may extend (statuses, reasons) are plain strings on purpose.

const id = (prefix: string) => z.string().startsWith(prefix);
const unixSeconds = z.number().int().nonnegative();
const currency = z.string().regex(/^[a-z]{3}$/, 'a lower-case ISO 4217 code');
const amountMinor = z.number().int();
const metadata = z.record(z.string(), z.string()).nullable();
/** An id, or the object itself when the caller expanded it. */
const ref = (prefix: string) => z.union([id(prefix), z.looseObject({ id: id(prefix) })]);

const address = z
  .looseObject({
    city: z.string().nullable(),
    country: z.string().nullable(),
    line1: z.string().nullable(),
    line2: z.string().nullable(),
    postal_code: z.string().nullable(),
    state: z.string().nullable(),
  })
  .nullable();

export const customerSchema = z.looseObject({
  id: id('cus_'),
  object: z.literal('customer'),
  created: unixSeconds,
  email: z.string().nullable(),
  name: z.string().nullable(),
  phone: z.string().nullable(),
  address: address.optional(),
  livemode: z.boolean(),
  metadata,
});

export const chargeSchema = z.looseObject({
  id: id('ch_'),
  object: z.literal('charge'),
  created: unixSeconds,
  amount: amountMinor,
  amount_captured: amountMinor,
  amount_refunded: amountMinor,
  currency,
  status: z.string(),
  paid: z.boolean(),
  refunded: z.boolean(),
  captured: z.boolean(),
  customer: ref('cus_').nullable(),
  billing_details: z.looseObject({ email: z.string().nullable(), name: z.string().nullable() }),
  payment_intent: ref('pi_').nullable(),
  failure_code: z.string().nullable(),
  livemode: z.boolean(),
  metadata,
});

const discountAmount = z.looseObject({ amount: amountMinor, discount: z.union([z.string(), z.looseObject({})]) });

export const invoiceSchema = z.looseObject({
  id: id('in_'),
  object: z.literal('invoice'),
  created: unixSeconds,
  customer: ref('cus_').nullable(),
  customer_email: z.string().nullable(),
  currency,
  status: z.string().nullable(),
  subtotal: amountMinor,
  total: amountMinor,
  amount_paid: amountMinor,
  amount_due: amountMinor,
  total_discount_amounts: z.array(discountAmount).nullable(),
  discounts: z.array(z.union([z.string(), z.looseObject({})])),
  livemode: z.boolean(),
  metadata,
});

export const subscriptionSchema = z.looseObject({
  id: id('sub_'),
  object: z.literal('subscription'),
  created: unixSeconds,
  customer: ref('cus_'),
  status: z.string(),
  start_date: unixSeconds,
  canceled_at: unixSeconds.nullable(),
  ended_at: unixSeconds.nullable(),
  cancel_at_period_end: z.boolean(),
  currency,
  items: z.looseObject({ data: z.array(z.looseObject({ id: z.string() })) }),
  livemode: z.boolean(),
  metadata,
});

export const refundSchema = z.looseObject({
  id: id('re_'),
  object: z.literal('refund'),
  created: unixSeconds,
  amount: amountMinor,
  currency,
  charge: ref('ch_').nullable(),
  status: z.string().nullable(),
  metadata,
});

export const couponSchema = z.looseObject({
  id: z.string().min(1),
  object: z.literal('coupon'),
  created: unixSeconds,
  percent_off: z.number().nullable(),
  amount_off: amountMinor.nullable(),
  currency: currency.nullable(),
  duration: z.string(),
  livemode: z.boolean(),
});

export const promotionCodeSchema = z.looseObject({
  id: id('promo_'),
  object: z.literal('promotion_code'),
  created: unixSeconds,
  code: z.string().min(1),
  active: z.boolean(),
  livemode: z.boolean(),
});

export const eventSchema = z.looseObject({
  id: id('evt_'),
  object: z.literal('event'),
  created: unixSeconds,
  type: z.string().min(1),
  livemode: z.boolean(),
  data: z.looseObject({ object: z.looseObject({ object: z.string() }) }),
});
