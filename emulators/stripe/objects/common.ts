import type { PostalAddress } from '../../world/index.js';

export interface StripeAddress {
  city: string | null;
  country: string | null;
  line1: string | null;
  line2: string | null;
  postal_code: string | null;
  state: string | null;
}

/** Stripe's `{ object: 'list' }` wrapper for an embedded sub-list. */
export interface EmbeddedList<T> {
  object: 'list';
  data: T[];
  has_more: boolean;
  url: string;
}

/** Unix seconds for an ISO instant. */
export function unixSeconds(iso: string): number {
  return Math.floor(Date.parse(iso) / 1000);
}

/** A world address in Stripe's address shape. */
export function stripeAddress(a: PostalAddress): StripeAddress {
  return { city: a.city, country: a.country, line1: a.line1, line2: null, postal_code: a.postal_code, state: a.state };
}

/** Wraps items in an embedded list that Stripe would page at `url`. */
export function embeddedList<T>(data: T[], url: string): EmbeddedList<T> {
  return { object: 'list', data, has_more: false, url };
}
