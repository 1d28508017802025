import type { StripeProduct, StripePrice } from '../objects/catalog.js';
import type { StripeCharge } from '../objects/charge.js';
import type { StripeCustomer } from '../objects/customer.js';
import type { StripeCoupon, StripeDiscount, StripePromotionCode } from '../objects/discounts.js';
import type { StripeInvoice } from '../objects/invoice.js';
import type { StripeInvoicePayment } from '../objects/invoice-payment.js';
import type { StripeRefund } from '../objects/refund.js';
import type { StripeSubscription } from '../objects/subscription.js';

/** Everything the emulated Stripe account holds, built from one world. */
export interface StripeData {
  seed: number;
  scale: number;
  anchor: string;
  accountId: string;
  customers: StripeCustomer[];
  charges: StripeCharge[];
  refunds: StripeRefund[];
  invoices: StripeInvoice[];
  /** The default payment of each invoice a charge paid (shown in an invoice's `payments` since basil). */
  invoice_payments: StripeInvoicePayment[];
  subscriptions: StripeSubscription[];
  coupons: StripeCoupon[];
  promotion_codes: StripePromotionCode[];
  products: StripeProduct[];
  prices: StripePrice[];
  discounts: StripeDiscount[];
  /** Which world person each customer id stands for. */
  customerPerson: Map<string, string>;
}
