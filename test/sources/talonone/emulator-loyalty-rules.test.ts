import { describe, expect, it } from 'vitest';
import { formatZoned } from '../../../emulators/http/zoned-time';
import { applyLoyaltyDuration, ledgerBalance, LoyaltyDurationError, parseLoyaltyDuration, pointsExpiry, pointsStart, type LedgerEntry } from '../../../emulators/talonone';

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';

// Expected instants worked out by hand from the calendar: Berlin is +01:00 in winter and +02:00 from
// 2026-03-29 02:00 to 2026-10-25 03:00; New York leaves daylight time on 2026-11-01; 2026-11-01 is a Sunday.
const CASES: { rule: string; from: string; zone?: string; expected: string; why: string }[] = [
  { rule: '30s', from: '2026-05-10T10:00:00+02:00', expected: '2026-05-10T10:00:30+02:00', why: 'seconds are exact' },
  { rule: '40m', from: '2026-03-29T01:40:00+01:00', expected: '2026-03-29T03:20:00+02:00', why: 'minutes are exact across the spring gap' },
  { rule: '2h', from: '2026-10-25T01:30:00+02:00', expected: '2026-10-25T02:30:00+01:00', why: 'hours are exact across the autumn overlap' },
  { rule: '1D', from: '2026-03-28T12:00:00+01:00', expected: '2026-03-29T12:00:00+02:00', why: 'a day keeps the wall clock, 23 hours in spring' },
  { rule: '1D', from: '2026-10-31T12:00:00-04:00', zone: NEW_YORK, expected: '2026-11-01T12:00:00-05:00', why: 'a day is 25 hours when New York falls back' },
  { rule: '1D_D', from: '2026-03-28T15:20:00+01:00', expected: '2026-03-29T00:00:00+01:00', why: 'start of the day, before that day springs forward' },
  { rule: '1D_U', from: '2026-03-28T15:20:00+01:00', expected: '2026-03-29T23:59:59+02:00', why: 'end of the day, after it sprang forward' },
  { rule: '0D_U', from: '2026-07-01T08:00:00+02:00', expected: '2026-07-01T23:59:59+02:00', why: 'end of today' },
  { rule: '14D_D', from: '2026-10-31T23:30:00Z', expected: '2026-11-15T00:00:00+01:00', why: 'days count from the local date, already 1 November in Berlin' },
  { rule: '2W', from: '2026-10-20T10:00:00+02:00', expected: '2026-11-03T10:00:00+01:00', why: 'weeks keep the wall clock across the autumn change' },
  { rule: '1W_U', from: '2026-11-04T10:00:00+01:00', expected: '2026-11-15T23:59:59+01:00', why: 'end of the week is the coming Sunday' },
  { rule: '1W_U', from: '2026-11-08T09:00:00+01:00', expected: '2026-11-15T23:59:59+01:00', why: 'from a Sunday, a week later is itself a Sunday' },
  { rule: '4W_U', from: '2026-10-01T12:00:00+02:00', expected: '2026-11-01T23:59:59+01:00', why: 'the last Sunday lands after the clocks went back' },
  { rule: '1M', from: '2026-01-31T09:00:00+01:00', expected: '2026-02-28T09:00:00+01:00', why: 'a month after the 31st is the last day of February' },
  { rule: '1M', from: '2026-03-15T09:00:00+01:00', expected: '2026-04-15T09:00:00+02:00', why: 'a month keeps the wall clock across the spring change' },
  { rule: '1M_U', from: '2026-01-15T09:00:00+01:00', expected: '2026-02-28T23:59:59+01:00', why: 'last day of the month' },
  { rule: '1M_U', from: '2026-09-10T09:00:00+02:00', expected: '2026-10-31T23:59:59+01:00', why: 'a month that ends after the clocks went back' },
  { rule: '1M_U', from: '2026-01-31T23:30:00Z', expected: '2026-03-31T23:59:59+02:00', why: 'the month is the local one: 1 February in Berlin, so end of March' },
  { rule: '12M_U', from: '2025-11-03T10:00:00+01:00', expected: '2026-11-30T23:59:59+01:00', why: 'the default purchase validity' },
  { rule: '1Y', from: '2024-02-29T12:00:00+01:00', expected: '2025-02-28T12:00:00+01:00', why: 'a year after a leap day' },
  { rule: '1Y_U', from: '2026-06-01T12:00:00+02:00', expected: '2027-12-31T23:59:59+01:00', why: 'end of the year' },
];

