import { isoAt } from '../world/index.js';
import { feedbackRowOf, type FeedbackRow } from './feedback-report.js';
import { orderItemsView, orderView } from './order-views.js';
import { returnRowOf, type ReturnRow } from './returns-report.js';
import { ORDER_STATUSES, type OrderStatus, type SellerAccount } from './types.js';

/** An order exactly as getOrders and getOrderItems serve it now, with who bought it. */
export interface TruthOrder {
  order: Record<string, unknown>;
  items: Record<string, unknown>[];
  person_id: string;
  world_order_id: string;
  /** The buyer's anonymized address, also where the order's status hides it from the API. */
  buyer_email: string;
}

export interface AmazonSellerGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  /** The latest change: the anchor, or the last mutation. */
  as_of: string;
  marketplace_id: string;
  currency_code: string;
  seller_id: string;
  /** Oldest purchase first. */
  orders: TruthOrder[];
  /** Every return, as the returns report's rows, oldest request first. */
  returns: ReturnRow[];
  /** Every feedback of one to five stars, oldest first; the feedback report carries those of one to three. */
  feedback: FeedbackRow[];
  counts: { orders: number; order_items: number; by_status: Record<OrderStatus, number>; returns: number; feedback: number };
}

/** Facts about the served account, computed from the same objects the API serves, for tests to compare against. */
export function computeAmazonSellerTruth(account: SellerAccount, asOfMs: number): AmazonSellerGroundTruth {
  const { marketplace } = account;
  const byStatus = Object.fromEntries(ORDER_STATUSES.map((s) => [s, 0])) as Record<OrderStatus, number>;
  for (const o of account.orders) byStatus[o.status]++;
  return {
    seed: account.seed,
    scale: account.scale,
    anchor: account.anchor,
    as_of: isoAt(asOfMs),
    marketplace_id: marketplace.id,
    currency_code: marketplace.currencyCode,
    seller_id: account.sellerId,
    orders: account.orders.map((o) => ({
      order: orderView(o, marketplace),
      items: orderItemsView(o, marketplace),
      person_id: o.personId,
      world_order_id: o.worldOrderId,
      buyer_email: o.buyerEmail,
    })),
    returns: account.returns.map((r) => returnRowOf(account, r)),
    feedback: account.feedback.map((f) => feedbackRowOf(marketplace, f)),
    counts: {
      orders: account.orders.length,
      order_items: account.orders.reduce((n, o) => n + o.lines.length, 0),
      by_status: byStatus,
      returns: account.returns.length,
      feedback: account.feedback.length,
    },
  };
}
