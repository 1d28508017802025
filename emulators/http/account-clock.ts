/**
 * The two clocks of an emulated account. Its world ends at the anchor: the instant given for a
 * reproducible run, or else its start time, the real clock read once when it starts (the world
 * generator itself never reads it). What happens after that (a change a test makes, a report's
 * window, an access token's hour) happens on the real clock, which never runs behind the anchor.
 * The anchor and every change are whole seconds: every emulated API prints its times to the second,
 * so a world anchored at its start time serves the instants it is generated with, and the anchor
 * printed by `cdp emulators` given back as `--now` rebuilds the same world.
 */

/** Whole seconds, as the APIs keep them. */
export function toTheSecondMs(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** The instant the world ends at: the given anchor (to the second), else the clock read now, to the second. */
export function worldAnchor(anchor?: Date, clock: () => number = Date.now): Date {
  const ms = anchor === undefined ? clock() : anchor.getTime();
  if (!Number.isFinite(ms)) throw new Error('The world anchor must be a valid date');
  return new Date(toTheSecondMs(ms));
}

/**
 * The account's "now": the real clock, held at the anchor while the clock is behind it (a world
 * anchored ahead of the clock), so nothing happens before the data ends. A change it dates is cut to
 * the second (`toTheSecondMs`), as the APIs keep it; a request's bounds are checked against it as is.
 */
export function accountClock(anchor: Date | string, clock: () => number = Date.now): () => number {
  const anchorMs = typeof anchor === 'string' ? Date.parse(anchor) : anchor.getTime();
  return () => Math.max(clock(), anchorMs);
}

/** When a change made now happens: the account's "now" cut to the second. */
export function changeClock(anchor: Date | string, clock: () => number = Date.now): () => number {
  const now = accountClock(anchor, clock);
  return () => toTheSecondMs(now());
}
