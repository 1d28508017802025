import { belowLimit, type SourceSpec, type WindowFilterSpec } from '../spec';
import {
  chargeSchema,
  couponSchema,
  customerSchema,
  eventSchema,
  invoiceSchema,
  promotionCodeSchema,
  refundSchema,
  subscriptionSchema,
} from './schemas';

/**
 * The Stripe API version every request pins with `Stripe-Version`, so objects arrive in this shape
 * whatever the account's default version is. Events keep the version they were written in (the
 * account's default at the time); staging reads both. To move it, see the README's "Stripe" section.
 */
export const STRIPE_API_VERSION = '2026-07-29.dahlia';

/** Lists filter on the object's creation time; `created[lt]` pins the window's end while a sync runs. */
const CREATED: WindowFilterSpec = { fromParam: 'created[gte]', toParam: 'created[lt]', format: 'unix_seconds' };

/** Stripe, read through its list endpoints: newest first, `starting_after` paging, `created` windows. */
export const stripeSource: SourceSpec = {
  name: 'stripe',
  auth: { type: 'bearer' },
  headers: { 'Stripe-Version': STRIPE_API_VERSION },
  pagination: { type: 'after_last_id', pageSizeParam: 'limit', pageSize: 100, afterParam: 'starting_after', idField: 'id', hasMoreField: 'has_more' },
  // https://docs.stripe.com/rate-limits: 100 read operations a second in live mode, 25 in test mode,
  // per account, reads counted apart from writes: a sync never spends what the account's payments
  // are written with. Stripe names no limit in its answers and no wait on its 429s.
  requestsPerSecond: { live: belowLimit(100, 'own'), sandbox: belowLimit(25, 'own') },
  lookbackSeconds: 3600,
  environmentField: { field: 'livemode', liveValue: true },
  describeError(body) {
    const error = (body as { error?: { type?: string; code?: string; message?: string } } | undefined)?.error;
    if (!error) return 'no error body';
    return [error.type, error.code, error.message].filter(Boolean).join(': ');
  },
  streams: [
    { name: 'customers', path: '/v1/customers', primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: customerSchema },
    { name: 'charges', path: '/v1/charges', primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: chargeSchema },
    // An invoice names its discounts and leaves its payments out; expanded, it carries each discount's
    // coupon and promotion code (a line's discount too) and the payment intent or charge that paid it.
    {
      name: 'invoices',
      path: '/v1/invoices',
      params: { 'expand[0]': 'data.discounts', 'expand[1]': 'data.total_discount_amounts.discount', 'expand[2]': 'data.payments' },
      primaryKey: 'id',
      recordsPath: 'data',
      cursorField: 'created',
      window: CREATED,
      schema: invoiceSchema,
    },
    // Without status=all Stripe leaves canceled subscriptions out of the list.
    { name: 'subscriptions', path: '/v1/subscriptions', params: { status: 'all' }, primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: subscriptionSchema },
    { name: 'refunds', path: '/v1/refunds', primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: refundSchema },
    { name: 'coupons', path: '/v1/coupons', primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: couponSchema },
    // Lists only show objects created in a window; changes to older objects (a refund, a cancellation,
    // a new email) arrive as events, kept by Stripe for 30 days. Staging merges each event's object
    // with the listed versions and keeps the newest.
    { name: 'events', path: '/v1/events', recordsPath: 'data', primaryKey: 'id', cursorField: 'created', window: CREATED, schema: eventSchema },
    { name: 'promotion_codes', path: '/v1/promotion_codes', primaryKey: 'id', recordsPath: 'data', cursorField: 'created', window: CREATED, schema: promotionCodeSchema },
  ],
};
