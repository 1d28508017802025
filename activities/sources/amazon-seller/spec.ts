import { belowLimit, type OperationLimit, type SourceSpec } from '../spec';
import { reportsApi } from './reports-api';
import { feedbackSchema, orderItemSchema, orderSchema, returnSchema } from './schemas';

// Default usage plans of the operations cdp calls (rate in requests per second, burst), from
// https://developer-docs.amazon.com/sp-api/docs/orders-api-rate-limits, each per account-application
// pair: no other app spends them. A seller's own plan may be higher: every answer's
// `x-amzn-RateLimit-Limit` header names the pair's rate, which the limiter follows from then on.
const GET_ORDERS: OperationLimit = { operation: 'getOrders', requestsPerSecond: belowLimit(0.0167, 'own'), burst: 20 };
const GET_ORDER_ITEMS: OperationLimit = { operation: 'getOrderItems', requestsPerSecond: belowLimit(0.5, 'own'), burst: 30 };

interface SpApiErrors {
  errors?: { code?: string; message?: string; details?: string }[];
}

/** Amazon's 403 for an access token past its hour: code `Unauthorized`, the reason in `details`. */
function saysTokenExpired(status: number, body: unknown): boolean {
  if (status !== 403) return false;
  return ((body as SpApiErrors | undefined)?.errors ?? []).some((e) => e.code === 'Unauthorized' && /access token you provided has expired/i.test(`${e.details ?? ''} ${e.message ?? ''}`));
}

/**
 * A marketplace seller account through Amazon's Selling Partner API. The connection's base URL is
 * the region's endpoint (`https://sellingpartnerapi-na.amazon.com`); it signs in with Login with
 * Amazon (`lwa`: client id, client secret, refresh token), and each request carries an access token
 * minted from them in `x-amz-access-token`. `path_params.marketplaceId` is the marketplace it reads. Orders are
 * read by last-update window, so an order that ships, is cancelled or refunded after a sync is read
 * again by the next one; their lines are read per order. Returns and buyer feedback exist only as
 * reports, requested per window, built by Amazon, then downloaded.
 */
export const amazonSellerSource: SourceSpec = {
  name: 'amazon_seller',
  auth: { type: 'header', name: 'x-amz-access-token' },
  pagination: { type: 'next_cursor', pageSizeParam: 'MaxResultsPerPage', pageSize: 100, cursorParam: 'NextToken', cursorPath: 'payload.NextToken', nextPath: 'payload.NextToken' },
  // Every request cdp makes names its operation; this pace would cover one that did not.
  requestsPerSecond: { live: 1, sandbox: 1 },
  rateLimitHeader: 'x-amzn-ratelimit-limit',
  rateBudget: 'own',
  // Orders are read by last update; fifteen minutes of overlap re-read updates written late.
  lookbackSeconds: 15 * 60,
  reportApi: reportsApi,
  isTokenExpired: saysTokenExpired,
  describeError(body) {
    const b = body as SpApiErrors | undefined;
    const line = (b?.errors ?? []).map((e) => [e.code, e.message, e.details].filter(Boolean).join(': ')).join('; ');
    return line || 'no error body';
  },
  streams: [
    {
      // Exactly one of CreatedAfter or LastUpdatedAfter; the upper bound must be two minutes old.
      name: 'orders',
      path: '/orders/v0/orders',
      recordsPath: 'payload.Orders',
      primaryKey: 'AmazonOrderId',
      cursorField: 'LastUpdateDate',
      params: { MarketplaceIds: '{marketplaceId}' },
      window: { fromParam: 'LastUpdatedAfter', toParam: 'LastUpdatedBefore', format: 'iso_datetime', fromRequired: true, settleSeconds: 180 },
      rateLimit: GET_ORDERS,
      schema: orderSchema,
    },
    {
      // One request per order updated in the window: at 0.5 a second, the slowest stream of a backfill.
      name: 'order_items',
      path: '/orders/v0/orders/{parent_id}/orderItems',
      recordsPath: 'payload.OrderItems',
      primaryKey: 'OrderItemId',
      cursorField: 'cdp_parent.parent_id',
      parent: { stream: 'orders', idField: 'AmazonOrderId', recordField: 'cdp_parent' },
      // `NextToken` only: the API sets the page size of an order's lines.
      pagination: { type: 'next_cursor', pageSize: 100, cursorParam: 'NextToken', cursorPath: 'payload.NextToken', nextPath: 'payload.NextToken' },
      rateLimit: GET_ORDER_ITEMS,
      schema: orderItemSchema,
    },
    {
      // At most 60 days per report; a return's status and refund change for weeks after it is requested.
      name: 'returns',
      path: '/reports/2021-06-30/reports',
      recordsPath: '',
      // One row per returned SKU of one return authorization.
      primaryKey: 'Amazon RMA ID+Merchant SKU',
      cursorField: 'Return request date',
      lookbackSeconds: 30 * 86_400,
      report: { reportType: 'GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE', maxWindowDays: 60, historyDays: 3 * 365, reportField: 'cdp_report' },
      schema: returnSchema,
    },
    {
      // One row per order a buyer rated; a seller's response may be added later.
      name: 'feedback',
      path: '/reports/2021-06-30/reports',
      recordsPath: '',
      primaryKey: 'Order ID',
      cursorField: 'Date',
      lookbackSeconds: 30 * 86_400,
      report: { reportType: 'GET_SELLER_FEEDBACK_DATA', maxWindowDays: 90, historyDays: 3 * 365, reportField: 'cdp_report' },
      schema: feedbackSchema,
    },
  ],
};
