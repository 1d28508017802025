// The standard Markov result is a total per channel: all conversions (or all revenue) times the
// channel's share of the removal effects. cdp also credits each conversion's touches, so it needs an
// allocation whose rows are the conversions (each adds up to itself, given only to channels on its
// path) and whose column sums are those totals. It splits each conversion among the channels on its
// path in proportion to one weight per channel, the weights fitted so that the channel totals come
// out standard: iterative proportional fitting (Sinkhorn), each round scaling a channel's weight by
// its standard total over what it was credited. The split is then per conversion and needs only the
// weights, so a build can credit conversions a range at a time.

/** Conversions whose paths hold the same channels, and their summed value (a count, or money). */
export interface PathGroup {
  channels: string[];
  value: number;
}

export interface CreditWeights {
  /** Per channel: what a conversion on its path is split by (its part is weight / sum of the path's weights). */
  weights: Map<string, number>;
  /** Per channel: the total it should be credited, the value times its share among the channels on converting paths. */
  targets: Map<string, number>;
  /** Per channel: what the weights credit it over all the groups. */
  credited: Map<string, number>;
  /** Fitting rounds taken. */
  rounds: number;
}

/** The fit stops when no channel is off its standard total by more than this part of all the value. */
const TOLERANCE = 1e-14;
/** Or when a round moves no channel's total by more than this part (the paths cannot carry the standard totals). */
const STALL = 1e-15;
const MAX_ROUNDS = 10_000;
/** The weight of a channel that takes all of every path it is on, and the least of the others (which sum to 1). */
const HIGH = 1e100;
const LOW = 1e-100;

/**
 * Weights that split each group among its channels so that every channel is credited its share of
 * the removal effects times the groups' whole value. A channel with a removal effect that is on no
 * group's path can be given nothing: its share goes to the others in proportion to theirs. Where the
 * paths cannot carry the standard totals, see below; a path of channels with weight 0 only is split
 * evenly among them.
 */
export function fitCreditWeights(shares: Map<string, number>, groups: PathGroup[]): CreditWeights {
  const kept = groups.filter((g) => g.value > 0 && g.channels.length > 0);
  const channels = [...new Set(kept.flatMap((g) => g.channels))].sort();
  const index = new Map(channels.map((c, i) => [c, i] as const));
  const share = channels.map((c) => Math.max(shares.get(c) ?? 0, 0));
  const shareSum = share.reduce((a, b) => a + b, 0);
  const total = kept.reduce((a, g) => a + g.value, 0);
  const result = (weights: number[], targets: number[], credited: number[], rounds: number): CreditWeights => ({
    weights: new Map([...shares.keys()].map((c) => [c, index.has(c) ? weights[index.get(c)!]! : 0] as const)),
    targets: new Map([...shares.keys()].map((c) => [c, index.has(c) ? targets[index.get(c)!]! : 0] as const)),
    credited: new Map([...shares.keys()].map((c) => [c, index.has(c) ? credited[index.get(c)!]! : 0] as const)),
    rounds,
  });
  if (shareSum === 0 || total === 0) return result(share, share.map(() => 0), share.map(() => 0), 0);

  // Groups as flat index lists: the rounds below are the whole cost.
  const offsets = new Int32Array(kept.length + 1);
  kept.forEach((g, i) => (offsets[i + 1] = offsets[i]! + g.channels.length));
  const members = new Int32Array(offsets[kept.length]!);
  kept.forEach((g, i) => g.channels.forEach((c, j) => (members[offsets[i]! + j] = index.get(c)!)));
  const values = Float64Array.from(kept, (g) => g.value);

  const targets = share.map((s) => (total * s) / shareSum);
  const weights = Float64Array.from(share, (s) => s / shareSum);
  // Where the paths cannot carry the standard totals the fit would run weights to 0 or to infinity,
  // slowly and past what floats hold; those channels are settled first. A channel that the groups
  // holding no other unsettled channel give at least its total gets weight 0 (nothing of paths it
  // shares); one that all the groups on its path give at most its total gets weight HIGH (all of
  // them). The others then carry what is left, their totals scaled alike; until no channel is settled.
  const low = new Set<number>();
  const high = new Set<number>();
  const channelsOf = kept.map((g) => g.channels.map((c) => index.get(c)!));
  for (;;) {
    const assigned = new Float64Array(channels.length);
    let left = total;
    const forced = new Float64Array(channels.length);
    const reach = new Float64Array(channels.length);
    kept.forEach((g, i) => {
      const cs = channelsOf[i]!;
      const top = cs.filter((c) => high.has(c));
      const open = cs.filter((c) => !high.has(c) && !low.has(c));
      const takers = top.length > 0 ? top : open.length === 0 ? cs : [];
      for (const c of takers) assigned[c]! += g.value / takers.length;
      if (takers.length > 0) left -= g.value;
      else {
        if (open.length === 1) forced[open[0]!]! += g.value;
        for (const c of open) reach[c]! += g.value;
      }
    });
    const free = channels.map((_, c) => c).filter((c) => !low.has(c) && !high.has(c));
    const wanted = free.reduce((a, c) => a + share[c]!, 0);
    for (let c = 0; c < channels.length; c++) targets[c] = free.includes(c) ? (wanted > 0 ? (left * share[c]!) / wanted : 0) : assigned[c]!;
    const newLow = free.filter((c) => forced[c]! >= targets[c]!);
    const newHigh = free.filter((c) => reach[c]! <= targets[c]! && !newLow.includes(c));
    if (newLow.length === 0 && newHigh.length === 0) break;
    for (const c of newLow) (low.add(c), (weights[c] = 0));
    for (const c of newHigh) (high.add(c), (weights[c] = HIGH));
  }
  const free = channels.map((_, c) => c).filter((c) => !low.has(c) && !high.has(c));
  const freeSum = free.reduce((a, c) => a + weights[c]!, 0);
  for (const c of free) weights[c] = weights[c]! / freeSum;
  let credited = new Float64Array(channels.length);
  const credit = () => {
    const out = new Float64Array(channels.length);
    for (let g = 0; g < kept.length; g++) {
      let sum = 0;
      for (let k = offsets[g]!; k < offsets[g + 1]!; k++) sum += weights[members[k]!]!;
      // A path of channels without weight is split evenly (touch_credits splits it by touches).
      const even = sum === 0;
      const n = offsets[g + 1]! - offsets[g]!;
      for (let k = offsets[g]!; k < offsets[g + 1]!; k++) out[members[k]!]! += even ? values[g]! / n : (values[g]! * weights[members[k]!]!) / sum;
    }
    return out;
  };
  let rounds = 0;
  for (;;) {
    const next = credit();
    let off = 0;
    let moved = 0;
    for (let c = 0; c < channels.length; c++) {
      off = Math.max(off, Math.abs(next[c]! - targets[c]!));
      moved = Math.max(moved, Math.abs(next[c]! - credited[c]!));
    }
    credited = next;
    if (off <= TOLERANCE * total || (rounds > 0 && moved <= STALL * total) || rounds === MAX_ROUNDS) break;
    let sum = 0;
    for (const c of free) {
      if (credited[c]! > 0) weights[c] = (weights[c]! * targets[c]!) / credited[c]!;
      sum += weights[c]!;
    }
    // Kept within [LOW, 1] so that they never underflow (in the fit or in SQL), which would split a path otherwise than fitted.
    for (const c of free) weights[c] = Math.max(weights[c]! / sum, LOW);
    rounds += 1;
  }
  return result([...weights], targets, [...credited], rounds);
}
