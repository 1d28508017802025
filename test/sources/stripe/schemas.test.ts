import { describe, expect, it } from 'vitest';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { FIXTURE_OF_STREAM, stripeFixtures as fixtures } from '../../support/stripe-fixtures';

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
