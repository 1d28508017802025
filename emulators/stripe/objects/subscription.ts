import { embeddedList } from './common.js';
import { planObject, type StripePrice } from './catalog.js';

export interface SubscriptionItemInput {
  id: string;
  created: number;
  subscription: string;
  price: StripePrice;
  current_period_start: number;
  current_period_end: number;
}

/** A Stripe `subscription_item` (current API version: billing periods live on the item). */
export function subscriptionItemObject(i: SubscriptionItemInput) {
  return {
    id: i.id,
    object: 'subscription_item' as const,
    billing_thresholds: null,
    created: i.created,
    current_period_end: i.current_period_end,
    current_period_start: i.current_period_start,
    discounts: [] as string[],
    metadata: {} as Record<string, string>,
    plan: planObject(i.price),
    price: i.price,
    quantity: 1,
    subscription: i.subscription,
    tax_rates: [] as unknown[],
  };
}

export type StripeSubscriptionItem = ReturnType<typeof subscriptionItemObject>;

export type SubscriptionStatus = 'active' | 'trialing' | 'past_due' | 'unpaid' | 'canceled' | 'paused' | 'incomplete' | 'incomplete_expired';

export interface SubscriptionInput {
  id: string;
  created: number;
  customer: string;
  currency: string;
  status: SubscriptionStatus;
  billing_cycle_anchor: number;
  cancel_at: number | null;
  cancel_at_period_end: boolean;
  canceled_at: number | null;
  cancellation: { feedback: string | null; reason: string | null };
  ended_at: number | null;
  trial_start: number | null;
  trial_end: number | null;
  /** What happens when a trial ends without a payment method: Stripe pauses or invoices anyway. */
  trial_end_behavior: 'create_invoice' | 'pause';
  discounts: string[];
  items: StripeSubscriptionItem[];
  latest_invoice: string | null;
  default_payment_method: string | null;
  pause_collection: { behavior: 'void' | 'mark_uncollectible' | 'keep_as_draft'; resumes_at: number | null } | null;
  /** `send_invoice`: each invoice is emailed, due `days_until_due` days after it is finalized. */
  collection_method: 'charge_automatically' | 'send_invoice';
  days_until_due: number | null;
}

/** A Stripe `subscription` with its items embedded. */
export function subscriptionObject(s: SubscriptionInput) {
  return {
    id: s.id,
    object: 'subscription' as const,
    application: null,
    application_fee_percent: null,
    automatic_tax: { disabled_reason: null, enabled: false, liability: null },
    billing_cycle_anchor: s.billing_cycle_anchor,
    billing_cycle_anchor_config: null,
    billing_mode: { flexible: null, type: 'classic' as const },
    billing_schedules: [] as unknown[],
    billing_thresholds: null,
    cancel_at: s.cancel_at,
    cancel_at_period_end: s.cancel_at_period_end,
    canceled_at: s.canceled_at,
    cancellation_details: { comment: null, feedback: s.cancellation.feedback, reason: s.cancellation.reason },
    collection_method: s.collection_method,
    created: s.created,
    currency: s.currency,
    customer: s.customer,
    customer_account: null,
    days_until_due: s.days_until_due,
    default_payment_method: s.default_payment_method,
    default_source: null,
    default_tax_rates: [] as unknown[],
    description: null,
    discounts: s.discounts,
    ended_at: s.ended_at,
    invoice_settings: { account_tax_ids: null, custom_fields: null, description: null, footer: null, issuer: { type: 'self' as const } },
    items: embeddedList(s.items, `/v1/subscription_items?subscription=${s.id}`),
    latest_invoice: s.latest_invoice,
    livemode: false,
    managed_payments: { enabled: false },
    metadata: {} as Record<string, string>,
    next_pending_invoice_item_invoice: null,
    on_behalf_of: null,
    pause_collection: s.pause_collection,
    payment_settings: { payment_method_options: null, payment_method_types: null, save_default_payment_method: 'off' as const },
    pending_invoice_item_interval: null,
    pending_setup_intent: null,
    pending_update: null,
    schedule: null,
    start_date: s.created,
    status: s.status,
    test_clock: null,
    transfer_data: null,
    trial_end: s.trial_end,
    trial_settings: { end_behavior: { missing_payment_method: s.trial_end_behavior } },
    trial_start: s.trial_start,
  };
}

export type StripeSubscription = ReturnType<typeof subscriptionObject>;
