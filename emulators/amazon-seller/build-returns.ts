import { DAY_MS, deriveSeed, Rng, type World } from '../world/index.js';
import { rmaIdOf, trackingIdOf } from './ids.js';
import type { Marketplace } from './marketplaces.js';
import type { SpOrder, SpOrderLine, SpReturn } from './types.js';

const HOUR_MS = 3_600_000;
/** Amazon's return reason codes, weighted as returns of merchandise tend to spread. */
const REASON_WEIGHTS = {
  'CR-UNWANTED_ITEM': 30, 'CR-DEFECTIVE': 18, 'CR-NOT_AS_DESCRIBED': 12, 'CR-ORDERED_WRONG_ITEM': 10, 'CR-QUALITY_UNACCEPTABLE': 8,
  'CR-DAMAGED_BY_CARRIER': 8, 'CR-FOUND_BETTER_PRICE': 7, 'CR-MISSED_ESTIMATED_DELIVERY': 4, 'CR-SWITCHEROO': 3,
} as const;
/** Reasons that are the buyer's doing: the buyer pays for the label. */
const BUYER_REASONS: ReadonlySet<string> = new Set(['CR-UNWANTED_ITEM', 'CR-ORDERED_WRONG_ITEM', 'CR-FOUND_BETTER_PRICE']);
/** Share of seller-fulfilled shipped orders returned without a refund in the world, and with one. */
const RETURN_CHANCE = 0.07;
const RETURN_CHANCE_WHEN_REFUNDED = 0.9;

/** What a test or the builder knows about a new return; the rest follows the marketplace's habits. */
export interface ReturnRequest {
  order: SpOrder;
  line: SpOrderLine;
  quantity: number;
  reason: string;
  requestedMs: number;
}

/** Seller-fulfilled orders with shipped units: the only ones the flat-file returns report covers. */
export function returnableLines(order: SpOrder, returns: readonly SpReturn[]): { line: SpOrderLine; left: number }[] {
  if (order.fulfillmentChannel !== 'MFN') return [];
  return order.lines
    .map((line) => ({ line, left: line.quantityShipped - returns.filter((r) => r.orderItemId === line.orderItemId).reduce((n, r) => n + r.quantity, 0) }))
    .filter((l) => l.left > 0);
}

/** A return with its RMA, label and carrier; delivery and refund follow from how long ago it was asked for. */
export function returnOf(seed: number, marketplace: Marketplace, request: ReturnRequest, rmaNumber: number, nowMs: number, rng: Rng): SpReturn {
  const carrier = rng.pick(marketplace.returnCarriers);
  const deliveredMs = request.requestedMs + rng.int(3, 9) * DAY_MS + rng.int(0, 86_399) * 1000;
  const delivered = deliveredMs <= nowMs;
  const resolution = rng.chance(0.15) ? 'RefundAtFirstScan' : 'StandardRefund';
  const refunded = delivered || (resolution === 'RefundAtFirstScan' && request.requestedMs + DAY_MS <= nowMs);
  const unitMinor = request.line.itemPriceMinor / request.line.quantityOrdered;
  return {
    amazonOrderId: request.order.amazonOrderId,
    orderItemId: request.line.orderItemId,
    requestedMs: request.requestedMs,
    deliveredMs: delivered ? deliveredMs : null,
    status: delivered ? 'Closed' : 'Approved',
    rmaId: rmaIdOf(seed, rmaNumber),
    labelType: rng.chance(marketplace.region === 'na' ? 0.9 : 0.7) ? 'AmazonPrePaidLabel' : 'AmazonUnPaidLabel',
    labelCostMinor: rng.int(350, 899),
    carrier,
    trackingId: trackingIdOf(seed, rmaNumber, carrier),
    labelPaidBy: BUYER_REASONS.has(request.reason) ? 'Customer' : 'Seller',
    aToZClaim: rng.chance(0.03),
    inPolicy: rng.chance(0.93),
    quantity: request.quantity,
    reason: request.reason,
    resolution,
    refundedMinor: refunded ? Math.round(unitMinor * request.quantity) : null,
  };
}

/**
 * Returns of seller-fulfilled orders: most orders the world refunded come back, and a few others; a line of two or
 * more units is often returned in part. The first two such lines always are, so partial returns show in any world.
 */
export function buildReturns(world: World, marketplace: Marketplace, orders: readonly SpOrder[]): SpReturn[] {
  const anchorMs = Date.parse(world.anchor);
  const refunded = new Set(world.people.flatMap((p) => p.orders.filter((o) => o.refunds.length > 0).map((o) => o.order_id)));
  const forcedPartial = { left: 2 };
  const returns: SpReturn[] = [];
  for (const order of orders) {
    const rng = new Rng(deriveSeed(world.seed, `amazon-sp-return:${order.amazonOrderId}`));
    const lines = returnableLines(order, returns);
    const multi = lines.find((l) => l.left >= 2);
    const partial = multi !== undefined && forcedPartial.left > 0;
    if (lines.length === 0 || (!partial && !rng.chance(refunded.has(order.worldOrderId) ? RETURN_CHANCE_WHEN_REFUNDED : RETURN_CHANCE))) continue;
    const requestedMs = order.lastUpdateMs + rng.int(2, 25) * DAY_MS + rng.int(0, 86_399) * 1000;
    if (requestedMs > anchorMs - HOUR_MS) continue;
    if (partial) forcedPartial.left--;
    const { line, left } = partial ? multi : rng.pick(lines);
    const quantity = partial || (left >= 2 && rng.chance(0.5)) ? 1 : left;
    returns.push(returnOf(world.seed, marketplace, { order, line, quantity, reason: rng.weighted(REASON_WEIGHTS), requestedMs }, returns.length, anchorMs, rng));
  }
  return returns.sort((a, b) => a.requestedMs - b.requestedMs || a.rmaId.localeCompare(b.rmaId));
}
