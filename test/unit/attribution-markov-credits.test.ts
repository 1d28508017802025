import { describe, expect, it } from 'vitest';
import { EXACT, fraction, markovAttribution, type Fraction, type PathCount } from '../../lib/attribution/markov';
import { fitCreditWeights, type PathGroup } from '../../lib/attribution/markov-credit-weights';

// The standard Markov totals (conversions times each channel's share of the removal effects) in exact
// fractions from the chain, against what the fitted weights credit, conversion by conversion.

const q = (n: number, d = 1) => fraction(BigInt(n), BigInt(d));
const num = (f: Fraction) => Number(f.n) / Number(f.d);
const floatShares = (shares: Map<string, Fraction>) => new Map([...shares].map(([c, s]) => [c, num(s)] as const));

/** The distinct channels of each converting path, grouped, with their conversions. */
function groupsOf(paths: PathCount[]): PathGroup[] {
  const groups = new Map<string, PathGroup>();
  for (const p of paths.filter((p) => p.conversions > 0)) {
    const channels = [...new Set(p.channels)].sort();
    const key = channels.join('>');
    const g = groups.get(key) ?? { channels, value: 0 };
    g.value += p.conversions;
    groups.set(key, g);
  }
  return [...groups.values()];
}

/** A conversion's part per channel: each channel's weight over the sum of its path's weights. */
function split(weights: Map<string, number>, channels: string[]): Record<string, number> {
  const distinct = [...new Set(channels)];
  const sum = distinct.reduce((a, c) => a + weights.get(c)!, 0);
  return Object.fromEntries(distinct.map((c) => [c, weights.get(c)! / sum]));
}

function expectClose(got: Record<string, number>, want: Record<string, Fraction>) {
  expect(Object.keys(got).sort()).toEqual(Object.keys(want).sort());
  for (const [c, f] of Object.entries(want)) expect(got[c], c).toBeCloseTo(num(f), 12);
}

