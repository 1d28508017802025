import { z } from 'zod';
import { numericIdSchema as idSchema } from '../http/mutation-input.js';
import { PAYMENT_STATUS } from './build-store.js';
import { BigCommerceError } from './errors.js';
import { decimal4, isoZulu, minorOf, rfc2822 } from './formats.js';
import { PAID_STATUSES, statusName, type OrderStatusId } from './order-status.js';
import type { BcCustomer, BcOrder, BigCommerceStore } from './types.js';

/** Changes a test can make to the store after a sync, as the merchant would make them in the control panel. */
export const bcMutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('refund_order'), id: idSchema, amount_minor: z.number().int().positive().optional() }),
  z
    .strictObject({
      action: z.literal('update_customer'),
      id: idSchema,
      email: z.string().optional(),
      first_name: z.string().optional(),
      last_name: z.string().optional(),
      phone: z.string().optional(),
    })
    .refine((m) => [m.email, m.first_name, m.last_name, m.phone].some((v) => v !== undefined), { message: 'name at least one of email, first_name, last_name, phone' }),
]);
export type BcMutation = z.infer<typeof bcMutationSchema>;

/** What a mutation answers: the changed object in the shape of the API version that serves it. */
export type BcMutationResult = { version: 'v2'; order: BcOrder } | { version: 'v3'; customer: BcCustomer };

/** An order refunded in full or in part: status, payment status, refunded amount and, in full, each line. */
function refundOrder(store: BigCommerceStore, m: Extract<BcMutation, { action: 'refund_order' }>, nowMs: number): BcMutationResult {
  const found = store.orders.find((o) => o.order.id === m.id);
  if (!found) throw new BigCommerceError(404, 'The requested resource was not found.');
  const { order } = found;
  if (!PAID_STATUSES.has(order.status_id)) {
    throw new BigCommerceError(400, `Order ${m.id} is ${order.status} and has no payment to refund.`);
  }
  const total = minorOf(order.total_inc_tax);
  const refundable = total - minorOf(order.refunded_amount);
  const amount = m.amount_minor ?? refundable;
  if (amount > refundable) throw new BigCommerceError(400, `At most ${decimal4(refundable)} of order ${m.id} can still be refunded.`);

  const refunded = total - refundable + amount;
  const status: OrderStatusId = refunded >= total ? 4 : 14;
  order.status_id = status;
  order.status = statusName(status);
  order.custom_status = statusName(status);
  order.payment_status = PAYMENT_STATUS[status]!;
  order.refunded_amount = decimal4(refunded);
  if (status === 4) {
    for (const line of found.products) {
      const discount = line.applied_discounts.reduce((n, d) => n + minorOf(d.amount), 0);
      line.is_refunded = true;
      line.quantity_refunded = line.quantity;
      line.refund_amount = decimal4(minorOf(line.total_inc_tax) - discount);
    }
  }
  order.date_modified = rfc2822(nowMs);
  found.modifiedMs = nowMs;
  return { version: 'v2', order };
}

function updateCustomer(store: BigCommerceStore, m: Extract<BcMutation, { action: 'update_customer' }>, nowMs: number): BcMutationResult {
  const found = store.customers.find((c) => c.customer.id === m.id);
  if (!found) throw new BigCommerceError(404, 'The requested resource was not found.');
  const { customer } = found;
  if (m.email !== undefined) customer.email = m.email;
  if (m.first_name !== undefined) customer.first_name = m.first_name;
  if (m.last_name !== undefined) customer.last_name = m.last_name;
  if (m.phone !== undefined) customer.phone = m.phone;
  customer.date_modified = isoZulu(nowMs);
  found.modifiedMs = nowMs;
  return { version: 'v3', customer };
}

/**
 * Applies a mutation at `nowMs`, the real clock: the store's history ends at its anchor, and a
 * change made by a test happens now, so `date_modified` filters of the next sync find it.
 */
export function applyBcMutation(store: BigCommerceStore, m: BcMutation, nowMs: number): BcMutationResult {
  return m.action === 'refund_order' ? refundOrder(store, m, nowMs) : updateCustomer(store, m, nowMs);
}
