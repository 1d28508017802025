import type { StreamPosition } from '../lib/sync-state';

/** A cursor value (unix seconds or an ISO date) as unix seconds; null when it is neither. */
export function cursorSeconds(value: string | null | undefined): number | null {
  if (value === null || value === undefined) return null;
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? null : ms / 1000;
}

/**
 * How far a stream has moved through its window, 0..1, whichever way the source pages (newest or
 * oldest first); null when the far end of the window is unknown (a historical sync from the beginning
 * of a newest-first source).
 */
export function windowFraction(p: Pick<StreamPosition, 'window' | 'firstCursor' | 'lastCursor'>): number | null {
  const first = cursorSeconds(p.firstCursor);
  const last = cursorSeconds(p.lastCursor);
  if (first === null || last === null) return null;
  const newestFirst = last < first || (last === first && Math.abs(p.window.to - first) < Math.abs(first - (p.window.from ?? 0)));
  const target = newestFirst ? p.window.from : p.window.to;
  if (target === null || target === first) return null;
  return Math.min(1, Math.max(0, Math.abs(last - first) / Math.abs(target - first)));
}

/** Seconds left at the current pace, when the fraction is known and moving. */
export function etaSeconds(fraction: number | null, elapsedSeconds: number): number | null {
  if (fraction === null || fraction <= 0 || fraction >= 1 || elapsedSeconds <= 0) return null;
  return (elapsedSeconds * (1 - fraction)) / fraction;
}
