import { z } from 'zod';
import { deriveSeed, Rng } from '../world/index.js';
import { returnableLines, returnOf } from './build-returns.js';
import { shippedQuantities } from './build-orders.js';
import { invalidInput } from './errors.js';
import { feedbackRowOf } from './feedback-report.js';
import { orderView } from './order-views.js';
import { orderIn } from './orders-routes.js';
import { returnRowOf } from './returns-report.js';
import { ORDER_STATUSES, type SellerAccount } from './types.js';

/** Changes a test can make after a sync, each dated now, as the seller's account would record it. */
export const amazonSellerMutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('update_order_status'), orderId: z.string(), status: z.enum(ORDER_STATUSES) }),
  z.strictObject({
    action: z.literal('add_return'), orderId: z.string(), orderItemId: z.string().optional(),
    quantity: z.number().int().positive(), reason: z.string().min(1).max(100),
  }),
  z.strictObject({ action: z.literal('add_feedback'), orderId: z.string(), rating: z.number().int().min(1).max(5), comments: z.string().max(1000) }),
]);
export type AmazonSellerMutation = z.infer<typeof amazonSellerMutationSchema>;

type Of<A extends AmazonSellerMutation['action']> = Extract<AmazonSellerMutation, { action: A }>;

/** Moves the order to a status; shipped quantities follow it and LastUpdateDate becomes now. */
function updateOrderStatus(account: SellerAccount, m: Of<'update_order_status'>, nowMs: number): unknown {
  const order = orderIn(account, m.orderId);
  const quantities = order.lines.map((l) => l.quantityOrdered);
  if (m.status === 'PartiallyShipped' && quantities.reduce((a, b) => a + b, 0) < 2) throw invalidInput(`Order ${order.amazonOrderId} has one unit, so it cannot be partially shipped.`);
  order.status = m.status;
  shippedQuantities(m.status, quantities).forEach((q, i) => {
    order.lines[i]!.quantityShipped = q;
  });
  order.lastUpdateMs = nowMs;
  return orderView(order, account.marketplace);
}

/** A return requested now; the flat-file returns report only covers seller-fulfilled orders. */
function addReturn(account: SellerAccount, m: Of<'add_return'>, nowMs: number): unknown {
  const order = orderIn(account, m.orderId);
  if (order.fulfillmentChannel !== 'MFN') throw invalidInput(`Order ${order.amazonOrderId} is fulfilled by Amazon; only seller-fulfilled returns are in the returns report.`);
  const lines = returnableLines(order, account.returns);
  const target = m.orderItemId === undefined ? lines[0] : lines.find((l) => l.line.orderItemId === m.orderItemId);
  if (!target) throw invalidInput(`Order ${order.amazonOrderId} has no shipped units${m.orderItemId ? ` of item ${m.orderItemId}` : ''} left to return.`);
  if (m.quantity > target.left) throw invalidInput(`Only ${target.left} unit(s) of item ${target.line.orderItemId} can still be returned.`);
  const rmaNumber = account.counters.rma++;
  const rng = new Rng(deriveSeed(account.seed, `amazon-sp-return-mutation:${rmaNumber}`));
  const ret = returnOf(account.seed, account.marketplace, { order, line: target.line, quantity: m.quantity, reason: m.reason, requestedMs: nowMs }, rmaNumber, nowMs, rng);
  account.returns.push(ret);
  return returnRowOf(account, ret);
}

/** Feedback left now; a buyer rates an order once, and only an order that has a buyer. */
function addFeedback(account: SellerAccount, m: Of<'add_feedback'>, nowMs: number): unknown {
  const order = orderIn(account, m.orderId);
  if (account.feedback.some((f) => f.amazonOrderId === order.amazonOrderId)) throw invalidInput(`Order ${order.amazonOrderId} already has feedback.`);
  if (order.status === 'Pending' || order.status === 'Canceled' || order.status === 'Unfulfillable') throw invalidInput(`Order ${order.amazonOrderId} is ${order.status}; its buyer cannot leave feedback.`);
  const feedback = { amazonOrderId: order.amazonOrderId, leftMs: nowMs, rating: m.rating as 1 | 2 | 3 | 4 | 5, comments: m.comments, response: null, raterEmail: order.buyerEmail };
  account.feedback.push(feedback);
  return feedbackRowOf(account.marketplace, feedback);
}

/** Applies a mutation at `nowMs`, the real clock: the data ends at the anchor and a change made by a test happens now. */
export function applyAmazonSellerMutation(account: SellerAccount, m: AmazonSellerMutation, nowMs: number): unknown {
  if (m.action === 'update_order_status') return updateOrderStatus(account, m, nowMs);
  if (m.action === 'add_return') return addReturn(account, m, nowMs);
  return addFeedback(account, m, nowMs);
}
