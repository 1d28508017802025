import type { StripeData } from './build/stripe-data.js';
import { historyEvents } from './history-events.js';

/** Sums of minor units keyed by lower-case currency code. */
export type AmountByCurrency = Record<string, number>;
export type CountByStatus = Record<string, number>;

/** Facts about the served data, computed straight from the generated objects, for tests to compare against. */
export interface StripeGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  streams: {
    customers: { count: number };
    charges: {
      count: number;
      /** Over every charge, whatever its status. */
      amount_sum_by_currency: AmountByCurrency;
      succeeded_amount_sum_by_currency: AmountByCurrency;
      by_status: CountByStatus;
      amount_refunded_sum_by_currency: AmountByCurrency;
      /** Charges with `refunded: true` (refunded in full). */
      refunded_count: number;
      /** Charges with 0 < amount_refunded < amount. */
      partially_refunded_count: number;
      /** Charges that paid an invoice (each paid `charge_automatically` invoice with a total above 0 has one). */
      invoice_count: number;
    };
    invoices: {
      count: number;
      total_sum_by_currency: AmountByCurrency;
      amount_paid_sum_by_currency: AmountByCurrency;
      by_status: CountByStatus;
      /** Paid invoices with a total above 0 (no trial), and their totals. */
      paid_with_total_count: number;
      paid_with_total_sum_by_currency: AmountByCurrency;
      /** Of those, the ones paid outside Stripe (`send_invoice`, `paid_out_of_band`): no charge took their money. */
      paid_out_of_band_count: number;
      paid_out_of_band_sum_by_currency: AmountByCurrency;
      /** `collection_method` counts over every invoice. */
      by_collection_method: CountByStatus;
    };
    /** `count` covers every status, including canceled ones the default list leaves out. */
    subscriptions: { count: number; by_status: CountByStatus; listed_without_status_filter: number };
    refunds: { count: number; amount_sum_by_currency: AmountByCurrency };
    coupons: { count: number };
    promotion_codes: { count: number };
    products: { count: number };
    prices: { count: number };
    /** The events the 30 days before the anchor left; changes made later (`POST /_emulator/mutate`) add theirs. */
    events: { count: number; by_type: Record<string, number> };
  };
  people: {
    /** Distinct lower(trim(email)) over customers that have an email. */
    distinct_normalized_customer_emails: number;
    customers_without_email: number;
    /** Distinct world people behind the customers (several customers can be one person). */
    distinct_people: number;
    /** Customers whose email, normalized, is not their person's canonical email. */
    customers_with_other_email: number;
    /** Normalized emails shared by more than one customer. */
    emails_with_several_customers: number;
  };
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

/** Computes the ground truth of a built Stripe account. */
export function computeGroundTruth(data: StripeData, canonicalEmailOf: (personId: string) => string): StripeGroundTruth {
  const charges = {
    count: data.charges.length,
    amount_sum_by_currency: {} as AmountByCurrency,
    succeeded_amount_sum_by_currency: {} as AmountByCurrency,
    by_status: {} as CountByStatus,
    amount_refunded_sum_by_currency: {} as AmountByCurrency,
    refunded_count: 0,
    partially_refunded_count: 0,
    invoice_count: data.invoice_payments.length,
  };
  for (const c of data.charges) {
    add(charges.amount_sum_by_currency, c.currency, c.amount);
    if (c.status === 'succeeded') add(charges.succeeded_amount_sum_by_currency, c.currency, c.amount);
    add(charges.by_status, c.status, 1);
    add(charges.amount_refunded_sum_by_currency, c.currency, c.amount_refunded);
    if (c.refunded) charges.refunded_count++;
    else if (c.amount_refunded > 0) charges.partially_refunded_count++;
  }

  const invoices = {
    count: data.invoices.length,
    total_sum_by_currency: {} as AmountByCurrency,
    amount_paid_sum_by_currency: {} as AmountByCurrency,
    by_status: {} as CountByStatus,
    paid_with_total_count: 0,
    paid_with_total_sum_by_currency: {} as AmountByCurrency,
    paid_out_of_band_count: 0,
    paid_out_of_band_sum_by_currency: {} as AmountByCurrency,
    by_collection_method: {} as CountByStatus,
  };
  for (const i of data.invoices) {
    add(invoices.total_sum_by_currency, i.currency, i.total);
    add(invoices.amount_paid_sum_by_currency, i.currency, i.amount_paid);
    add(invoices.by_status, i.status, 1);
    if (i.status === 'paid' && i.total > 0) {
      invoices.paid_with_total_count++;
      add(invoices.paid_with_total_sum_by_currency, i.currency, i.total);
    }
    add(invoices.by_collection_method, i.collection_method, 1);
    if (i.status === 'paid' && i.amount_paid_off_stripe > 0) {
      invoices.paid_out_of_band_count++;
      add(invoices.paid_out_of_band_sum_by_currency, i.currency, i.amount_paid_off_stripe);
    }
  }

  const subscriptions = { count: data.subscriptions.length, by_status: {} as CountByStatus, listed_without_status_filter: 0 };
  for (const s of data.subscriptions) {
    add(subscriptions.by_status, s.status, 1);
    if (s.status !== 'canceled') subscriptions.listed_without_status_filter++;
  }

  const refunds = { count: data.refunds.length, amount_sum_by_currency: {} as AmountByCurrency };
  for (const r of data.refunds) add(refunds.amount_sum_by_currency, r.currency, r.amount);

  const events = { count: 0, by_type: {} as Record<string, number> };
  for (const e of historyEvents(data)) {
    events.count++;
    add(events.by_type, e.type, 1);
  }

  const customersByEmail = new Map<string, number>();
  let withoutEmail = 0;
  let otherEmail = 0;
  for (const c of data.customers) {
    if (c.email === null || c.email.trim() === '') {
      withoutEmail++;
      continue;
    }
    const normalized = c.email.trim().toLowerCase();
    customersByEmail.set(normalized, (customersByEmail.get(normalized) ?? 0) + 1);
    const person = data.customerPerson.get(c.id);
    if (person !== undefined && canonicalEmailOf(person) !== normalized) otherEmail++;
  }

  return {
    seed: data.seed,
    scale: data.scale,
    anchor: data.anchor,
    streams: {
      customers: { count: data.customers.length },
      charges,
      invoices,
      subscriptions,
      refunds,
      coupons: { count: data.coupons.length },
      promotion_codes: { count: data.promotion_codes.length },
      products: { count: data.products.length },
      prices: { count: data.prices.length },
      events,
    },
    people: {
      distinct_normalized_customer_emails: customersByEmail.size,
      customers_without_email: withoutEmail,
      distinct_people: new Set(data.customerPerson.values()).size,
      customers_with_other_email: otherEmail,
      emails_with_several_customers: [...customersByEmail.values()].filter((n) => n > 1).length,
    },
  };
}
