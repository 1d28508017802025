import { embeddedList, type StripeAddress } from './common.js';

export interface DiscountAmount {
  amount: number;
  discount: string;
}

export interface LineItemInput {
  id: string;
  invoice: string;
  amount: number;
  currency: string;
  description: string;
  discount_amounts: DiscountAmount[];
  subscription: string;
  subscription_item: string;
  unit_amount: number;
  period_start: number;
  period_end: number;
}

/** A Stripe invoice `line_item` billed for a subscription item (current API version: links sit under `parent`). */
export function lineItemObject(l: LineItemInput) {
  return {
    id: l.id,
    object: 'line_item' as const,
    amount: l.amount,
    currency: l.currency,
    description: l.description,
    discount_amounts: l.discount_amounts,
    discountable: true,
    discounts: l.discount_amounts.map((d) => d.discount),
    invoice: l.invoice,
    livemode: false,
    metadata: {} as Record<string, string>,
    parent: {
      invoice_item_details: null,
      subscription_item_details: {
        invoice_item: null,
        proration: false,
        proration_details: { credited_items: null },
        subscription: l.subscription,
        subscription_item: l.subscription_item,
      },
      type: 'subscription_item_details' as const,
    },
    period: { end: l.period_end, start: l.period_start },
    pretax_credit_amounts: [] as unknown[],
    pricing: { type: 'price_details' as const, unit_amount_decimal: String(l.unit_amount) },
    quantity: 1,
    quantity_decimal: null,
    subscription: l.subscription,
    subtotal: l.amount,
    taxes: [] as unknown[],
  };
}

export type StripeLineItem = ReturnType<typeof lineItemObject>;

export type InvoiceStatus = 'draft' | 'open' | 'paid' | 'void' | 'uncollectible';

export interface InvoiceInput {
  id: string;
  created: number;
  customer: string;
  customer_snapshot: { email: string | null; name: string | null; phone: string | null; address: StripeAddress | null };
  currency: string;
  status: InvoiceStatus;
  billing_reason: 'subscription_create' | 'subscription_cycle';
  subscription: string;
  lines: StripeLineItem[];
  number: string;
  period_start: number;
  period_end: number;
  attempt_count: number;
  finalized_at: number;
  paid_at: number | null;
  voided_at: number | null;
  marked_uncollectible_at: number | null;
  next_payment_attempt: number | null;
  hosted_invoice_url: string;
  invoice_pdf: string;
  /** `send_invoice` invoices are emailed and paid by the customer, here always outside Stripe. */
  collection_method: 'charge_automatically' | 'send_invoice';
  due_date: number | null;
  /** Marked paid with the money taken outside Stripe (a bank transfer, a check). */
  paid_out_of_band: boolean;
}

/** A Stripe `invoice` for a subscription period, with lines and discount totals. */
export function invoiceObject(i: InvoiceInput) {
  const subtotal = i.lines.reduce((sum, l) => sum + l.amount, 0);
  const byDiscount = new Map<string, number>();
  for (const line of i.lines) for (const d of line.discount_amounts) byDiscount.set(d.discount, (byDiscount.get(d.discount) ?? 0) + d.amount);
  const total_discount_amounts: DiscountAmount[] = [...byDiscount].map(([discount, amount]) => ({ amount, discount }));
  const total = subtotal - total_discount_amounts.reduce((sum, d) => sum + d.amount, 0);
  const paid = i.status === 'paid';
  return {
    id: i.id,
    object: 'invoice' as const,
    account_country: 'US',
    account_name: 'CDP Academy',
    account_tax_ids: null,
    amount_due: total,
    amount_overpaid: 0,
    amount_paid: paid ? total : 0,
    // Required by the pinned version's API description; fixtures3.json, published beside it, lacks it.
    amount_paid_off_stripe: paid && i.paid_out_of_band ? total : 0,
    amount_remaining: paid || i.status === 'void' ? 0 : total,
    amount_shipping: 0,
    application: null,
    attempt_count: i.attempt_count,
    attempted: i.attempt_count > 0 || paid,
    auto_advance: i.status === 'open',
    automatic_tax: { disabled_reason: null, enabled: false, liability: null, provider: null, status: null },
    automatically_finalizes_at: null,
    billing_reason: i.billing_reason,
    collection_method: i.collection_method,
    created: i.created,
    currency: i.currency,
    custom_fields: null,
    customer: i.customer,
    customer_account: null,
    customer_address: i.customer_snapshot.address,
    customer_email: i.customer_snapshot.email,
    customer_name: i.customer_snapshot.name,
    customer_phone: i.customer_snapshot.phone,
    customer_shipping: null,
    customer_tax_exempt: 'none' as const,
    customer_tax_ids: [] as unknown[],
    default_payment_method: null,
    default_source: null,
    default_tax_rates: [] as unknown[],
    description: null,
    discounts: total_discount_amounts.map((d) => d.discount),
    due_date: i.due_date,
    effective_at: i.finalized_at,
    ending_balance: 0,
    footer: null,
    from_invoice: null,
    hosted_invoice_url: i.hosted_invoice_url,
    invoice_pdf: i.invoice_pdf,
    issuer: { type: 'self' as const },
    last_finalization_error: null,
    latest_revision: null,
    lines: embeddedList(i.lines, `/v1/invoices/${i.id}/lines`),
    livemode: false,
    metadata: {} as Record<string, string>,
    next_payment_attempt: i.next_payment_attempt,
    number: i.number,
    on_behalf_of: null,
    parent: {
      quote_details: null,
      subscription_details: { metadata: {} as Record<string, string>, subscription: i.subscription },
      type: 'subscription_details' as const,
    },
    payment_settings: { default_mandate: null, payment_method_options: null, payment_method_types: null },
    period_end: i.period_end,
    period_start: i.period_start,
    post_payment_credit_notes_amount: 0,
    pre_payment_credit_notes_amount: 0,
    receipt_number: null,
    rendering: { amount_tax_display: null, pdf: { page_size: 'auto' as const }, template: null, template_version: null },
    shipping_cost: null,
    shipping_details: null,
    starting_balance: 0,
    statement_descriptor: null,
    status: i.status,
    status_transitions: {
      finalized_at: i.finalized_at,
      marked_uncollectible_at: i.marked_uncollectible_at,
      paid_at: i.paid_at,
      voided_at: i.voided_at,
    },
    // The current API version moved this link to parent.subscription_details; the field stays, empty.
    subscription: null,
    subtotal,
    subtotal_excluding_tax: subtotal,
    test_clock: null,
    total,
    total_discount_amounts,
    total_excluding_tax: total,
    total_pretax_credit_amounts: [] as unknown[],
    total_taxes: [] as unknown[],
    webhooks_delivered_at: i.created,
  };
}

export type StripeInvoice = ReturnType<typeof invoiceObject>;
