import { zonedParts, zonedToMs } from '../http/zoned-time.js';

/**
 * Talon.One's relative time rules for loyalty points (`defaultPending`, `defaultValidity`, `pendingDuration`,
 * `validityDuration`): an integer and a unit (`30s`, `40m`, `1h`, `5D`, `7W`, `10M`, `15Y`), optionally rounded:
 * `_D` (days only) goes back to the start of the day, `_U` (days, weeks, months, years) forward to the end of the
 * day, week, month or year. Calendar units count in the program's time zone, so a day across a DST change is 23 or
 * 25 hours and "the end of the month" is the local month. Pure: no clock, no I/O.
 */

export type DurationUnit = 's' | 'm' | 'h' | 'D' | 'W' | 'M' | 'Y';
export type DurationRounding = 'none' | 'start_of_day' | 'end_of_period';

export interface LoyaltyDuration {
  amount: number;
  unit: DurationUnit;
  rounding: DurationRounding;
}

/** When points become active: at once, at an instant, or only when the customer acts (`on_action`). */
export type PointsStart = { kind: 'immediate' } | { kind: 'at'; ms: number } | { kind: 'on_action' };

/** A rule text Talon.One would reject. */
export class LoyaltyDurationError extends Error {
  override readonly name = 'LoyaltyDurationError';

  constructor(readonly text: string, reason: string) {
    super(`Invalid loyalty duration "${text}": ${reason}. Use an integer and a unit (s, m, h, D, W, M, Y), e.g. 30D, 2W_U, 12M_U, 14D_D.`);
  }
}

const EXACT_UNIT_MS: Partial<Record<DurationUnit, number>> = { s: 1000, m: 60_000, h: 3_600_000 };
/** The last second of a period: Talon.One writes end-of-period expiries as `23:59:59`. */
const END_OF_DAY = [23, 59, 59] as const;

/** Reads `14D_D`, `2W_U`, `30m`...; throws LoyaltyDurationError for anything else. */
export function parseLoyaltyDuration(text: string): LoyaltyDuration {
  const m = /^(\d+)([smhDWMY])(?:_([DU]))?$/.exec(text.trim());
  if (!m) throw new LoyaltyDurationError(text, 'not an integer followed by a unit');
  const unit = m[2] as DurationUnit;
  const suffix = m[3];
  if (suffix === 'D' && unit !== 'D') throw new LoyaltyDurationError(text, '_D rounds days only');
  if (suffix === 'U' && !['D', 'W', 'M', 'Y'].includes(unit)) throw new LoyaltyDurationError(text, '_U rounds days, weeks, months and years only');
  return { amount: Number(m[1]), unit, rounding: suffix === 'D' ? 'start_of_day' : suffix === 'U' ? 'end_of_period' : 'none' };
}

const daysInMonth = (year: number, month: number): number => new Date(Date.UTC(year, month, 0)).getUTCDate();

/** The instant a duration after `fromMs` lands on, calendar units and rounding taken in `timeZone`. */
export function applyLoyaltyDuration(fromMs: number, duration: LoyaltyDuration | string, timeZone: string): number {
  const d = typeof duration === 'string' ? parseLoyaltyDuration(duration) : duration;
  const exact = EXACT_UNIT_MS[d.unit];
  if (exact !== undefined) return fromMs + d.amount * exact;

  const p = zonedParts(fromMs, timeZone);
  let { year, month, day } = p;
  if (d.unit === 'D' || d.unit === 'W') {
    const shifted = new Date(Date.UTC(year, month - 1, day + d.amount * (d.unit === 'W' ? 7 : 1)));
    [year, month, day] = [shifted.getUTCFullYear(), shifted.getUTCMonth() + 1, shifted.getUTCDate()];
  } else {
    const months = d.unit === 'Y' ? d.amount * 12 : d.amount;
    const index = year * 12 + (month - 1) + months;
    [year, month] = [Math.floor(index / 12), (index % 12) + 1];
    // Like billing systems, a month later than the 31st is the target month's last day.
    day = Math.min(day, daysInMonth(year, month));
  }

  if (d.rounding === 'start_of_day') return zonedToMs(year, month, day, 0, 0, 0, timeZone);
  if (d.rounding === 'none') return zonedToMs(year, month, day, p.hour, p.minute, p.second, timeZone);
  if (d.unit === 'W') {
    // Weeks run Monday to Sunday, so the end of the week is the coming Sunday (today, if it is one).
    const weekday = new Date(Date.UTC(year, month - 1, day)).getUTCDay();
    const sunday = new Date(Date.UTC(year, month - 1, day + ((7 - weekday) % 7)));
    [year, month, day] = [sunday.getUTCFullYear(), sunday.getUTCMonth() + 1, sunday.getUTCDate()];
  } else if (d.unit === 'M') {
    day = daysInMonth(year, month);
  } else if (d.unit === 'Y') {
    [month, day] = [12, 31];
  }
  return zonedToMs(year, month, day, ...END_OF_DAY, timeZone);
}

/** When points created at `createdMs` start: `immediate`, `on_action`, or a duration later. */
export function pointsStart(pending: string, createdMs: number, timeZone: string): PointsStart {
  if (pending === 'immediate') return { kind: 'immediate' };
  if (pending === 'on_action') return { kind: 'on_action' };
  return { kind: 'at', ms: applyLoyaltyDuration(createdMs, pending, timeZone) };
}

/** When points that start at `startMs` expire, or null for `unlimited`; validity counts from activation. */
export function pointsExpiry(validity: string, startMs: number, timeZone: string): number | null {
  return validity === 'unlimited' ? null : applyLoyaltyDuration(startMs, validity, timeZone);
}
