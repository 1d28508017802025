import type { StripeCharge } from './charge.js';

/**
 * The `payment_intent` behind a card charge, as `expand[]=payment_intent` shows it: one attempt,
 * confirmed at once, whose latest charge is this one.
 */
export function paymentIntentObject(charge: StripeCharge) {
  const succeeded = charge.status === 'succeeded';
  const failed = charge.status === 'failed';
  return {
    id: charge.payment_intent,
    object: 'payment_intent' as const,
    amount: charge.amount,
    amount_capturable: 0,
    amount_details: { tip: {} as Record<string, never> },
    amount_received: succeeded ? charge.amount : 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: 'automatic' as const,
    client_secret: `${charge.payment_intent}_secret_${charge.id.slice(-24)}`,
    confirmation_method: 'automatic' as const,
    created: charge.created,
    currency: charge.currency,
    customer: charge.customer,
    customer_account: null,
    description: charge.description,
    excluded_payment_method_types: null,
    last_payment_error: failed ? { code: charge.failure_code, message: charge.failure_message, type: 'card_error' as const } : null,
    latest_charge: charge.id,
    livemode: charge.livemode,
    managed_payments: { enabled: false },
    metadata: charge.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: failed ? null : charge.payment_method,
    payment_method_configuration_details: null,
    payment_method_options: {} as Record<string, unknown>,
    payment_method_types: ['card'],
    processing: null,
    receipt_email: charge.receipt_email,
    review: null,
    setup_future_usage: null,
    shipping: charge.shipping,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: succeeded ? ('succeeded' as const) : failed ? ('requires_payment_method' as const) : ('processing' as const),
    transfer_data: null,
    transfer_group: null,
  };
}

export type StripePaymentIntent = ReturnType<typeof paymentIntentObject>;
