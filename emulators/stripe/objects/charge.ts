import type { FailureReason } from '../../world/index.js';
import { DECLINES, type CardOnFile } from './card.js';
import { embeddedList, type StripeAddress } from './common.js';
import type { StripeRefund } from './refund.js';

export interface ChargeInput {
  id: string;
  created: number;
  amount: number;
  currency: string;
  customer: string;
  description: string;
  status: 'succeeded' | 'pending' | 'failed';
  failure: FailureReason | null;
  refunds: StripeRefund[];
  balance_transaction: string | null;
  payment_intent: string;
  card: CardOnFile;
  billing: { address: StripeAddress | null; email: string | null; name: string | null; phone: string | null };
  receipt_email: string | null;
  receipt_url: string;
  authorization_code: string;
  network_transaction_id: string;
  metadata: Record<string, string>;
  shipping: { address: StripeAddress; carrier: string; name: string; phone: string | null; tracking_number: string | null } | null;
}

/** The charge's `outcome`, as the card network and Stripe's risk checks left it. */
function outcomeOf(c: ChargeInput) {
  if (c.failure) {
    const d = DECLINES[c.failure].outcome;
    return { advice_code: d.advice_code, network_advice_code: null, network_decline_code: null, network_status: d.network_status, reason: d.reason, seller_message: d.seller_message, type: d.type };
  }
  return {
    advice_code: null,
    network_advice_code: null,
    network_decline_code: null,
    network_status: 'approved_by_network',
    reason: null,
    seller_message: c.status === 'pending' ? 'Payment is pending.' : 'Payment complete.',
    type: 'authorized',
  };
}

/** A Stripe `charge` (current API version: no `invoice` field) with its refunds embedded. */
export function chargeObject(c: ChargeInput) {
  const succeeded = c.status === 'succeeded';
  const amountRefunded = c.refunds.reduce((sum, r) => sum + r.amount, 0);
  const decline = c.failure ? DECLINES[c.failure] : null;
  return {
    id: c.id,
    object: 'charge' as const,
    amount: c.amount,
    amount_captured: succeeded ? c.amount : 0,
    amount_refunded: amountRefunded,
    application: null,
    application_fee: null,
    application_fee_amount: null,
    balance_transaction: c.balance_transaction,
    billing_details: { address: c.billing.address, email: c.billing.email, name: c.billing.name, phone: c.billing.phone, tax_id: null },
    calculated_statement_descriptor: 'CDP ACADEMY',
    captured: succeeded,
    created: c.created,
    currency: c.currency,
    customer: c.customer,
    description: c.description,
    disputed: false,
    failure_balance_transaction: null,
    failure_code: decline?.failure_code ?? null,
    failure_message: decline?.failure_message ?? null,
    fraud_details: (c.failure === 'fraudulent' ? { stripe_report: 'fraudulent' } : {}) as Record<string, string>,
    livemode: false,
    metadata: c.metadata,
    on_behalf_of: null,
    outcome: outcomeOf(c),
    paid: succeeded,
    payment_intent: c.payment_intent,
    payment_method: c.card.payment_method,
    payment_method_details: {
      card: {
        amount_authorized: c.failure ? null : c.amount,
        authorization_code: c.failure ? null : c.authorization_code,
        brand: c.card.brand,
        checks: {
          address_line1_check: c.billing.address ? 'pass' : null,
          address_postal_code_check: c.billing.address ? 'pass' : null,
          cvc_check: c.failure === 'incorrect_cvc' ? 'fail' : 'pass',
        },
        country: c.card.country,
        exp_month: c.card.exp_month,
        exp_year: c.card.exp_year,
        extended_authorization: { status: 'disabled' },
        fingerprint: c.card.fingerprint,
        funding: c.card.funding,
        incremental_authorization: { status: 'unavailable' },
        installments: null,
        last4: c.card.last4,
        mandate: null,
        multicapture: { status: 'unavailable' },
        network: c.card.brand,
        network_token: { used: false },
        network_transaction_id: c.failure ? null : c.network_transaction_id,
        overcapture: { maximum_amount_capturable: c.amount, status: 'unavailable' },
        regulated_status: c.card.funding === 'debit' ? 'regulated' : 'unregulated',
        three_d_secure: null,
        transaction_link_id: null,
        wallet: null,
      },
      type: 'card' as const,
    },
    receipt_email: c.receipt_email,
    receipt_number: null,
    receipt_url: c.receipt_url,
    refunded: c.amount > 0 && amountRefunded === c.amount,
    refunds: embeddedList(c.refunds, `/v1/charges/${c.id}/refunds`),
    review: null,
    shipping: c.shipping,
    source: null,
    source_transfer: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: c.status,
    transfer_data: null,
    transfer_group: null,
  };
}

export type StripeCharge = ReturnType<typeof chargeObject>;
