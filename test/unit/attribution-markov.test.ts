import { describe, expect, it } from 'vitest';
import { collapseRepeats, EXACT, FLOAT, fraction, markovAttribution, type Fraction, type PathCount } from '../../lib/attribution/markov';

const q = (n: number, d = 1) => fraction(BigInt(n), BigInt(d));
const exact = (m: Map<string, Fraction>) => Object.fromEntries([...m].map(([k, v]) => [k, `${v.n}/${v.d}`]));

describe('Markov attribution against published worked examples', () => {
  it('Bryl (analyzecore.com, 2016): C1 > C2 > C3 converts, C1 and C2 > C3 do not; removal effects 0.5, 1, 1 and credits 0.2, 0.4, 0.4', () => {
    const paths: PathCount[] = [
      { channels: ['c1', 'c2', 'c3'], conversions: 1, nulls: 0 },
      { channels: ['c1'], conversions: 0, nulls: 1 },
      { channels: ['c2', 'c3'], conversions: 0, nulls: 1 },
    ];
    const result = markovAttribution(EXACT, paths);
    expect(result.conversionProbability).toEqual(q(1, 3));
    expect(exact(result.removalEffects)).toEqual({ c1: '1/2', c2: '1/1', c3: '1/1' });
    expect(exact(result.shares)).toEqual({ c1: '1/5', c2: '2/5', c3: '2/5' });
  });

  it('Puzyrov (2019): Google Ads and mailing over five paths; removal effects 0.75 and 0.5, four conversions split 2.4 and 1.6', () => {
    const paths: PathCount[] = [
      { channels: ['google ads'], conversions: 2, nulls: 1 },
      { channels: ['mailing'], conversions: 1, nulls: 0 },
      { channels: ['google ads', 'mailing'], conversions: 1, nulls: 0 },
    ];
    const result = markovAttribution(EXACT, paths);
    expect(result.conversionProbability).toEqual(q(4, 5));
    expect(exact(result.removalEffects)).toEqual({ 'google ads': '3/4', mailing: '1/2' });
    const credit = (c: string) => EXACT.mul(result.shares.get(c)!, q(4));
    expect(credit('google ads')).toEqual(q(12, 5));
    expect(credit('mailing')).toEqual(q(8, 5));
  });
});

describe('Markov attribution properties', () => {
  it('shares sum to one, a channel on no converting path gets nothing, a single channel gets everything', () => {
    const mixed = markovAttribution(EXACT, [
      { channels: ['a', 'b'], conversions: 3, nulls: 2 },
      { channels: ['b', 'a', 'c'], conversions: 1, nulls: 4 },
      { channels: ['d'], conversions: 0, nulls: 7 },
    ]);
    expect([...mixed.shares.values()].reduce((s, v) => EXACT.add(s, v), EXACT.zero)).toEqual(EXACT.one);
    expect(mixed.shares.get('d')).toEqual(EXACT.zero);
    const single = markovAttribution(EXACT, [{ channels: ['only', 'only'], conversions: 2, nulls: 5 }]);
    expect(exact(single.shares)).toEqual({ only: '1/1' });
    const none = markovAttribution(EXACT, [{ channels: ['a'], conversions: 0, nulls: 3 }]);
    expect(exact(none.shares)).toEqual({ a: '0/1' });
  });

  it('floats agree with the exact fractions, and the same paths always give the same numbers', () => {
    const paths: PathCount[] = Array.from({ length: 40 }, (_, i) => ({
      channels: Array.from({ length: 1 + (i % 4) }, (_, j) => `ch${(i * 7 + j * 3) % 9}`),
      conversions: i % 3,
      nulls: (i * 5) % 4,
    }));
    const exactResult = markovAttribution(EXACT, paths);
    const floatResult = markovAttribution(FLOAT, paths);
    for (const [c, share] of exactResult.shares) expect(floatResult.shares.get(c)).toBeCloseTo(Number(share.n) / Number(share.d), 12);
    expect(markovAttribution(FLOAT, paths)).toEqual(floatResult);
  });

  it('a repeated channel is one visit', () => {
    expect(collapseRepeats(['a', 'a', 'b', 'a', 'a'])).toEqual(['a', 'b', 'a']);
  });
});
