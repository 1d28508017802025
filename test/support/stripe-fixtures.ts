import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../../lib/paths';

/** Stripe's official fixture objects (test/fixtures/stripe/fixtures3.subset.json), by resource name. */
export const stripeFixtures = JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'stripe', 'fixtures3.subset.json'), 'utf8')).resources as Record<
  string,
  Record<string, unknown>
>;

/** Synced stream name -> the fixture resource it lists. */
export const FIXTURE_OF_STREAM: Record<string, string> = {
  customers: 'customer',
  charges: 'charge',
  invoices: 'invoice',
  subscriptions: 'subscription',
  refunds: 'refund',
  coupons: 'coupon',
  promotion_codes: 'promotion_code',
  events: 'event',
};
