import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { hasCompiledCheck, recordIssues } from '../../../activities/sources/record-check';
import { allSourceSpecs } from '../../../activities/sources/registry';
import { stripeSource } from '../../../activities/sources/stripe/spec';
import { FIXTURE_OF_STREAM, stripeFixtures as fixtures } from '../../support/stripe-fixtures';

// zod's own verdict is the truth: the compiled check must accept and refuse exactly what zod does,
// on Stripe's official fixtures and on every way of breaking one field of them.
const BREAKS: ((v: unknown) => unknown)[] = [() => undefined, () => null, () => 'x', () => 'cus_1', () => 1.5, () => -1, () => 7, () => true, () => ({}), () => [], (v) => (typeof v === 'string' ? `${v}X` : v), (v) => (typeof v === 'string' ? v.toUpperCase() : v)];

/** The fixture with one field (top level, or one level down) changed each way BREAKS knows. */
function variants(record: Record<string, unknown>): unknown[] {
  const out: unknown[] = [record];
  for (const [key, value] of Object.entries(record)) {
    for (const change of BREAKS) out.push({ ...record, [key]: change(value) });
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      for (const [inner, innerValue] of Object.entries(value)) for (const change of BREAKS) out.push({ ...record, [key]: { ...value, [inner]: change(innerValue) } });
    }
  }
  return out;
}

const verdict = (schema: z.ZodType, record: unknown) => recordIssues(schema, record).length === 0;

describe('checking a record against its stream schema', () => {
  it('compiles every Stripe stream schema', () => {
    expect(stripeSource.streams.filter((s) => !hasCompiledCheck(s.schema)).map((s) => s.name)).toEqual([]);
  });

  for (const stream of stripeSource.streams) {
    it(`accepts and refuses ${stream.name} records exactly as zod does, naming zod's issues`, () => {
      const records = variants(fixtures[FIXTURE_OF_STREAM[stream.name]!]!);
      let refused = 0;
      for (const record of records) {
        const zod = stream.schema.safeParse(record);
        expect(verdict(stream.schema, record), JSON.stringify(record).slice(0, 200)).toBe(zod.success);
        if (!zod.success) {
          refused += 1;
          expect(recordIssues(stream.schema, record)).toEqual(zod.error.issues);
        }
      }
      expect(refused).toBeGreaterThan(0);
    });
  }

  it('leaves a schema with a refinement or a transform to zod alone', () => {
    const refined = z.looseObject({ at: z.string().refine((s) => !Number.isNaN(Date.parse(s)), 'a date') });
    const transformed = z.looseObject({ n: z.string().transform((s) => Number(s)) });
    const email = z.looseObject({ email: z.email() });
    expect([refined, transformed, email].map(hasCompiledCheck)).toEqual([false, false, false]);
    expect(verdict(refined, { at: 'not a date' })).toBe(false);
    expect(verdict(refined, { at: '2026-01-01T00:00:00Z' })).toBe(true);
    expect(verdict(email, { email: 'nobody' })).toBe(false);
  });

  it('agrees with zod on every source\'s streams, compiled or not, for an empty and a non-object record', () => {
    for (const source of allSourceSpecs()) {
      for (const stream of source.streams) {
        for (const record of [{}, null, 'x', []]) expect(verdict(stream.schema, record), `${source.name}.${stream.name}`).toBe(stream.schema.safeParse(record).success);
      }
    }
  });
});