describe('Talon.One loyalty date rules', () => {
  it.each(CASES)('$rule from $from lands on $expected ($why)', ({ rule, from, zone, expected }) => {
    const timeZone = zone ?? BERLIN;
    expect(formatZoned(applyLoyaltyDuration(Date.parse(from), rule, timeZone), timeZone)).toBe(expected);
  });

  it('reads amounts, units and rounding suffixes, and refuses what Talon.One refuses', () => {
    expect(parseLoyaltyDuration('14D_D')).toEqual({ amount: 14, unit: 'D', rounding: 'start_of_day' });
    expect(parseLoyaltyDuration('2W_U')).toEqual({ amount: 2, unit: 'W', rounding: 'end_of_period' });
    expect(parseLoyaltyDuration('30m')).toEqual({ amount: 30, unit: 'm', rounding: 'none' });
    for (const bad of ['', '5X', '1.5D', '3W_D', '2h_U', 'D', '10 D']) expect(() => parseLoyaltyDuration(bad), bad).toThrow(LoyaltyDurationError);
  });

  it('starts points immediately, on an action, or after the pending time, and lets unlimited points never expire', () => {
    const created = Date.parse('2026-10-31T23:30:00Z');
    expect(pointsStart('immediate', created, BERLIN)).toEqual({ kind: 'immediate' });
    expect(pointsStart('on_action', created, BERLIN)).toEqual({ kind: 'on_action' });
    expect(pointsStart('14D_D', created, BERLIN)).toEqual({ kind: 'at', ms: Date.parse('2026-11-14T23:00:00Z') });
    expect(pointsExpiry('unlimited', created, BERLIN)).toBeNull();
    expect(pointsExpiry('12M_U', Date.parse('2026-11-14T23:00:00Z'), BERLIN)).toBe(Date.parse('2027-11-30T22:59:59Z'));
  });
});

const T = (day: number): number => Date.parse(`2026-01-${String(day).padStart(2, '0')}T12:00:00Z`);
const add = (id: number, amount: number, createdDay: number, startDay: number | null, expiryDay: number | null): LedgerEntry => ({
  kind: 'addition', id, amount, createdMs: T(createdDay), startMs: startDay === null ? null : T(startDay), expiryMs: expiryDay === null ? null : T(expiryDay),
});
const sub = (id: number, amount: number, day: number, rollbackOf?: number): LedgerEntry => ({ kind: 'subtraction', id, amount, createdMs: T(day), ...(rollbackOf === undefined ? {} : { rollbackOf }) });

const LEDGER_CASES: { name: string; entries: LedgerEntry[]; asOfDay: number; expected: [active: number, pending: number, spent: number, expired: number, negative: number] }[] = [
  { name: 'a deduction spends active points', entries: [add(1, 100, 1, 1, null), sub(2, 30, 2)], asOfDay: 3, expected: [70, 0, 30, 0, 0] },
  { name: 'points before their start date are pending', entries: [add(1, 100, 1, 10, null)], asOfDay: 5, expected: [0, 100, 0, 0, 0] },
  { name: 'points become active on their start date', entries: [add(1, 100, 1, 10, null)], asOfDay: 10, expected: [100, 0, 0, 0, 0] },
  { name: 'unspent points expire at their expiry date', entries: [add(1, 100, 1, 1, 8), sub(2, 40, 3)], asOfDay: 9, expected: [0, 0, 40, 60, 0] },
  { name: 'the points expiring first are spent first', entries: [add(1, 50, 1, 1, 20), add(2, 50, 1, 1, 8), sub(3, 30, 3)], asOfDay: 9, expected: [50, 0, 30, 20, 0] },
  { name: 'a deduction beyond the balance leaves negative points', entries: [add(1, 20, 1, 1, null), sub(2, 50, 2)], asOfDay: 3, expected: [0, 0, 20, 0, 30] },
  { name: 'points that become active pay off negative points first', entries: [sub(1, 50, 1), add(2, 80, 2, 5, null)], asOfDay: 6, expected: [30, 0, 50, 0, 0] },
  { name: 'a rollback takes back its own pending points', entries: [add(1, 100, 1, 1, null), add(2, 60, 2, 15, null), sub(3, 60, 3, 2)], asOfDay: 4, expected: [100, 0, 60, 0, 0] },
  { name: 'points waiting for an action stay pending', entries: [add(1, 100, 1, null, null)], asOfDay: 28, expected: [0, 100, 0, 0, 0] },
];

describe('Talon.One loyalty ledger rules', () => {
  it.each(LEDGER_CASES)('$name', ({ entries, asOfDay, expected }) => {
    const b = ledgerBalance(entries, T(asOfDay));
    expect([b.activePoints, b.pendingPoints, b.spentPoints, b.expiredPoints, b.negativePoints]).toEqual(expected);
    const added = entries.filter((e) => e.kind === 'addition').reduce((n, e) => n + e.amount, 0);
    const subtracted = entries.filter((e) => e.kind === 'subtraction' && e.createdMs <= T(asOfDay)).reduce((n, e) => n + e.amount, 0);
    expect(added - subtracted).toBe(b.activePoints + b.pendingPoints + b.expiredPoints - b.negativePoints);
    expect(subtracted).toBe(b.spentPoints + b.negativePoints);
  });
});
