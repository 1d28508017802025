// How a Talon.One loyalty ledger (a profile's main ledger or one subledger) stands at an instant,
// worked out from its entries as Talon.One applies them:
// - points an addition brings are pending until their start date (forever while they wait for the
//   customer to act, `on_action`), then active until their expiry date, then expired;
// - a deduction spends active points, those that expire soonest first; a deduction that takes back
//   a session's points (a return or a cancellation) takes them from that session's addition first,
//   pending or active; whatever it cannot cover is owed as negative points;
// - points that become active first pay off what is owed;
// - at one instant, points expire before others become active, and both before new entries.
// Amounts are whole hundredths of a point, so every sum is exact. Pure: no clock, no I/O.

/** One ledger entry, amounts in hundredths of a point. */
export interface PointsEntry {
  id: number;
  type: 'addition' | 'subtraction';
  hundredths: number;
  createdMs: number;
  /** Additions: when the points become active; null while they wait for the customer to act. */
  startsMs: number | null;
  /** Additions: when the points expire; null when they never do. */
  expiresMs: number | null;
  /** Subtractions: the addition whose points this takes back first. */
  takesBackId?: number | null;
}

/** The five figures of Talon.One's LoyaltyBalance, plus the active points that expire soon; hundredths. */
export interface LedgerStanding {
  active: number;
  pending: number;
  spent: number;
  expired: number;
  negative: number;
  /** Active points whose expiry falls after the instant and no later than the window's end. */
  expiringSoon: number;
}

interface Lot {
  left: number;
  state: 'pending' | 'active' | 'expired';
  expiresMs: number | null;
}

type Step = { atMs: number; rank: 0 | 1 | 2; id: number; run: () => void };

/** Where the ledger stands at `asOfMs` (entries and changes at that very instant included). */
export function ledgerStanding(entries: readonly PointsEntry[], asOfMs: number, soonWindowMs: number): LedgerStanding {
  const lots = new Map<number, Lot>();
  const totals = { spent: 0, expired: 0, negative: 0 };

  const spendFrom = (lot: Lot, wanted: number): number => {
    const used = Math.min(lot.left, wanted);
    lot.left -= used;
    totals.spent += used;
    return used;
  };
  const becomeActive = (lot: Lot): void => {
    lot.state = 'active';
    totals.negative -= spendFrom(lot, totals.negative);
  };
  const deduct = (entry: PointsEntry): void => {
    let owed = entry.hundredths;
    const earned = entry.takesBackId == null ? undefined : lots.get(entry.takesBackId);
    if (earned && earned.state !== 'expired') owed -= spendFrom(earned, owed);
    const soonestFirst = [...lots.entries()]
      .filter(([, lot]) => lot.state === 'active' && lot.left > 0)
      .sort(([idA, a], [idB, b]) => (a.expiresMs ?? Infinity) - (b.expiresMs ?? Infinity) || idA - idB);
    for (const [, lot] of soonestFirst) {
      if (owed === 0) break;
      owed -= spendFrom(lot, owed);
    }
    totals.negative += owed;
  };

  const steps: Step[] = [];
  for (const entry of entries) {
    if (entry.type === 'subtraction') {
      steps.push({ atMs: entry.createdMs, rank: 2, id: entry.id, run: () => deduct(entry) });
      continue;
    }
    const lot: Lot = { left: entry.hundredths, state: 'pending', expiresMs: entry.expiresMs };
    const startsAtOnce = entry.startsMs !== null && entry.startsMs <= entry.createdMs;
    steps.push({
      atMs: entry.createdMs,
      rank: 2,
      id: entry.id,
      run: () => {
        lots.set(entry.id, lot);
        if (startsAtOnce) becomeActive(lot);
      },
    });
    if (entry.startsMs !== null && !startsAtOnce) {
      steps.push({
        atMs: entry.startsMs,
        rank: 1,
        id: entry.id,
        run: () => {
          if (lots.has(entry.id) && lot.state === 'pending') becomeActive(lot);
        },
      });
    }
    if (entry.expiresMs !== null) {
      steps.push({
        atMs: entry.expiresMs,
        rank: 0,
        id: entry.id,
        run: () => {
          if (!lots.has(entry.id) || lot.state === 'expired') return;
          totals.expired += lot.left;
          lot.left = 0;
          lot.state = 'expired';
        },
      });
    }
  }
  steps.sort((a, b) => a.atMs - b.atMs || a.rank - b.rank || a.id - b.id);
  for (const step of steps) {
    if (step.atMs > asOfMs) break;
    step.run();
  }

  const held = (state: Lot['state']): number => [...lots.values()].filter((l) => l.state === state).reduce((n, l) => n + l.left, 0);
  const soonEndMs = asOfMs + soonWindowMs;
  const expiringSoon = [...lots.values()]
    .filter((l) => l.state === 'active' && l.expiresMs !== null && l.expiresMs > asOfMs && l.expiresMs <= soonEndMs)
    .reduce((n, l) => n + l.left, 0);
  return { active: held('active'), pending: held('pending'), ...totals, expiringSoon };
}
