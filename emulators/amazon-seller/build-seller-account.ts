import type { World } from '../world/index.js';
import { buildFeedback } from './build-feedback.js';
import { buildMarketplaceOrders } from './build-orders.js';
import { buildReturns } from './build-returns.js';
import { sellerIdOf } from './ids.js';
import type { Marketplace } from './marketplaces.js';
import type { SellerAccount } from './types.js';

/** Builds the seller's account in one marketplace from the world; the same world always gives the same account. */
export function buildSellerAccount(world: World, marketplace: Marketplace): SellerAccount {
  const { orders, nextOrderItem } = buildMarketplaceOrders(world, marketplace);
  const returns = buildReturns(world, marketplace, orders);
  return {
    seed: world.seed,
    scale: world.scale,
    anchor: world.anchor,
    marketplace,
    sellerId: sellerIdOf(world.seed),
    orders,
    returns,
    feedback: buildFeedback(world, orders),
    counters: { orderItem: nextOrderItem, rma: returns.length },
  };
}
