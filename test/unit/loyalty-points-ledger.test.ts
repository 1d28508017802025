import { describe, expect, it } from 'vitest';
import { ledgerStanding, type LedgerStanding, type PointsEntry } from '../../lib/loyalty/points-ledger';

// Ledgers worked out by hand, in hundredths of a point, against the rules Talon.One documents for
// profile-based loyalty programs: pending until the start date, active until the expiry date,
// soonest-expiring points spent first, negative points paid off by the next points to activate.

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 0, 1);
const day = (n: number) => T0 + n * DAY;
const WINDOW = 30 * DAY;

const add = (id: number, hundredths: number, at: number, startsMs: number | null, expiresMs: number | null): PointsEntry => ({
  id, type: 'addition', hundredths, createdMs: at, startsMs, expiresMs,
});
const deduct = (id: number, hundredths: number, at: number, takesBackId?: number): PointsEntry => ({
  id, type: 'subtraction', hundredths, createdMs: at, startsMs: at, expiresMs: null, ...(takesBackId === undefined ? {} : { takesBackId }),
});
const standing = (s: Partial<LedgerStanding>): LedgerStanding => ({ active: 0, pending: 0, spent: 0, expired: 0, negative: 0, expiringSoon: 0, ...s });

interface Case {
  says: string;
  entries: PointsEntry[];
  asOfMs: number;
  expected: LedgerStanding;
}

const cases: Case[] = [
  { says: 'points that start at once are active, and expire soon when their expiry is within the window', entries: [add(1, 10_000, day(0), day(0), day(10))], asOfMs: day(5), expected: standing({ active: 10_000, expiringSoon: 10_000 }) },
  { says: 'points left at their expiry instant are expired', entries: [add(1, 10_000, day(0), day(0), day(10))], asOfMs: day(10), expected: standing({ expired: 10_000 }) },
  { says: 'points are pending until their start date', entries: [add(1, 5_000, day(0), day(14), null)], asOfMs: day(14) - 1, expected: standing({ pending: 5_000 }) },
  { says: 'and active from that instant on', entries: [add(1, 5_000, day(0), day(14), null)], asOfMs: day(14), expected: standing({ active: 5_000 }) },
  { says: 'points waiting for the customer to act stay pending', entries: [add(1, 10_000, day(0), null, null)], asOfMs: day(400), expected: standing({ pending: 10_000 }) },
  { says: 'an entry made after the instant does not count yet', entries: [add(1, 10_000, day(3), day(3), null)], asOfMs: day(2), expected: standing({}) },
  {
    says: 'a deduction spends the points that expire soonest first',
    entries: [add(1, 10_000, day(0), day(0), day(100)), add(2, 10_000, day(1), day(1), day(20)), deduct(3, 15_000, day(5))],
    asOfMs: day(6),
    expected: standing({ active: 5_000, spent: 15_000 }),
  },
  {
    says: 'points that never expire are spent last',
    entries: [add(1, 10_000, day(0), day(0), null), add(2, 4_000, day(1), day(1), day(200)), deduct(3, 6_000, day(2))],
    asOfMs: day(2),
    expected: standing({ active: 8_000, spent: 6_000 }),
  },
  {
    says: 'a deduction spends only points active at that time, so later ones keep theirs',
    entries: [add(1, 5_000, day(0), day(0), null), add(2, 10_000, day(1), day(15), day(60)), deduct(3, 2_000, day(2)), add(4, 1_000, day(2), day(2), day(80))],
    asOfMs: day(40),
    expected: standing({ active: 14_000, spent: 2_000, expiringSoon: 10_000 }),
  },
  {
    says: 'a deduction beyond the balance is owed as negative points',
    entries: [add(1, 5_000, day(0), day(0), null), deduct(2, 8_000, day(1))],
    asOfMs: day(2),
    expected: standing({ spent: 5_000, negative: 3_000 }),
  },
  {
    says: 'points that become active pay off what is owed first',
    entries: [add(1, 5_000, day(0), day(0), null), deduct(2, 8_000, day(1)), add(3, 10_000, day(2), day(10), null)],
    asOfMs: day(10),
    expected: standing({ active: 7_000, spent: 8_000 }),
  },
  {
    says: "a return takes back its session's points first, even while they are pending",
    entries: [add(1, 10_000, day(0), day(0), null), add(2, 4_000, day(1), day(15), null), deduct(3, 4_000, day(3), 2)],
    asOfMs: day(20),
    expected: standing({ active: 10_000, spent: 4_000 }),
  },
  {
    says: 'a partial return leaves the rest of those points to become active',
    entries: [add(1, 4_000, day(1), day(15), day(45)), deduct(2, 1_000, day(3), 1)],
    asOfMs: day(20),
    expected: standing({ active: 3_000, spent: 1_000, expiringSoon: 3_000 }),
  },
  {
    says: 'taking back points that already expired spends active ones instead',
    entries: [add(1, 3_000, day(0), day(0), day(5)), add(2, 10_000, day(0), day(0), null), deduct(3, 2_000, day(6), 1)],
    asOfMs: day(6),
    expected: standing({ active: 8_000, spent: 2_000, expired: 3_000 }),
  },
  {
    says: 'at one instant points expire before others become active, and both before new entries',
    entries: [add(1, 10_000, day(0), day(0), day(10)), add(2, 10_000, day(1), day(10), null), deduct(3, 5_000, day(10))],
    asOfMs: day(10),
    expected: standing({ active: 5_000, spent: 5_000, expired: 10_000 }),
  },
  {
    says: "the soon-expiring window takes its last instant and nothing after it",
    entries: [add(1, 1_000, day(0), day(0), day(0) + WINDOW), add(2, 2_000, day(0), day(0), day(0) + WINDOW + 1000)],
    asOfMs: day(0),
    expected: standing({ active: 3_000, expiringSoon: 1_000 }),
  },
];

describe('a loyalty ledger at an instant', () => {
  it.each(cases)('$says', ({ entries, asOfMs, expected }) => {
    expect(ledgerStanding(entries, asOfMs, WINDOW)).toEqual(expected);
  });

  it('the order entries are listed in does not matter', () => {
    const { entries, asOfMs, expected } = cases.find((c) => c.says.startsWith('a deduction spends only'))!;
    expect(ledgerStanding([...entries].reverse(), asOfMs, WINDOW)).toEqual(expected);
  });
});
