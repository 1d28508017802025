import type { RefundReason } from '../../world/index.js';

export interface RefundInput {
  id: string;
  created: number;
  amount: number;
  currency: string;
  charge: string;
  customer: string;
  payment_intent: string;
  payment_method: string;
  balance_transaction: string;
  reason: RefundReason;
}

/** A Stripe `refund` of (part of) a card charge. */
export function refundObject(r: RefundInput) {
  return {
    id: r.id,
    object: 'refund' as const,
    amount: r.amount,
    balance_transaction: r.balance_transaction,
    charge: r.charge,
    created: r.created,
    currency: r.currency,
    customer: r.customer,
    customer_account: null,
    destination_details: { card: { type: 'refund' }, type: 'card' },
    metadata: {} as Record<string, string>,
    payment_intent: r.payment_intent,
    payment_method: r.payment_method,
    reason: r.reason,
    receipt_number: null,
    source_transfer_reversal: null,
    status: 'succeeded' as const,
    transfer_reversal: null,
  };
}

export type StripeRefund = ReturnType<typeof refundObject>;