describe('Markov credits add up to the standard totals', () => {
  it('three paths A>B>A>B>B>A, A>B>B>A>A, A>A: A 2 and B 1, each A>B path split in halves, A>A all to A', () => {
    const paths: PathCount[] = [
      { channels: ['A', 'B', 'A', 'B', 'B', 'A'], conversions: 1, nulls: 0 },
      { channels: ['A', 'B', 'B', 'A', 'A'], conversions: 1, nulls: 0 },
      { channels: ['A', 'A'], conversions: 1, nulls: 0 },
    ];
    const chain = markovAttribution(EXACT, paths);
    expect(chain.removalEffects).toEqual(new Map([['A', q(1)], ['B', q(1, 2)]]));
    const standard = (c: string) => EXACT.mul(q(3), chain.shares.get(c)!);
    expect(standard('A')).toEqual(q(2));
    expect(standard('B')).toEqual(q(1));

    const fit = fitCreditWeights(floatShares(chain.shares), groupsOf(paths));
    expectClose(split(fit.weights, paths[0]!.channels), { A: q(1, 2), B: q(1, 2) });
    expectClose(split(fit.weights, paths[1]!.channels), { A: q(1, 2), B: q(1, 2) });
    expectClose(split(fit.weights, paths[2]!.channels), { A: q(1) });
    expectClose(Object.fromEntries(fit.credited), { A: q(2), B: q(1) });
    // The split by removal effects alone (what cdp did) gives A 7/3.
    const byShares = paths.map((p) => split(floatShares(chain.shares), p.channels).A!).reduce((a, b) => a + b);
    expect(byShares).toBeCloseTo(7 / 3, 12);
  });

  it('Bryl: C1 > C2 > C3 converts once; removal effects 1/2, 1, 1 give it 1/5, 2/5, 2/5', () => {
    const paths: PathCount[] = [
      { channels: ['c1', 'c2', 'c3'], conversions: 1, nulls: 0 },
      { channels: ['c1'], conversions: 0, nulls: 1 },
      { channels: ['c2', 'c3'], conversions: 0, nulls: 1 },
    ];
    const chain = markovAttribution(EXACT, paths);
    expect(chain.removalEffects).toEqual(new Map([['c1', q(1, 2)], ['c2', q(1)], ['c3', q(1)]]));
    const fit = fitCreditWeights(floatShares(chain.shares), groupsOf(paths));
    expectClose(split(fit.weights, ['c1', 'c2', 'c3']), { c1: q(1, 5), c2: q(2, 5), c3: q(2, 5) });
    expectClose(Object.fromEntries(fit.credited), { c1: q(1, 5), c2: q(2, 5), c3: q(2, 5) });
  });

  it('Puzyrov: four conversions give Google Ads 12/5 and mailing 8/5, so the path with both gives mailing 3/5', () => {
    const paths: PathCount[] = [
      { channels: ['google ads'], conversions: 2, nulls: 1 },
      { channels: ['mailing'], conversions: 1, nulls: 0 },
      { channels: ['google ads', 'mailing'], conversions: 1, nulls: 0 },
    ];
    const chain = markovAttribution(EXACT, paths);
    const fit = fitCreditWeights(floatShares(chain.shares), groupsOf(paths));
    expectClose(split(fit.weights, ['google ads', 'mailing']), { 'google ads': q(2, 5), mailing: q(3, 5) });
    expectClose(Object.fromEntries(fit.credited), { 'google ads': q(12, 5), mailing: q(8, 5) });
  });

  it('revenue is fitted on its own: a path whose orders are worth more carries more of it', () => {
    // The three-path example with collected revenue 900, 900 and 0: standard A 1200, B 600.
    const shares = new Map([['A', 2 / 3], ['B', 1 / 3]]);
    const fit = fitCreditWeights(shares, [{ channels: ['A', 'B'], value: 1800 }, { channels: ['A'], value: 0 }]);
    expectClose(Object.fromEntries(fit.credited), { A: q(1200), B: q(600) });
    expectClose(split(fit.weights, ['A', 'B']), { A: q(2, 3), B: q(1, 3) });
  });

  it('a channel with a removal effect on no converting path: its share goes to the others in proportion to theirs', () => {
    const shares = new Map([['a', 0.25], ['b', 0.25], ['c', 0.5]]);
    const fit = fitCreditWeights(shares, [{ channels: ['a'], value: 1 }, { channels: ['a', 'b'], value: 5 }]);
    expectClose(Object.fromEntries(fit.targets), { a: q(3), b: q(3), c: q(0) });
    expectClose(Object.fromEntries(fit.credited), { a: q(3), b: q(3), c: q(0) });
    expectClose(split(fit.weights, ['a', 'b']), { a: q(2, 5), b: q(3, 5) });
    expect(fit.weights.get('c')).toBe(0);
  });

  it('where the paths cannot carry the standard totals, a channel keeps what its own paths give it, nothing of shared ones, and the others fall short alike', () => {
    // Standard totals a 1, b 6, c 3 over 10 conversions, but two of them have only a on their path.
    const shares = new Map([['a', 0.1], ['b', 0.6], ['c', 0.3]]);
    const fit = fitCreditWeights(shares, [{ channels: ['a'], value: 2 }, { channels: ['a', 'b', 'c'], value: 4 }, { channels: ['b', 'c'], value: 4 }]);
    const credited = Object.fromEntries(fit.credited);
    expect(credited.a! + credited.b! + credited.c!).toBeCloseTo(10, 9);
    expect(credited.a).toBeCloseTo(2, 9);
    // b and c share the other 8 as 6 to 3.
    expect(credited.b).toBeCloseTo(16 / 3, 9);
    expect(credited.c).toBeCloseTo(8 / 3, 9);
    // a gets nothing of the paths it shares.
    expect(fit.weights.get('a')).toBe(0);
    expectClose(split(fit.weights, ['a', 'b', 'c']), { a: q(0), b: q(2, 3), c: q(1, 3) });
  });
});
