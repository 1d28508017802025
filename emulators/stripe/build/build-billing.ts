import { invoiceObject, type InvoiceInput, type StripeInvoice } from '../objects/invoice.js';
import type { StripeDiscount } from '../objects/discounts.js';
import type { StripeSubscription } from '../objects/subscription.js';
import type { PaymentAccounts } from './build-accounts.js';
import { billMembership, type BillingBuildContext } from './bill-membership.js';

export interface BillingResult {
  subscriptions: StripeSubscription[];
  invoices: StripeInvoice[];
  discounts: StripeDiscount[];
}

/** Subscriptions, their invoices and discounts; fills in the customers' billing fields. */
export function buildBilling(ctx: BillingBuildContext, accounts: readonly PaymentAccounts[]): BillingResult {
  const subscriptions: StripeSubscription[] = [];
  const invoices: StripeInvoice[] = [];
  const discounts: StripeDiscount[] = [];
  for (const { person, primary } of accounts) {
    const pending: Omit<InvoiceInput, 'number'>[] = [];
    for (const m of person.memberships) {
      const billed = billMembership(ctx, m, primary);
      subscriptions.push(billed.subscription);
      pending.push(...billed.invoices);
      if (billed.discount) discounts.push(billed.discount);
      if (billed.subscription.default_payment_method) primary.default_payment_method = billed.subscription.default_payment_method;
      primary.currency = m.currency;
    }
    // Invoice numbers run per customer in the order the invoices were created.
    pending.sort((a, b) => a.created - b.created || (a.id < b.id ? -1 : 1));
    pending.forEach((input, k) => {
      invoices.push(invoiceObject({ ...input, number: `${primary.invoice_prefix}-${String(k + 1).padStart(4, '0')}` }));
      if (input.status === 'open') primary.delinquent = true;
    });
    primary.next_invoice_sequence = pending.length + 1;
  }
  return { subscriptions, invoices, discounts };
}

export type { BillingBuildContext };
