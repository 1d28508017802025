import { z } from 'zod';

// Schemas check the fields cdp's models read and let every other field through: the raw lake keeps
// the whole payload. ActiveCampaign sends ids, counts and flags as strings, and money as integer
// cents that arrive as a JSON number on some endpoints and a digit string on others, so both pass.
// Timestamps are ISO 8601 with the account's UTC offset and are landed as sent.

/** An ActiveCampaign id: a digit string in lists, a number in some write answers. */
const acId = z.union([z.string().regex(/^\d+$/, 'a numeric id'), z.number().int().nonnegative()]);
/** Integer cents, as a number or a string of digits; never a decimal amount. */
const cents = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'integer cents')]);
const count = z.union([z.number().int(), z.string().regex(/^-?\d+$/, 'an integer')]);
const timestamp = z.string();

export const contactSchema = z.looseObject({
  id: acId,
  email: z.string(),
  firstName: z.string().nullable().optional(),
  lastName: z.string().nullable().optional(),
  phone: z.string().nullable().optional(),
  cdate: timestamp,
  udate: timestamp.nullable(),
});

export const tagSchema = z.looseObject({
  id: acId,
  tag: z.string(),
  tagType: z.string(),
  cdate: timestamp.optional(),
});

export const contactTagSchema = z.looseObject({
  id: acId,
  contact: acId,
  tag: acId,
  cdate: timestamp.nullable().optional(),
});

export const fieldSchema = z.looseObject({
  id: acId,
  title: z.string(),
  type: z.string(),
  perstag: z.string().nullable().optional(),
});

export const fieldValueSchema = z.looseObject({
  id: acId,
  contact: acId,
  field: acId,
  value: z.string().nullable(),
  udate: timestamp.nullable().optional(),
});

export const ecomCustomerSchema = z.looseObject({
  id: acId,
  connectionid: acId,
  externalid: z.string().nullable(),
  email: z.string(),
  totalRevenue: cents.optional(),
  totalOrders: count.optional(),
});

export const ecomOrderSchema = z.looseObject({
  id: acId,
  customerid: acId,
  connectionid: acId,
  externalid: z.string().nullable(),
  email: z.string(),
  totalPrice: cents,
  currency: z.string(),
  state: count.optional(),
  orderDate: timestamp.nullable().optional(),
  updatedDate: timestamp.nullable().optional(),
});

export const ecomOrderProductSchema = z.looseObject({
  id: acId,
  orderid: acId,
  name: z.string(),
  price: cents,
  quantity: count,
  sku: z.string().nullable().optional(),
});

export const connectionSchema = z.looseObject({
  id: acId,
  service: z.string(),
  externalid: z.string(),
  name: z.string(),
  status: count,
});
