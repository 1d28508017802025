import type { SourceSpec } from '../spec';
import {
  chargeSchema,
  couponSchema,
  customerSchema,
  invoiceSchema,
  promotionCodeSchema,
  refundSchema,
  subscriptionSchema,
} from './schemas';

/** Stripe, read through its list endpoints: newest first, `starting_after` paging, `created` windows. */
export const stripeSource: SourceSpec = {
  name: 'stripe',
  auth: { type: 'bearer' },
  pagination: {
    type: 'after_last_id',
    pageSizeParam: 'limit',
    pageSize: 100,
    afterParam: 'starting_after',
    idField: 'id',
    recordsField: 'data',
    hasMoreField: 'has_more',
  },
  window: { fromParam: 'created[gte]', toParam: 'created[lt]', format: 'unix_seconds' },
  // Stripe allows 100 read requests per second in live mode and 25 in test mode.
  requestsPerSecond: { live: 80, sandbox: 20 },
  lookbackSeconds: 3600,
  environmentField: { field: 'livemode', liveValue: true },
  describeError(body) {
    const error = (body as { error?: { type?: string; code?: string; message?: string } } | undefined)?.error;
    if (!error) return 'no error body';
    return [error.type, error.code, error.message].filter(Boolean).join(': ');
  },
  streams: [
    { name: 'customers', path: '/v1/customers', primaryKey: 'id', cursorField: 'created', windowed: true, schema: customerSchema },
    { name: 'charges', path: '/v1/charges', primaryKey: 'id', cursorField: 'created', windowed: true, schema: chargeSchema },
    { name: 'invoices', path: '/v1/invoices', primaryKey: 'id', cursorField: 'created', windowed: true, schema: invoiceSchema },
    // Without status=all Stripe leaves canceled subscriptions out of the list.
    { name: 'subscriptions', path: '/v1/subscriptions', params: { status: 'all' }, primaryKey: 'id', cursorField: 'created', windowed: true, schema: subscriptionSchema },
    { name: 'refunds', path: '/v1/refunds', primaryKey: 'id', cursorField: 'created', windowed: true, schema: refundSchema },
    { name: 'coupons', path: '/v1/coupons', primaryKey: 'id', cursorField: 'created', windowed: true, schema: couponSchema },
    { name: 'promotion_codes', path: '/v1/promotion_codes', primaryKey: 'id', cursorField: 'created', windowed: true, schema: promotionCodeSchema },
  ],
};
