import { z } from 'zod';

// Schemas check the fields cdp's models read and let every other field through: the raw lake keeps
// the whole payload. V2 (orders) sends money as decimal strings ("336.3200") and dates in RFC 2822
// ("Wed, 05 Dec 2018 20:16:55 +0000", always UTC); some v2 answers (coupons) and all of v3 send
// money as JSON numbers and dates in ISO 8601. Both pass; amounts are never floats rounded here.
// Statuses are plain strings: stores define custom ones.

const id = z.number().int().nonnegative();
/** A decimal amount in the store's currency: a decimal string or a JSON number. */
const decimal = z.union([z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal amount'), z.number()]);
const rfc2822 = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an RFC 2822 date');
const isoDateTime = z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'an ISO 8601 date-time');
const currencyCode = z.string().regex(/^[A-Z]{3}$/, 'an upper-case ISO 4217 code');

export const orderSchema = z.looseObject({
  id,
  customer_id: id,
  date_created: rfc2822,
  date_modified: rfc2822,
  status_id: z.number().int(),
  status: z.string(),
  subtotal_ex_tax: decimal,
  total_ex_tax: decimal,
  total_inc_tax: decimal,
  total_tax: decimal,
  discount_amount: decimal,
  coupon_discount: decimal,
  refunded_amount: decimal,
  currency_code: currencyCode,
  payment_status: z.string().nullable(),
  billing_address: z.looseObject({ email: z.string().nullable().optional() }),
});

export const orderProductSchema = z.looseObject({
  id,
  order_id: id,
  product_id: id,
  name: z.string(),
  sku: z.string().nullable(),
  quantity: z.number().int(),
  base_price: decimal,
  price_inc_tax: decimal,
  total_inc_tax: decimal,
  quantity_refunded: z.number().int().optional(),
});

export const orderCouponSchema = z.looseObject({
  id,
  coupon_id: id,
  order_id: id,
  code: z.string(),
  amount: decimal,
  discount: decimal,
  type: z.number().int(),
});

export const customerSchema = z.looseObject({
  id,
  email: z.string(),
  first_name: z.string().nullable(),
  last_name: z.string().nullable(),
  date_created: isoDateTime,
  date_modified: isoDateTime,
  customer_group_id: z.number().int().optional(),
});

export const productSchema = z.looseObject({
  id,
  name: z.string(),
  sku: z.string(),
  type: z.string(),
  price: decimal,
  date_created: isoDateTime,
  date_modified: isoDateTime,
});
