export interface InvoicePaymentInput {
  id: string;
  invoice: string;
  amount: number;
  currency: string;
  /** When the invoice was finalized: Stripe makes its default payment then. */
  created: number;
  paid_at: number;
  payment_intent: string;
}

/**
 * A Stripe `invoice_payment` (since 2025-03-31.basil): the invoice's default payment, paid by a
 * payment intent. Stripe names the intent, not its charge, whenever the charge belongs to one.
 */
export function invoicePaymentObject(p: InvoicePaymentInput) {
  return {
    id: p.id,
    object: 'invoice_payment' as const,
    amount_paid: p.amount,
    amount_requested: p.amount,
    created: p.created,
    currency: p.currency,
    invoice: p.invoice,
    is_default: true,
    livemode: false,
    payment: { payment_intent: p.payment_intent, type: 'payment_intent' as const },
    status: 'paid',
    status_transitions: { canceled_at: null, paid_at: p.paid_at },
  };
}

export type StripeInvoicePayment = ReturnType<typeof invoicePaymentObject>;
