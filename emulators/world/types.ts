/** Currencies the world trades in; amounts are always integers in the currency's minor unit. */
export type CurrencyCode = 'usd' | 'eur' | 'gbp';

export interface PostalAddress {
  line1: string;
  city: string;
  state: string | null;
  postal_code: string;
  country: string;
}

/** Marketing attribution as carried in UTM parameters. */
export interface Utm {
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
}

/** How a person's email is written in their payment account, compared with the canonical one. */
export type EmailStyle = 'canonical' | 'upper_case' | 'mixed_case' | 'padded' | 'different' | 'missing';

export type FailureReason =
  | 'card_declined'
  | 'insufficient_funds'
  | 'expired_card'
  | 'incorrect_cvc'
  | 'processing_error'
  | 'fraudulent';

export type RefundReason = 'requested_by_customer' | 'duplicate' | 'fraudulent';

export interface OrderItem {
  product_key: string;
  price_key: string;
  quantity: number;
  unit_amount_minor: number;
}

export interface OrderRefund {
  amount_minor: number;
  refunded_at: string;
  reason: RefundReason;
}

/** One checkout: paid (possibly after failed attempts), still pending, or failed for good. */
export interface Order {
  order_id: string;
  placed_at: string;
  currency: CurrencyCode;
  items: OrderItem[];
  total_minor: number;
  outcome: 'paid' | 'pending' | 'failed';
  /** Declined attempts made before the final outcome, oldest first; a failed order's final reason is last. */
  failed_attempts: FailureReason[];
  refunds: OrderRefund[];
  utm: Utm | null;
  /** Paid through the person's second payment account (see PersonTraits.duplicate_payment_account). */
  uses_duplicate_account: boolean;
}

export type MembershipLifecycle =
  | 'active'
  | 'trialing'
  | 'past_due'
  | 'unpaid'
  | 'canceled'
  | 'paused'
  /** The first payment failed: Stripe shows the subscription `incomplete` for 23 hours, then `incomplete_expired`. */
  | 'incomplete_expired';

/** A recurring plan a person signed up for, with where its life stands at the anchor. */
export interface Membership {
  membership_id: string;
  product_key: string;
  price_key: string;
  currency: CurrencyCode;
  interval: 'month' | 'year';
  unit_amount_minor: number;
  started_at: string;
  trial_days: number;
  lifecycle: MembershipLifecycle;
  /** When cancellation was requested (for 'canceled', and for active plans set to end at period end). */
  canceled_at: string | null;
  cancel_at_period_end: boolean;
  cancel_reason: 'cancellation_requested' | 'payment_failed' | null;
  cancel_feedback: 'too_expensive' | 'missing_features' | 'switched_service' | 'unused' | 'other' | null;
  /** Billing suspended from `since` on; invoices in that window are voided or written off. */
  collection_pause: { behavior: 'void' | 'mark_uncollectible'; since: string; resumes_at: string | null } | null;
  offer: { offer_key: string; code: string | null } | null;
}

export interface PersonTraits {
  currency: CurrencyCode;
  is_buyer: boolean;
  order_count: number;
  /** Distinct catalog products the person ever paid for, one-off or recurring. */
  product_keys: string[];
  is_subscriber: boolean;
  /** Has an account with a payment provider at all (buyers, subscribers and some who never paid). */
  has_payment_account: boolean;
  /** When the payment account was opened; null without one. */
  payment_account_opened_at: string | null;
  /** Null when the person has no payment account. */
  payment_email_style: EmailStyle | null;
  /** The email as written in the payment account; null when missing. */
  payment_email: string | null;
  /** A second payment account under the same email written differently (payment providers allow duplicates). */
  duplicate_payment_account: { style: 'upper_case' | 'mixed_case' | 'padded'; email: string; opened_at: string } | null;
  acquisition: Utm | null;
  marketing_opt_in: boolean;
}

export interface Person {
  person_id: string;
  first_name: string;
  last_name: string;
  /** Canonical, lower-case. */
  email: string;
  /** E.164. */
  phone: string;
  address: PostalAddress;
  created_at: string;
  traits: PersonTraits;
  orders: Order[];
  memberships: Membership[];
}

export interface CatalogPrice {
  price_key: string;
  currency: CurrencyCode;
  unit_amount_minor: number;
  interval: 'month' | 'year' | null;
  active: boolean;
}

export interface CatalogProduct {
  product_key: string;
  name: string;
  description: string;
  kind: 'course' | 'program' | 'physical' | 'membership';
  active: boolean;
  created_at: string;
  prices: CatalogPrice[];
}

export interface PromoCode {
  code: string;
  active: boolean;
  expires_at: string | null;
  first_time_transaction: boolean;
}

/** A discount the business offers: a percentage or a fixed amount in one currency, redeemable via codes. */
export interface Offer {
  offer_key: string;
  name: string;
  percent_off: number | null;
  amount_off_minor: number | null;
  currency: CurrencyCode | null;
  duration: 'once' | 'repeating' | 'forever';
  duration_in_months: number | null;
  created_at: string;
  redeem_by: string | null;
  codes: PromoCode[];
}

export interface Campaign extends Utm {
  campaign_key: string;
  starts_at: string;
  ends_at: string;
}

export interface World {
  seed: number;
  scale: number;
  anchor: string;
  people: Person[];
  catalog: CatalogProduct[];
  offers: Offer[];
  campaigns: Campaign[];
}
