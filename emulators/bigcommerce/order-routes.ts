import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import { invalidParam, notFound } from './errors.js';
import { ALL_STATUS_IDS, HIDDEN_BY_DEFAULT_STATUS, ORDER_STATUSES } from './order-status.js';
import { parseDateParam, parseIntParam, parsePaging, parseSort, single, sortBy } from './list-query.js';
import type { BcOrder, BigCommerceStore, StoreOrder } from './types.js';

const SORT_FIELDS = ['id', 'customer_id', 'date_created', 'date_modified', 'status_id', 'channel_id', 'external_id'] as const;

type Params = { hash: string; id?: string };

function sortKey(field: string): (o: StoreOrder) => number | string {
  switch (field) {
    case 'customer_id': return (o) => o.order.customer_id;
    case 'date_created': return (o) => o.createdMs;
    case 'date_modified': return (o) => o.modifiedMs;
    case 'status_id': return (o) => o.order.status_id;
    case 'channel_id': return (o) => o.order.channel_id;
    case 'external_id': return (o) => o.order.external_id ?? '';
    default: return (o) => o.order.id;
  }
}

/** Applies GET /v2/orders's filters; without status_id, Incomplete orders are left out as BigCommerce does. */
function filterOrders(orders: readonly StoreOrder[], query: FlatQuery): StoreOrder[] {
  const statusId = parseIntParam(query, 'status_id', 'v2');
  if (statusId !== null && !ALL_STATUS_IDS.includes(statusId as never)) throw invalidParam('v2', 'status_id', `${statusId} is not an order status.`);
  const minCreated = parseDateParam(query, 'min_date_created', 'v2');
  const maxCreated = parseDateParam(query, 'max_date_created', 'v2');
  const minModified = parseDateParam(query, 'min_date_modified', 'v2');
  const maxModified = parseDateParam(query, 'max_date_modified', 'v2');
  const minId = parseIntParam(query, 'min_id', 'v2');
  const maxId = parseIntParam(query, 'max_id', 'v2');
  const customerId = parseIntParam(query, 'customer_id', 'v2');
  const email = single(query, 'email')?.trim().toLowerCase();
  return orders.filter(
    (o) =>
      (statusId === null ? o.order.status_id !== HIDDEN_BY_DEFAULT_STATUS : o.order.status_id === statusId) &&
      (minCreated === null || o.createdMs >= minCreated) &&
      (maxCreated === null || o.createdMs <= maxCreated) &&
      (minModified === null || o.modifiedMs >= minModified) &&
      (maxModified === null || o.modifiedMs <= maxModified) &&
      (minId === null || o.order.id >= minId) &&
      (maxId === null || o.order.id <= maxId) &&
      (customerId === null || o.order.customer_id === customerId) &&
      (email === undefined || email === '' || o.order.billing_address.email.trim().toLowerCase() === email),
  );
}

/** v2 lists answer 204 with an empty body when a page holds nothing, including past the last page. */
function sendPage(reply: FastifyReply, items: readonly unknown[]): FastifyReply {
  if (items.length === 0) return reply.code(204).send();
  return reply.code(200).type('application/json').send(JSON.stringify(items));
}

/** Registers the v2 order endpoints under /stores/:hash/v2. */
export function registerOrderRoutes(app: FastifyInstance, store: BigCommerceStore, originOf: (r: FastifyRequest) => string): void {
  const byId = new Map(store.orders.map((o) => [o.order.id, o] as const));
  const withLinks = (order: BcOrder, request: FastifyRequest): BcOrder => {
    const base = `${originOf(request)}/stores/${store.storeHash}/v2`;
    return {
      ...order,
      products: { ...order.products, url: `${base}${order.products.resource}` },
      shipping_addresses: { ...order.shipping_addresses, url: `${base}${order.shipping_addresses.resource}` },
      coupons: { ...order.coupons, url: `${base}${order.coupons.resource}` },
    };
  };
  const orderOf = (request: FastifyRequest<{ Params: Params }>): StoreOrder => {
    const raw = request.params.id ?? '';
    const found = /^\d+$/.test(raw) ? byId.get(Number(raw)) : undefined;
    if (!found) throw notFound();
    return found;
  };

  app.get<{ Params: Params }>('/stores/:hash/v2/orders', async (request, reply) => {
    const query = request.query as FlatQuery;
    const { page, limit } = parsePaging(query, 'v2');
    const sort = parseSort(single(query, 'sort'), SORT_FIELDS, 'v2');
    const matching = filterOrders(store.orders, query);
    const sorted = sort === null ? matching : sortBy(matching, sortKey(sort.field), sort.desc, (o) => o.order.id);
    return sendPage(reply, sorted.slice((page - 1) * limit, page * limit).map((o) => withLinks(o.order, request)));
  });

  app.get<{ Params: Params }>('/stores/:hash/v2/orders/:id', async (request) => withLinks(orderOf(request).order, request));

  app.get<{ Params: Params }>('/stores/:hash/v2/orders/:id/products', async (request, reply) => {
    const { page, limit } = parsePaging(request.query as FlatQuery, 'v2');
    return sendPage(reply, orderOf(request).products.slice((page - 1) * limit, page * limit));
  });

  app.get<{ Params: Params }>('/stores/:hash/v2/orders/:id/coupons', async (request, reply) => {
    const { page, limit } = parsePaging(request.query as FlatQuery, 'v2');
    return sendPage(reply, orderOf(request).coupons.slice((page - 1) * limit, page * limit));
  });

  app.get('/stores/:hash/v2/order_statuses', async () =>
    ALL_STATUS_IDS.map((id) => ({ id, name: ORDER_STATUSES[id], system_label: ORDER_STATUSES[id], custom_label: ORDER_STATUSES[id], order: id })),
  );
}
