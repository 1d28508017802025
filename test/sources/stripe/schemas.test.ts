import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { PROJECT_ROOT } from '../../../lib/paths';

const fixtures = JSON.parse(
  fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'stripe', 'fixtures3.subset.json'), 'utf8'),
).resources as Record<string, Record<string, unknown>>;

// Stream name -> the fixture resource it lists.
const FIXTURE_OF_STREAM: Record<string, string> = {
  customers: 'customer',
  charges: 'charge',
  invoices: 'invoice',
  subscriptions: 'subscription',
  refunds: 'refund',
  coupons: 'coupon',
  promotion_codes: 'promotion_code',
  events: 'event',
};

describe('Stripe stream schemas', () => {
  for (const stream of stripeSource.streams) {
    it(`accept Stripe's own ${stream.name} fixture`, () => {
      const fixture = fixtures[FIXTURE_OF_STREAM[stream.name]!];
      expect(fixture, `fixture for ${stream.name}`).toBeDefined();
      const result = stream.schema.safeParse(fixture);
      expect(result.success ? 'ok' : result.error.issues).toBe('ok');
      // Unread fields pass through: the raw lake keeps the whole object.
      expect(result.data).toEqual(fixture);
    });
  }

  it('reject a charge whose amount is not in minor units', () => {
    const charges = stripeSource.streams.find((s) => s.name === 'charges')!;
    const result = charges.schema.safeParse({ ...fixtures.charge, amount: 10.5 });
    expect(result.success).toBe(false);
  });

  it('every stream has a fixture to be checked against', () => {
    expect(stripeSource.streams.map((s) => s.name).sort()).toEqual(Object.keys(FIXTURE_OF_STREAM).sort());
  });
});
