import { addMonthsMs, DAY_MS } from './time.js';
import type { Membership } from './types.js';

/** When paid billing starts: the end of the trial, or the start when there is none. */
export function billingAnchorMs(m: Pick<Membership, 'started_at' | 'trial_days'>): number {
  return Date.parse(m.started_at) + m.trial_days * DAY_MS;
}

/** The start of the n-th paid billing period (n = 0 is the first). */
export function cycleStartMs(m: Pick<Membership, 'started_at' | 'trial_days' | 'interval'>, n: number): number {
  return addMonthsMs(billingAnchorMs(m), n * (m.interval === 'year' ? 12 : 1));
}

/** Starts of the paid billing periods that begin before `untilMs`, oldest first. */
export function cycleStartsBefore(m: Pick<Membership, 'started_at' | 'trial_days' | 'interval'>, untilMs: number): number[] {
  const starts: number[] = [];
  for (let n = 0; ; n++) {
    const t = cycleStartMs(m, n);
    if (t >= untilMs) return starts;
    starts.push(t);
  }
}

/** The end of the billing period (or trial) that contains `atMs`. */
export function periodEndAfterMs(m: Pick<Membership, 'started_at' | 'trial_days' | 'interval'>, atMs: number): number {
  const anchor = billingAnchorMs(m);
  if (atMs < anchor) return anchor;
  for (let n = 0; ; n++) {
    const end = cycleStartMs(m, n + 1);
    if (end > atMs) return end;
  }
}
