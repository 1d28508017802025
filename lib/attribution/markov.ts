// Data-driven attribution: a first-order Markov chain over people's paths, credit by removal
// effect, solved exactly as an absorbing chain (no sampling), so the same paths always give the
// same numbers. The arithmetic is generic: float64 in the build, exact fractions in tests.

export interface Field<T> {
  zero: T;
  one: T;
  of(n: number): T;
  add(a: T, b: T): T;
  sub(a: T, b: T): T;
  mul(a: T, b: T): T;
  div(a: T, b: T): T;
  isZero(a: T): boolean;
}

export const FLOAT: Field<number> = {
  zero: 0,
  one: 1,
  of: (n) => n,
  add: (a, b) => a + b,
  sub: (a, b) => a - b,
  mul: (a, b) => a * b,
  div: (a, b) => a / b,
  isZero: (a) => Math.abs(a) < 1e-15,
};

/** A fraction of BigInts in lowest terms with a positive denominator. */
export interface Fraction {
  n: bigint;
  d: bigint;
}

const gcd = (a: bigint, b: bigint): bigint => {
  let x = a < 0n ? -a : a;
  let y = b < 0n ? -b : b;
  while (y) [x, y] = [y, x % y];
  return x;
};

export const fraction = (n: bigint, d = 1n): Fraction => {
  if (d === 0n) throw new RangeError('division by zero');
  const g = gcd(n, d) || 1n;
  const sign = d < 0n ? -1n : 1n;
  return { n: (sign * n) / g, d: (sign * d) / g };
};

export const EXACT: Field<Fraction> = {
  zero: fraction(0n),
  one: fraction(1n),
  of: (n) => {
    if (!Number.isInteger(n)) throw new RangeError(`exact arithmetic takes whole counts, got ${n}`);
    return fraction(BigInt(n));
  },
  add: (a, b) => fraction(a.n * b.d + b.n * a.d, a.d * b.d),
  sub: (a, b) => fraction(a.n * b.d - b.n * a.d, a.d * b.d),
  mul: (a, b) => fraction(a.n * b.n, a.d * b.d),
  div: (a, b) => fraction(a.n * b.d, a.d * b.n),
  isZero: (a) => a.n === 0n,
};

/** A distinct path and how many people ended it converting and not converting. */
export interface PathCount {
  channels: string[];
  conversions: number;
  nulls: number;
}

export interface MarkovResult<T> {
  channels: string[];
  /** Probability that a path from the start converts. */
  conversionProbability: T;
  /** Per channel: 1 - P(conversion without it) / P(conversion). */
  removalEffects: Map<string, T>;
  /** Removal effects normalized to sum to 1 (all zero when nothing converts). */
  shares: Map<string, T>;
}

/**
 * Consecutive repeats of one channel are one visit (a > a > b is a > b): a first-order chain with
 * self-loops would otherwise reward channels for touching the same person twice in a row.
 */
export function collapseRepeats(channels: string[]): string[] {
  return channels.filter((c, i) => i === 0 || channels[i - 1] !== c);
}

/** Solves A x = b by Gaussian elimination with a non-zero pivot; A is square and non-singular. */
function solve<T>(F: Field<T>, a: T[][], b: T[]): T[] {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]!]);
  for (let col = 0; col < n; col++) {
    // Largest pivot for floats (stability); any non-zero one is exact for fractions.
    let pivot = -1;
    for (let r = col; r < n; r++) {
      if (F.isZero(m[r]![col]!)) continue;
      if (pivot < 0 || (F === (FLOAT as unknown) && Math.abs(m[r]![col] as number) > Math.abs(m[pivot]![col] as number))) pivot = r;
    }
    // Every state of a chain built from paths leads to an end, so only a bug in building it gets here.
    if (pivot < 0) throw new Error('singular chain');
    [m[col], m[pivot]] = [m[pivot]!, m[col]!];
    const p = m[col]!;
    for (let r = 0; r < n; r++) {
      if (r === col || F.isZero(m[r]![col]!)) continue;
      const f = F.div(m[r]![col]!, p[col]!);
      const row = m[r]!;
      for (let k = col; k <= n; k++) row[k] = F.sub(row[k]!, F.mul(f, p[k]!));
    }
  }
  return m.map((row, i) => F.div(row[n]!, row[i]!));
}

