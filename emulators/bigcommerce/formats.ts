/** How BigCommerce writes dates and money: RFC-2822 dates in v2, ISO-8601 in v3, decimal strings for v2 amounts. */

/** RFC-2822 text in UTC, e.g. `Tue, 20 Nov 2012 00:00:00 +0000`, as v2 order dates are written. */
export function rfc2822(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toUTCString().replace('GMT', '+0000');
}

/** ISO-8601 with an explicit offset, e.g. `2018-08-15T14:49:05+00:00`, as v3 catalog dates are written. */
export function isoOffset(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', '+00:00');
}

/** ISO-8601 with `Z`, e.g. `2021-07-21T14:13:01Z`, as v3 customer dates are written. */
export function isoZulu(ms: number): string {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z');
}

/** Minor units as a four-place decimal string, e.g. 4999 → `49.9900`; exact, never through floating point. */
export function decimal4(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const abs = Math.abs(Math.round(minor));
  return `${sign}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}00`;
}

/** A decimal string (`49.9900`, `-3.5`) back in minor units, exactly. */
export function minorOf(decimal: string): number {
  const negative = decimal.trim().startsWith('-');
  const [whole = '0', fraction = ''] = decimal.trim().replace(/^-/, '').split('.');
  const minor = Number(whole) * 100 + Number(`${fraction}00`.slice(0, 2));
  return negative ? -minor : minor;
}

/** Minor units as a plain number of major units, e.g. 4999 → 49.99, as v3 catalog prices are written. */
export function major(minor: number): number {
  return Math.round(minor) / 100;
}

/** Parses an RFC-2822 or ISO-8601 date (a bare date is midnight UTC) to epoch ms; null when it is neither. */
export function parseApiDate(text: string): number | null {
  const trimmed = text.trim();
  if (trimmed === '') return null;
  // Bare numbers are not dates to BigCommerce, though Date.parse would read some of them as years.
  if (/^\d+$/.test(trimmed)) return null;
  // An ISO date-time without an offset means UTC here; Date.parse would read it in the host's zone.
  const zoned = /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(trimmed) ? `${trimmed}Z` : trimmed;
  const ms = Date.parse(zoned);
  return Number.isFinite(ms) ? ms : null;
}
