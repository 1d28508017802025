import { belowLimit, type PaginationSpec, type SourceSpec, type WindowFilterSpec } from '../spec';
import { customerSchema, orderCouponSchema, orderProductSchema, orderSchema, productSchema } from './schemas';

/**
 * Orders page by id (`min_id`, which includes the id it is given) inside a pinned
 * `date_modified` window. An order edited while the sync pages keeps its id, so unlike page numbers
 * over a `date_modified` sort no page boundary moves and no order is skipped; the edit itself is
 * read by the next sync.
 */
const ORDER_PAGING: PaginationSpec = { type: 'after_last_id', pageSizeParam: 'limit', pageSize: 250, afterParam: 'min_id', idField: 'id', afterIsInclusive: true };

/** Products page by id the same way (`id:greater`, exclusive). */
const PRODUCT_PAGING: PaginationSpec = { type: 'after_last_id', pageSizeParam: 'limit', pageSize: 250, afterParam: 'id:greater', idField: 'id' };

/** V2 takes RFC 2822 or ISO 8601 for its date filters; ISO needs no new bound format. */
const ORDER_MODIFIED: WindowFilterSpec = { fromParam: 'min_date_modified', toParam: 'max_date_modified', format: 'iso_datetime' };

/**
 * BigCommerce REST (v2 orders, v3 customers and catalog). The connection's base URL holds the
 * store: `https://api.bigcommerce.com/stores/{store_hash}`. Order line items and coupons have no
 * store-wide list: they are read per order, for the orders modified in the sync's window.
 */
export const bigcommerceSource: SourceSpec = {
  name: 'bigcommerce',
  auth: { type: 'header', name: 'X-Auth-Token' },
  // V2 answers a bare array and HTTP 204 past the last page; v3 carries `meta.pagination`.
  pagination: { type: 'page_number', pageParam: 'page', pageSizeParam: 'limit', pageSize: 250, firstPage: 1, totalPagesPath: 'meta.pagination.total_pages' },
  // https://developer.bigcommerce.com/docs/start/best-practices/api-rate-limits: the store's quota,
  // shared by every app of the store, depends on its plan: 150 requests per 30 s on Standard and
  // Plus, 450 on Pro, more on Enterprise. The default fits the smallest; every answer names the
  // store's quota and window (`X-Rate-Limit-Requests-Quota` per `X-Rate-Limit-Time-Window-Ms`), which
  // the connection follows from then on, and what is left of it, holding until the window's reset
  // (`X-Rate-Limit-Time-Reset-Ms`) when nothing is.
  requestsPerSecond: { live: belowLimit(150 / 30, 'shared'), sandbox: belowLimit(150 / 30, 'shared') },
  rateLimitHeader: 'x-rate-limit-requests-quota',
  rateLimitWindowHeader: 'x-rate-limit-time-window-ms',
  rateBudget: 'shared',
  rateLimitRemainingHeader: 'x-rate-limit-requests-left',
  lookbackSeconds: 3600,
  describeError(body) {
    // V2 answers a list of `{ status, message }`; v3 a problem object with `title` and `errors`.
    if (Array.isArray(body)) return body.map((e: { status?: number; message?: string }) => [e.status, e.message].filter(Boolean).join(': ')).join('; ') || 'no error body';
    const b = body as { status?: number; title?: string; detail?: string; errors?: Record<string, unknown> } | undefined;
    if (!b?.title) return 'no error body';
    const fields = b.errors && Object.keys(b.errors).length > 0 ? ` (${JSON.stringify(b.errors)})` : '';
    return `${b.title}${b.detail ? `: ${b.detail}` : ''}${fields}`;
  },
  retryAfterMs(headers) {
    // Sent with every answer; after a 429 it is the wait until the quota window refills.
    const ms = Number(headers.get('x-rate-limit-time-reset-ms'));
    return headers.has('x-rate-limit-time-reset-ms') && Number.isFinite(ms) && ms >= 0 ? ms : undefined;
  },
  streams: [
    {
      name: 'orders',
      path: '/v2/orders',
      recordsPath: '',
      primaryKey: 'id',
      cursorField: 'date_modified',
      params: { sort: 'id:asc' },
      pagination: ORDER_PAGING,
      window: ORDER_MODIFIED,
      schema: orderSchema,
    },
    {
      // Incomplete orders (status 0: checkouts abandoned before payment) are left out of the order
      // list unless asked for by status; they are the store's abandoned carts.
      name: 'incomplete_orders',
      path: '/v2/orders',
      recordsPath: '',
      primaryKey: 'id',
      cursorField: 'date_modified',
      params: { sort: 'id:asc', status_id: '0' },
      pagination: ORDER_PAGING,
      window: ORDER_MODIFIED,
      schema: orderSchema,
    },
    {
      name: 'order_products',
      path: '/v2/orders/{parent_id}/products',
      recordsPath: '',
      primaryKey: 'id',
      cursorField: 'order_id',
      parent: { stream: 'orders', idField: 'id' },
      schema: orderProductSchema,
    },
    {
      name: 'order_coupons',
      path: '/v2/orders/{parent_id}/coupons',
      recordsPath: '',
      primaryKey: 'id',
      cursorField: 'order_id',
      parent: { stream: 'orders', idField: 'id' },
      schema: orderCouponSchema,
    },
    {
      // Sorted by creation, filtered only from below: a customer edited mid-sync stays in the
      // result at the same place, so page numbers stay stable. Edits after the window's end are
      // read now and again next time; staging keeps the newest.
      name: 'customers',
      path: '/v3/customers',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'date_modified',
      params: { sort: 'date_created:asc' },
      window: { fromParam: 'date_modified:min', format: 'iso_datetime' },
      schema: customerSchema,
    },
    {
      name: 'products',
      path: '/v3/catalog/products',
      recordsPath: 'data',
      primaryKey: 'id',
      cursorField: 'date_modified',
      params: { sort: 'id', direction: 'asc' },
      pagination: PRODUCT_PAGING,
      window: { fromParam: 'date_modified:min', toParam: 'date_modified:max', format: 'iso_datetime' },
      schema: productSchema,
    },
  ],
};