/** How many times people went from one state to the next; `from` null is the start, `end` marks a path's end. */
export type TransitionCount = { from: string | null; count: number } & ({ to: string; end?: undefined } | { to?: undefined; end: 'conversion' | 'null' });

/** The transitions of the paths (start -> first channel -> ... -> conversion or null), repeats collapsed. */
export function pathTransitions(paths: PathCount[]): TransitionCount[] {
  const counts = new Map<string, TransitionCount>();
  const add = (t: TransitionCount) => {
    const key = JSON.stringify([t.from, t.to ?? null, t.end ?? null]);
    const seen = counts.get(key);
    if (seen) seen.count += t.count;
    else counts.set(key, { ...t });
  };
  for (const path of paths) {
    const total = path.conversions + path.nulls;
    if (total === 0 || path.channels.length === 0) continue;
    let from: string | null = null;
    for (const channel of collapseRepeats(path.channels)) {
      add({ from, to: channel, count: total });
      from = channel;
    }
    if (path.conversions) add({ from, end: 'conversion', count: path.conversions });
    if (path.nulls) add({ from, end: 'null', count: path.nulls });
  }
  return [...counts.values()];
}

export function markovAttribution<T>(F: Field<T>, paths: PathCount[]): MarkovResult<T> {
  return markovFromTransitions(F, pathTransitions(paths));
}

/**
 * Transition probabilities from the counts, then the conversion probability with every channel and
 * with each one removed (its incoming transitions lead to null instead).
 */
export function markovFromTransitions<T>(F: Field<T>, transitions: TransitionCount[]): MarkovResult<T> {
  const channels = [...new Set(transitions.flatMap((t) => [t.from, t.to]).filter((c): c is string => typeof c === 'string'))].sort();
  const index = new Map(channels.map((c, i) => [c, i + 1] as const)); // 0 is the start
  const n = channels.length + 1;
  const counts = Array.from({ length: n }, () => new Map<number | 'conv' | 'null', number>());
  for (const t of transitions) {
    const from = t.from === null ? 0 : index.get(t.from)!;
    const to = t.end === 'conversion' ? 'conv' : t.end === 'null' ? 'null' : index.get(t.to!)!;
    counts[from]!.set(to, (counts[from]!.get(to) ?? 0) + t.count);
  }
  // Probabilities per state; a state never left (no counts) goes to null.
  const q: T[][] = Array.from({ length: n }, () => Array.from({ length: n }, () => F.zero));
  const toConv: T[] = Array.from({ length: n }, () => F.zero);
  counts.forEach((out, from) => {
    const total = [...out.values()].reduce((a, b) => a + b, 0);
    if (total === 0) return;
    for (const [to, k] of out) {
      const p = F.div(F.of(k), F.of(total));
      if (to === 'conv') toConv[from] = p;
      else if (to !== 'null') q[from]![to] = p;
    }
  });
  const conversion = (removed?: number): T => {
    // (I - Q) x = r; a removed state is absorbing in null: x = 0.
    const a = q.map((row, i) =>
      row.map((p, j) => {
        if (removed !== undefined && i === removed) return i === j ? F.one : F.zero;
        const identity = i === j ? F.one : F.zero;
        return F.sub(identity, removed !== undefined && j === removed ? F.zero : p);
      }),
    );
    const r = toConv.map((p, i) => (removed !== undefined && i === removed ? F.zero : p));
    return solve(F, a, r)[0]!;
  };
  const full = conversion();
  const removalEffects = new Map<string, T>();
  for (const [channel, i] of index) {
    removalEffects.set(channel, F.isZero(full) ? F.zero : F.sub(F.one, F.div(conversion(i), full)));
  }
  const sum = [...removalEffects.values()].reduce((a, b) => F.add(a, b), F.zero);
  const shares = new Map([...removalEffects].map(([c, re]) => [c, F.isZero(sum) ? F.zero : F.div(re, sum)] as const));
  return { channels, conversionProbability: full, removalEffects, shares };
}
