import type { Person } from '../world/index.js';
import type { SessionState, T1CartItem, T1Coupon } from './types.js';

/** A purchase a session is made from: a world order (live) or a test cart (sandbox). */
export interface CartOrder {
  integrationId: string;
  placedMs: number;
  items: { product_key: string; quantity: number }[];
  outcome: 'paid' | 'pending' | 'failed';
  /** What the payment provider refunded, and when; a full refund cancels the session. */
  refund: { minor: number; full: boolean; atMs: number } | null;
}

/** A coupon before ids are given out, with what it takes off and when it can be used. */
export interface CouponDraft {
  coupon: T1Coupon;
  createdMs: number;
  startMs: number | null;
  expiryMs: number | null;
  campaignName: string;
  /** Usable only while the campaign runs. */
  campaignWindow: { fromMs: number; untilMs: number | null };
  percentOff: number | null;
  amountOffMinor: number | null;
  firstSessionOnly: boolean;
}

export interface SessionDraft {
  integrationId: string;
  createdMs: number;
  state: SessionState;
  items: T1CartItem[];
  /** Cart total before discounts, minor units. */
  totalMinor: number;
  /** Discounts by label, minor units. */
  discountsMinor: Record<string, number>;
  coupon: CouponDraft | null;
  referralCode: string;
  /** When the session was closed (also for sessions cancelled after closing). */
  closedMs: number | null;
  /** When an item was returned (partially_returned). */
  returnMs: number | null;
  /** When the session was cancelled, closed before or not. */
  cancelMs: number | null;
}

export interface ProfileDraft {
  person: Person;
  integrationId: string;
  attributes: Record<string, unknown>;
  createdMs: number;
  /** Oldest first. */
  sessions: SessionDraft[];
  advocateIntegrationId?: string;
}

/** A number of cases still to force onto the first eligible records, so that a tiny account shows each of them. */
export interface Quota {
  left: number;
}

/** Uses one of the quota; false when it is used up. */
export function spend(quota: Quota): boolean {
  if (quota.left <= 0) return false;
  quota.left--;
  return true;
}

/** Value of the items a session still holds: price times quantity not returned, minor units. */
export function keptValueMinor(items: readonly T1CartItem[]): number {
  return items.reduce((sum, it) => sum + Math.round(it.price * 100) * (it.quantity - it.returnedQuantity), 0);
}

/** Sum of a labelled discount map. */
export function discountSumMinor(discounts: Readonly<Record<string, number>>): number {
  return Object.values(discounts).reduce((a, b) => a + b, 0);
}
