/**
 * Wall-clock arithmetic in an IANA time zone using only Intl, so emulators can print account-local
 * timestamps (with DST-correct offsets) without a date library. Shared with the Facebook Ads emulator.
 */

const HOUR_MS = 3_600_000;
const formatters = new Map<string, Intl.DateTimeFormat>();
/** Offsets only change at DST transitions, so one lookup per zone and UTC hour is enough. */
const offsetCache = new Map<string, number>();

export interface ZonedParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  /** Minutes east of UTC, e.g. -360 for 06:00 behind. */
  offsetMinutes: number;
}

function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', {
      timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit',
    });
    formatters.set(timeZone, f);
  }
  return f;
}

function exactOffsetMinutes(ms: number, timeZone: string): number {
  const at = Math.floor(ms / 1000) * 1000;
  const parts: Record<string, number> = {};
  for (const p of formatter(timeZone).formatToParts(new Date(at))) if (p.type !== 'literal') parts[p.type] = Number(p.value);
  const asUtc = Date.UTC(parts.year!, parts.month! - 1, parts.day!, parts.hour!, parts.minute!, parts.second!);
  return Math.round((asUtc - at) / 60_000);
}

/** The zone's UTC offset in minutes at an instant. */
export function offsetMinutesAt(ms: number, timeZone: string): number {
  const hour = Math.floor(ms / HOUR_MS);
  const hourKey = `${timeZone}|${hour}`;
  const cached = offsetCache.get(hourKey);
  if (cached !== undefined) return cached;
  const start = exactOffsetMinutes(hour * HOUR_MS, timeZone);
  // A few zones change offset mid-way through a UTC hour; those hours are looked up exactly and not cached.
  if (exactOffsetMinutes(hour * HOUR_MS + HOUR_MS - 1000, timeZone) !== start) return exactOffsetMinutes(ms, timeZone);
  offsetCache.set(hourKey, start);
  return start;
}

/** The local calendar fields and offset of an instant (seconds truncated). */
export function zonedParts(ms: number, timeZone: string): ZonedParts {
  const offsetMinutes = offsetMinutesAt(ms, timeZone);
  const local = new Date(Math.floor(ms / 1000) * 1000 + offsetMinutes * 60_000);
  return {
    year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(),
    hour: local.getUTCHours(), minute: local.getUTCMinutes(), second: local.getUTCSeconds(), offsetMinutes,
  };
}

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');

function offsetText(offsetMinutes: number, colon: boolean): string {
  const sign = offsetMinutes < 0 ? '-' : '+';
  const abs = Math.abs(offsetMinutes);
  return `${sign}${pad(Math.floor(abs / 60))}${colon ? ':' : ''}${pad(abs % 60)}`;
}

/** ISO-8601 local time with offset: `2025-03-04T10:12:13-06:00`, or `-0600` when `colon` is false (Graph API style). */
export function formatZoned(ms: number, timeZone: string, colon = true): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}T${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}${offsetText(p.offsetMinutes, colon)}`;
}

/** Local `YYYY-MM-DD HH:MM:SS`, as MySQL-backed APIs print their `*_timestamp` columns. */
export function formatZonedSql(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)} ${pad(p.hour)}:${pad(p.minute)}:${pad(p.second)}`;
}

/** The local calendar date of an instant, `YYYY-MM-DD`. */
export function zonedDate(ms: number, timeZone: string): string {
  const p = zonedParts(ms, timeZone);
  return `${p.year}-${pad(p.month)}-${pad(p.day)}`;
}

/**
 * The instant a local wall-clock time names. An ambiguous time (DST overlap) resolves to the earlier
 * instant; a time that does not exist (DST gap) is read with the offset before the gap, landing after it.
 */
export function zonedToMs(year: number, month: number, day: number, hour: number, minute: number, second: number, timeZone: string): number {
  const naive = Date.UTC(year, month - 1, day, hour, minute, second);
  const before = naive - offsetMinutesAt(naive - 86_400_000, timeZone) * 60_000;
  const after = naive - offsetMinutesAt(naive + 86_400_000, timeZone) * 60_000;
  const valid = [before, after].filter((ms) => naive - offsetMinutesAt(ms, timeZone) * 60_000 === ms);
  return valid.length > 0 ? Math.min(...valid) : before;
}

/** Adds whole days to a `YYYY-MM-DD` date. */
export function addDays(date: string, days: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d + days)).toISOString().slice(0, 10);
}

/** Whole days from date `a` to date `b` (both `YYYY-MM-DD`). */
export function daysBetween(a: string, b: string): number {
  return Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
}

/**
 * Parses a filter value as APIs accept it: a date (local midnight), a local `YYYY-MM-DD HH:MM:SS`,
 * or ISO-8601 with `Z` or an offset. Returns epoch ms, or null when the text is none of these.
 */
export function parseZonedInput(text: string, timeZone: string): number | null {
  const t = text.trim();
  const local = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(t);
  if (local) {
    const [, y, mo, d, h = '0', mi = '0', s = '0'] = local;
    return zonedToMs(Number(y), Number(mo), Number(d), Number(h), Number(mi), Number(s), timeZone);
  }
  if (/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(t)) {
    const normalized = t.replace(/([+-]\d{2})(\d{2})$/, '$1:$2');
    const ms = Date.parse(normalized);
    return Number.isFinite(ms) ? ms : null;
  }
  return null;
}
