import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import { isoAt } from '../world/index.js';
import { invalidInput, notFound } from './errors.js';
import { orderItemsView, orderView } from './order-views.js';
import { nextTokenOf, parseOrdersQuery, type OrdersPageRequest } from './orders-query.js';
import type { SellerAccount, SpOrder } from './types.js';

const ORDER_ID = /^\d{3}-\d{7}-\d{7}$/;

/** The orders a page request selects, oldest first by the filtered date, ties by AmazonOrderId. */
function selected(account: SellerAccount, page: OrdersPageRequest): { order: SpOrder; ms: number }[] {
  const { filter, after } = page;
  if (!filter.marketplaceIds.includes(account.marketplace.id)) return [];
  return account.orders
    .map((order) => ({ order, ms: filter.by === 'created' ? order.purchaseMs : order.lastUpdateMs }))
    .filter(({ order, ms }) =>
      ms >= filter.afterMs && ms <= filter.beforeMs &&
      (filter.statuses === null || filter.statuses.includes(order.status)) &&
      (filter.channels === null || filter.channels.includes(order.fulfillmentChannel)) &&
      (filter.orderIds === null || filter.orderIds.includes(order.amazonOrderId)))
    .sort((a, b) => a.ms - b.ms || a.order.amazonOrderId.localeCompare(b.order.amazonOrderId))
    // Pages continue after the last order served, not at an offset, so an order that changes meanwhile shifts nothing.
    .filter(({ order, ms }) => after === null || ms > after.ms || (ms === after.ms && order.amazonOrderId > after.id));
}

/** The `OrdersList` payload of one page. */
export function ordersPayload(account: SellerAccount, page: OrdersPageRequest): Record<string, unknown> {
  const rest = selected(account, page);
  const served = rest.slice(0, page.pageSize);
  const last = served[served.length - 1];
  return {
    Orders: served.map(({ order }) => orderView(order, account.marketplace)),
    ...(rest.length > page.pageSize && last ? { NextToken: nextTokenOf(page, { ms: last.ms, id: last.order.amazonOrderId }) } : {}),
    [page.filter.by === 'created' ? 'CreatedBefore' : 'LastUpdatedBefore']: isoAt(page.filter.beforeMs),
  };
}

/** The order in the path, or the API's 400 for a malformed id and 404 for one the seller does not have. */
export function orderIn(account: SellerAccount, orderId: string): SpOrder {
  if (!ORDER_ID.test(orderId)) throw invalidInput(`Invalid orderId: ${orderId}. An AmazonOrderId has the form 3-7-7.`);
  const order = account.orders.find((o) => o.amazonOrderId === orderId);
  if (!order) throw notFound(`Order ${orderId} was not found.`);
  return order;
}

/** getOrders and getOrderItems of the Orders API v0. */
export function registerOrdersRoutes(app: FastifyInstance, account: SellerAccount, nowMs: () => number): void {
  app.get('/orders/v0/orders', async (request) => ({ payload: ordersPayload(account, parseOrdersQuery(request.query as FlatQuery, nowMs())) }));

  app.get('/orders/v0/orders/:orderId/orderItems', async (request: FastifyRequest<{ Params: { orderId: string } }>) => {
    const order = orderIn(account, request.params.orderId);
    // Orders hold a handful of lines, so one page always carries them all and no NextToken is needed.
    return { payload: { AmazonOrderId: order.amazonOrderId, OrderItems: orderItemsView(order, account.marketplace) } };
  });
}
