import type { FailureReason } from '../../world/index.js';

/** The card a customer pays with; fixed per customer so fingerprints repeat across charges. */
export interface CardOnFile {
  payment_method: string;
  brand: 'visa' | 'mastercard' | 'amex';
  last4: string;
  exp_month: number;
  exp_year: number;
  fingerprint: string;
  funding: 'credit' | 'debit';
  country: string;
}

interface DeclineDetails {
  failure_code: string;
  failure_message: string;
  outcome: {
    advice_code: string | null;
    network_status: string;
    reason: string;
    seller_message: string;
    type: string;
  };
}

const DECLINE_MESSAGE = 'The bank did not return any further details with this decline.';

/** The charge fields Stripe sets for each kind of decline. */
export const DECLINES: Readonly<Record<FailureReason, DeclineDetails>> = {
  card_declined: {
    failure_code: 'card_declined',
    failure_message: 'Your card was declined.',
    outcome: { advice_code: 'try_again_later', network_status: 'declined_by_network', reason: 'generic_decline', seller_message: DECLINE_MESSAGE, type: 'issuer_declined' },
  },
  insufficient_funds: {
    failure_code: 'card_declined',
    failure_message: 'Your card has insufficient funds.',
    outcome: { advice_code: 'try_again_later', network_status: 'declined_by_network', reason: 'insufficient_funds', seller_message: 'The bank returned the decline code `insufficient_funds`.', type: 'issuer_declined' },
  },
  expired_card: {
    failure_code: 'expired_card',
    failure_message: 'Your card has expired.',
    outcome: { advice_code: 'do_not_try_again', network_status: 'declined_by_network', reason: 'expired_card', seller_message: 'The bank returned the decline code `expired_card`.', type: 'issuer_declined' },
  },
  incorrect_cvc: {
    failure_code: 'incorrect_cvc',
    failure_message: "Your card's security code is incorrect.",
    outcome: { advice_code: 'confirm_card_data', network_status: 'declined_by_network', reason: 'incorrect_cvc', seller_message: 'The bank returned the decline code `incorrect_cvc`.', type: 'issuer_declined' },
  },
  processing_error: {
    failure_code: 'processing_error',
    failure_message: 'An error occurred while processing your card. Try again in a little bit.',
    outcome: { advice_code: 'try_again_later', network_status: 'declined_by_network', reason: 'processing_error', seller_message: DECLINE_MESSAGE, type: 'issuer_declined' },
  },
  fraudulent: {
    failure_code: 'card_declined',
    failure_message: 'Your card was declined.',
    outcome: { advice_code: null, network_status: 'not_sent_to_network', reason: 'highest_risk_level', seller_message: 'Stripe blocked this payment as too risky.', type: 'blocked' },
  },
};
