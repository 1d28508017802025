import { keptValueMinor } from './drafts.js';
import type { SessionState, T1Profile, T1Session } from './types.js';

/** Sessions that count as sales: closed, and closed ones with some items returned. */
export const SALE_STATES: ReadonlySet<SessionState> = new Set<SessionState>(['closed', 'partially_returned']);

/**
 * Recomputes a profile's `closedSessions` and `totalSales` from its sessions, as documented: closed sessions that
 * were not cancelled, and the value before discounts of the items not returned.
 */
export function refreshProfileTotals(profile: T1Profile, sessions: readonly T1Session[]): void {
  const sales = sessions.filter((s) => s.profileId === profile.id && SALE_STATES.has(s.state));
  profile.closedSessions = sales.length;
  profile.totalSales = sales.reduce((sum, s) => sum + keptValueMinor(s.cartItems), 0) / 100;
}
