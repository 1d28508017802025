/**
 * How one ledger (a profile's main ledger or one subledger) stands at an instant, from its additions and
 * subtractions. Amounts are hundredths of a point, so sums stay exact. Pure.
 *
 * - An addition is pending until its start (forever when it waits for an action), then active until its expiry.
 * - A subtraction spends active points, those expiring first first; a rollback spends the points it rolls back
 *   first, pending or not. What it cannot cover becomes negative points.
 * - Points that become active pay off negative points before anything else.
 * - Active points left at their expiry become expired points.
 */

export interface LedgerAddition {
  kind: 'addition';
  id: number;
  amount: number;
  createdMs: number;
  /** When the points become active; null while they wait for an action. */
  startMs: number | null;
  /** Null for points that never expire. */
  expiryMs: number | null;
}

export interface LedgerSubtraction {
  kind: 'subtraction';
  id: number;
  amount: number;
  createdMs: number;
  /** The addition this takes back (a returned or cancelled session), spent before anything else. */
  rollbackOf?: number;
}

export type LedgerEntry = LedgerAddition | LedgerSubtraction;

/** The five totals Talon.One's LoyaltyBalance reports, in hundredths. */
export interface LedgerBalance {
  activePoints: number;
  pendingPoints: number;
  spentPoints: number;
  expiredPoints: number;
  negativePoints: number;
}

/** An addition with points still on it. */
export interface OpenLot {
  id: number;
  status: 'pending' | 'active';
  remaining: number;
  startMs: number | null;
  expiryMs: number | null;
}

interface Lot extends Omit<OpenLot, 'status'> {
  status: 'pending' | 'active' | 'expired';
}

type LedgerEvent =
  | { atMs: number; order: 0; lot: LedgerAddition; type: 'expire' }
  | { atMs: number; order: 1; lot: LedgerAddition; type: 'activate' }
  | { atMs: number; order: 2; entry: LedgerEntry; type: 'entry' };

function eventsOf(entries: readonly LedgerEntry[]): LedgerEvent[] {
  const events: LedgerEvent[] = [];
  for (const e of entries) {
    events.push({ atMs: e.createdMs, order: 2, entry: e, type: 'entry' });
    if (e.kind !== 'addition') continue;
    if (e.startMs !== null && e.startMs > e.createdMs) events.push({ atMs: e.startMs, order: 1, lot: e, type: 'activate' });
    if (e.expiryMs !== null) events.push({ atMs: e.expiryMs, order: 0, lot: e, type: 'expire' });
  }
  // At one instant, points expire before others activate, and both before the entries made then.
  return events.sort((a, b) => a.atMs - b.atMs || a.order - b.order || idOf(a) - idOf(b));
}

const idOf = (e: LedgerEvent): number => (e.type === 'entry' ? e.entry.id : e.lot.id);

/** Replays the ledger up to and including `asOfMs`; `negativeBy` lists the subtractions that left points owed. */
export function replayLedger(entries: readonly LedgerEntry[], asOfMs: number): { balance: LedgerBalance; open: OpenLot[]; negativeBy: number[] } {
  const lots = new Map<number, Lot>();
  let spent = 0;
  let expired = 0;
  let negative = 0;
  const negativeBy: number[] = [];

  const activate = (lot: Lot): void => {
    lot.status = 'active';
    const cover = Math.min(lot.remaining, negative);
    lot.remaining -= cover;
    negative -= cover;
    spent += cover;
  };
  const take = (lot: Lot, wanted: number): number => {
    const taken = Math.min(lot.remaining, wanted);
    lot.remaining -= taken;
    spent += taken;
    return taken;
  };

  for (const event of eventsOf(entries)) {
    if (event.atMs > asOfMs) break;
    if (event.type === 'expire') {
      const lot = lots.get(event.lot.id);
      if (lot && lot.status !== 'expired') {
        expired += lot.remaining;
        lot.remaining = 0;
        lot.status = 'expired';
      }
    } else if (event.type === 'activate') {
      const lot = lots.get(event.lot.id);
      if (lot && lot.status === 'pending') activate(lot);
    } else if (event.entry.kind === 'addition') {
      const e = event.entry;
      const lot: Lot = { id: e.id, status: 'pending', remaining: e.amount, startMs: e.startMs, expiryMs: e.expiryMs };
      lots.set(e.id, lot);
      if (e.startMs !== null && e.startMs <= e.createdMs) activate(lot);
    } else {
      const e = event.entry;
      let left = e.amount;
      const target = e.rollbackOf === undefined ? undefined : lots.get(e.rollbackOf);
      if (target && target.status !== 'expired') left -= take(target, left);
      const spendable = [...lots.values()]
        .filter((l) => l.status === 'active' && l.remaining > 0)
        .sort((a, b) => (a.expiryMs ?? Infinity) - (b.expiryMs ?? Infinity) || a.id - b.id);
      for (const lot of spendable) {
        if (left === 0) break;
        left -= take(lot, left);
      }
      if (left > 0) negativeBy.push(e.id);
      negative += left;
    }
  }

  const open = [...lots.values()].filter((l) => l.status !== 'expired' && l.remaining > 0) as OpenLot[];
  const sum = (status: OpenLot['status']): number => open.filter((l) => l.status === status).reduce((n, l) => n + l.remaining, 0);
  return {
    balance: { activePoints: sum('active'), pendingPoints: sum('pending'), spentPoints: spent, expiredPoints: expired, negativePoints: negative },
    open: open.map((l) => ({ ...l })),
    negativeBy,
  };
}

/** The balance of a ledger at `asOfMs`. */
export function ledgerBalance(entries: readonly LedgerEntry[], asOfMs: number): LedgerBalance {
  return replayLedger(entries, asOfMs).balance;
}

/** Active points at `asOfMs` that expire within `windowMs` after it, lot by lot. */
export function expiringLots(entries: readonly LedgerEntry[], asOfMs: number, windowMs: number): OpenLot[] {
  return replayLedger(entries, asOfMs).open.filter((l) => l.status === 'active' && l.expiryMs !== null && l.expiryMs > asOfMs && l.expiryMs <= asOfMs + windowMs);
}
