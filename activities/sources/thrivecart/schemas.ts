import { z } from 'zod';

// A ThriveCart transaction is one event (charge, rebill, refund, cancel) on an order. Schemas check
// what cdp's models read and let every other field through. `transaction_type` and `processor`
// are plain strings: ThriveCart adds kinds without notice.

export const transactionSchema = z.looseObject({
  event_id: z.union([z.string().regex(/^\d+$/, 'a numeric id'), z.number().int()]),
  /** When the event happened, in unix seconds: the stream's cursor. */
  timestamp: z.number().int().nonnegative(),
  transaction_type: z.string(),
  /** Integer minor units (10000 = 100.00). */
  amount: z.number().int(),
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'an ISO 4217 code'),
  order_id: z.string().nullable().optional(),
  item_type: z.string().optional(),
  item_id: z.union([z.string(), z.number().int()]).optional(),
  customer: z.looseObject({ email: z.string().nullable().optional(), name: z.string().nullable().optional() }),
});
