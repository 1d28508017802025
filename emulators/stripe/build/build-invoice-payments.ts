import type { StripeIds } from '../ids.js';
import { chargeObject, type StripeCharge } from '../objects/charge.js';
import { invoicePaymentObject, type StripeInvoicePayment } from '../objects/invoice-payment.js';
import type { StripeInvoice } from '../objects/invoice.js';
import type { CustomerDraft } from './build-accounts.js';

/** How Stripe describes the payment of a subscription's invoice, by the invoice's billing reason. */
const DESCRIPTIONS: Readonly<Record<StripeInvoice['billing_reason'], string>> = {
  subscription_create: 'Subscription creation',
  subscription_cycle: 'Subscription update',
};

export interface InvoicePayments {
  /** The charges that paid invoices, one per invoice. */
  charges: StripeCharge[];
  /** Each charged invoice's default payment, naming the payment intent of its charge. */
  invoicePayments: StripeInvoicePayment[];
}

/**
 * The money behind each paid `charge_automatically` invoice with something to pay: Stripe finalizes
 * the invoice with a payment intent and confirms it with the customer's card, whose charge is
 * created when the invoice is paid. An emailed invoice paid outside Stripe, or one with nothing to
 * pay (a trial, a fully discounted period), has no charge.
 */
export function buildInvoicePayments(ids: StripeIds, invoices: readonly StripeInvoice[], customers: ReadonlyMap<string, CustomerDraft>): InvoicePayments {
  const charges: StripeCharge[] = [];
  const invoicePayments: StripeInvoicePayment[] = [];
  for (const invoice of [...invoices].sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1))) {
    const paidAt = invoice.status_transitions.paid_at;
    if (invoice.status !== 'paid' || invoice.collection_method !== 'charge_automatically' || invoice.total <= 0 || paidAt === null) continue;
    const customer = customers.get(invoice.customer);
    if (!customer) throw new Error(`No Stripe customer ${invoice.customer} for invoice ${invoice.id}`);
    const chargeId = ids.timed('ch', paidAt);
    const paymentIntent = ids.timed('pi', paidAt);
    const email = customer.email?.trim() || null;
    charges.push(
      chargeObject({
        id: chargeId,
        created: paidAt,
        amount: invoice.total,
        currency: invoice.currency,
        customer: customer.id,
        description: DESCRIPTIONS[invoice.billing_reason],
        status: 'succeeded',
        failure: null,
        refunds: [],
        balance_transaction: ids.timed('txn', paidAt),
        payment_intent: paymentIntent,
        card: customer.card,
        billing: { address: customer.address, email: customer.email, name: customer.name, phone: customer.phone },
        receipt_email: email,
        receipt_url: `https://pay.stripe.com/receipts/invoices/${ids.chars(64)}`,
        authorization_code: ids.chars(6, '0123456789'),
        network_transaction_id: ids.chars(15, '0123456789'),
        metadata: {},
        shipping: null,
      }),
    );
    const finalizedAt = invoice.status_transitions.finalized_at ?? invoice.created;
    invoicePayments.push(
      invoicePaymentObject({
        id: ids.timed('inpay', finalizedAt),
        invoice: invoice.id,
        amount: invoice.total,
        currency: invoice.currency,
        created: finalizedAt,
        paid_at: paidAt,
        payment_intent: paymentIntent,
      }),
    );
  }
  return { charges, invoicePayments };
}
