import type { StripeData } from './build/stripe-data.js';

/** Stripe lists the events of the last 30 days and no older ones. */
export const EVENT_RETENTION_DAYS = 30;

/** An event the account's own history left: when, of what type, about which object. */
export interface HistoryEvent {
  created: number;
  type: string;
  object: { id: string; created: number };
}

/**
 * The events the account's last 30 days left, oldest first: from 30 days before the anchor up to
 * (not at) it, each object created in that time (customer, charge, invoice, subscription, refund,
 * coupon, promotion code), an invoice paid (and its payment, when a charge paid it), a subscription
 * ended, a charge refunded. Each carries its object as it stands at the anchor: the emulator keeps no
 * earlier states, and a sync's listing, read after the anchor, is the newer observation anyway.
 * Changes made from the anchor on
 * (`POST /_emulator/mutate`) add their own.
 */
export function historyEvents(data: StripeData): HistoryEvent[] {
  const anchorS = Math.floor(Date.parse(data.anchor) / 1000);
  const sinceS = anchorS - EVENT_RETENTION_DAYS * 86_400;
  const kept = (s: number | null | undefined): s is number => typeof s === 'number' && s >= sinceS && s < anchorS;
  const events: HistoryEvent[] = [];
  const add = (created: number | null | undefined, type: string, object: { id: string; created: number }) => {
    if (kept(created)) events.push({ created, type, object });
  };
  for (const c of data.customers) add(c.created, 'customer.created', c);
  for (const c of data.charges) add(c.created, `charge.${c.status}`, c);
  const chargeById = new Map(data.charges.map((c) => [c.id, c] as const));
  for (const r of data.refunds) {
    // Since 2024-10-28.acacia a card refund sends refund.created beside charge.refunded.
    const charge = chargeById.get(r.charge as string);
    if (charge) add(r.created, 'charge.refunded', charge);
    add(r.created, 'refund.created', r);
  }
  for (const i of data.invoices) {
    add(i.created, 'invoice.created', i);
    add(i.status_transitions.paid_at, 'invoice.paid', i);
  }
  // An invoice a charge paid: its payment's event names the invoice and the charge's payment intent.
  for (const p of data.invoice_payments) add(p.status_transitions.paid_at, 'invoice_payment.paid', p);
  for (const s of data.subscriptions) {
    add(s.created, 'customer.subscription.created', s);
    if (s.status === 'canceled') add(s.ended_at, 'customer.subscription.deleted', s);
  }
  for (const c of data.coupons) add(c.created, 'coupon.created', c);
  for (const p of data.promotion_codes) add(p.created, 'promotion_code.created', p);
  // Stable order: by time, then as listed above (a refund's charge.refunded before its refund.created).
  return events.map((e, order) => ({ e, order })).sort((a, b) => a.e.created - b.e.created || a.order - b.order).map(({ e }) => e);
}
