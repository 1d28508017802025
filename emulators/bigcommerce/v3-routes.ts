import type { FastifyInstance } from 'fastify';
import type { FlatQuery } from '../http/querystring.js';
import { invalidParam } from './errors.js';
import { parseDateParam, parseInList, parsePaging, parseSort, single, sortBy, v3Pagination } from './list-query.js';
import type { BigCommerceStore, StoreCustomer, StoreProduct } from './types.js';

const CUSTOMER_SORTS = ['date_created', 'date_modified', 'last_name'] as const;
const PRODUCT_SORTS = ['id', 'name', 'sku', 'price', 'date_modified', 'total_sold'] as const;

/** Filters shared by both v3 lists: `date_modified:min|max`, `date_created:min|max` (inclusive) and `id:in`. */
function dateAndIdFilter(query: FlatQuery, created: boolean): (x: { id: number; createdMs: number; modifiedMs: number }) => boolean {
  const minModified = parseDateParam(query, 'date_modified:min', 'v3');
  const maxModified = parseDateParam(query, 'date_modified:max', 'v3');
  const minCreated = created ? parseDateParam(query, 'date_created:min', 'v3') : null;
  const maxCreated = created ? parseDateParam(query, 'date_created:max', 'v3') : null;
  const ids = parseInList(query, 'id:in');
  if (ids?.some((id) => !/^\d+$/.test(id))) throw invalidParam('v3', 'id:in', 'ids must be integers.');
  const idSet = ids === null ? null : new Set(ids.map(Number));
  return (x) =>
    (minModified === null || x.modifiedMs >= minModified) &&
    (maxModified === null || x.modifiedMs <= maxModified) &&
    (minCreated === null || x.createdMs >= minCreated) &&
    (maxCreated === null || x.createdMs <= maxCreated) &&
    (idSet === null || idSet.has(x.id));
}

function envelope<T>(items: readonly T[], page: number, limit: number): { data: T[]; meta: { pagination: Record<string, unknown> } } {
  const data = items.slice((page - 1) * limit, page * limit);
  return { data, meta: { pagination: v3Pagination(items.length, data.length, page, limit) } };
}

/** Registers GET /v3/customers and GET /v3/catalog/products under /stores/:hash. */
export function registerV3Routes(app: FastifyInstance, store: BigCommerceStore): void {
  app.get('/stores/:hash/v3/customers', async (request) => {
    const query = request.query as FlatQuery;
    const { page, limit } = parsePaging(query, 'v3');
    const keep = dateAndIdFilter(query, true);
    const emails = parseInList(query, 'email:in')?.map((e) => e.toLowerCase());
    const sort = parseSort(single(query, 'sort'), CUSTOMER_SORTS, 'v3');
    const matching = store.customers.filter(
      (c: StoreCustomer) => keep({ id: c.customer.id, createdMs: c.createdMs, modifiedMs: c.modifiedMs }) && (emails === undefined || emails.includes(c.customer.email.toLowerCase())),
    );
    const key = sort?.field === 'last_name' ? (c: StoreCustomer) => c.customer.last_name : sort?.field === 'date_modified' ? (c: StoreCustomer) => c.modifiedMs : (c: StoreCustomer) => c.createdMs;
    const sorted = sort === null ? matching : sortBy(matching, key, sort.desc, (c) => c.customer.id);
    return envelope(sorted.map((c) => c.customer), page, limit);
  });

  app.get('/stores/:hash/v3/catalog/products', async (request) => {
    const query = request.query as FlatQuery;
    const { page, limit } = parsePaging(query, 'v3');
    const keep = dateAndIdFilter(query, false);
    const visible = single(query, 'is_visible');
    const direction = single(query, 'direction') ?? 'asc';
    if (!['asc', 'desc'].includes(direction)) throw invalidParam('v3', 'direction', `'${direction}' is not asc or desc.`);
    const sortField = single(query, 'sort');
    const sort = sortField === undefined ? null : parseSort(`${sortField}:${direction}`, PRODUCT_SORTS, 'v3');
    const matching = store.products.filter(
      (p: StoreProduct) =>
        keep({ id: p.product.id, createdMs: Date.parse(p.product.date_created), modifiedMs: p.modifiedMs }) &&
        (visible === undefined || String(p.product.is_visible) === visible || (visible === '1' && p.product.is_visible) || (visible === '0' && !p.product.is_visible)),
    );
    const keys: Record<string, (p: StoreProduct) => number | string> = {
      id: (p) => p.product.id, name: (p) => p.product.name, sku: (p) => p.product.sku, price: (p) => p.product.price,
      date_modified: (p) => p.modifiedMs, total_sold: (p) => p.product.total_sold,
    };
    const sorted = sort === null ? matching : sortBy(matching, keys[sort.field]!, sort.desc, (p) => p.product.id);
    return envelope(sorted.map((p) => p.product), page, limit);
  });
}
