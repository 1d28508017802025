import { z } from 'zod';
import { hash32 } from '../world/prng.js';
import type { StripeCollection, ListedObject } from './collection.js';
import { StripeApiError } from './errors.js';
import { refundObject } from './objects/refund.js';

/** An event as Stripe's `/v1/events` lists it: what changed, with the object as it is afterwards. */
export interface StripeEvent extends ListedObject {
  object: 'event';
  api_version: string;
  data: { object: unknown; previous_attributes?: Record<string, unknown> };
  livemode: boolean;
  pending_webhooks: number;
  request: { id: string | null; idempotency_key: string | null };
  type: string;
}

/** Changes a test can make to the account after a sync, each leaving the events Stripe would record. */
export const mutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('update_customer'), id: z.string(), email: z.string().optional(), name: z.string().optional() }),
  z.strictObject({ action: z.literal('refund_charge'), id: z.string(), amount: z.number().int().positive().optional() }),
  z.strictObject({ action: z.literal('cancel_subscription'), id: z.string() }),
  z.strictObject({ action: z.literal('void_invoice'), id: z.string() }),
]);
export type Mutation = z.infer<typeof mutationSchema>;

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function randomId(prefix: string, seed: number, n: number): string {
  let id = `${prefix}_`;
  for (let i = 0; i < 24; i++) id += ALNUM[hash32(seed + n, i) % 62];
  return id;
}

type Stored = ListedObject & Record<string, unknown>;

interface Collections {
  customers: StripeCollection<Stored>;
  charges: StripeCollection<Stored>;
  refunds: StripeCollection<Stored>;
  invoices: StripeCollection<Stored>;
  subscriptions: StripeCollection<Stored>;
  events: StripeCollection<StripeEvent>;
}

/** How events are written: the account's default version at the time, and the object rendered in it. */
export interface EventRendering {
  apiVersion: string;
  render(object: unknown): unknown;
}

/** A change and the events it leaves, in the order Stripe creates them. */
type Recorded = { type: string; object: unknown; previous?: Record<string, unknown> }[];

function refundCharge(c: Collections, m: Extract<Mutation, { action: 'refund_charge' }>, seed: number, nowSeconds: number): Recorded | undefined {
  const charge = c.charges.get(m.id);
  if (!charge) return undefined;
  const amount = charge.amount as number;
  const already = charge.amount_refunded as number;
  const refundAmount = Math.min(amount - already, m.amount ?? amount - already);
  if (refundAmount <= 0) throw new StripeApiError(400, 'invalid_request_error', `Charge ${m.id} has already been refunded.`, 'charge_already_refunded');
  const refund = refundObject({
    id: randomId('re', seed, 1_000_003 + c.refunds.size),
    created: nowSeconds,
    amount: refundAmount,
    currency: charge.currency as string,
    charge: charge.id,
    customer: charge.customer as string,
    payment_intent: charge.payment_intent as string,
    payment_method: charge.payment_method as string,
    balance_transaction: randomId('txn', seed, 2_000_003 + c.refunds.size),
    reason: 'requested_by_customer',
  });
  c.refunds.insert(refund as unknown as Stored);
  const previous: Record<string, unknown> = { amount_refunded: already, refunded: charge.refunded };
  const updated = c.charges.update(m.id, (ch) => {
    ch.amount_refunded = already + refundAmount;
    ch.refunded = already + refundAmount >= amount;
    const list = ch.refunds as { data: unknown[] };
    ch.refunds = { ...list, data: [refund, ...list.data] };
  });
  // Since 2024-10-28.acacia a card refund sends refund.created beside charge.refunded.
  return [
    { type: 'charge.refunded', object: updated, previous },
    { type: 'refund.created', object: refund },
  ];
}

function change(c: Collections, m: Mutation, seed: number, nowSeconds: number): Recorded | undefined {
  const previous: Record<string, unknown> = {};
  switch (m.action) {
    case 'update_customer': {
      const object = c.customers.update(m.id, (cus) => {
        for (const key of ['email', 'name'] as const) {
          if (m[key] !== undefined) {
            previous[key] = cus[key];
            cus[key] = m[key];
          }
        }
      });
      return object && [{ type: 'customer.updated', object, previous }];
    }
    case 'refund_charge':
      return refundCharge(c, m, seed, nowSeconds);
    case 'cancel_subscription': {
      const object = c.subscriptions.update(m.id, (sub) => {
        previous.status = sub.status;
        sub.status = 'canceled';
        sub.canceled_at = nowSeconds;
        sub.ended_at = nowSeconds;
      });
      return object && [{ type: 'customer.subscription.deleted', object, previous }];
    }
    case 'void_invoice': {
      const object = c.invoices.update(m.id, (inv) => {
        if (inv.status !== 'open') throw new StripeApiError(400, 'invalid_request_error', `You can only void an open invoice; this one is ${String(inv.status)}.`, 'invoice_not_open');
        previous.status = inv.status;
        inv.status = 'void';
        inv.amount_remaining = 0;
        inv.auto_advance = false;
        (inv.status_transitions as Record<string, unknown>).voided_at = nowSeconds;
      });
      return object && [
        { type: 'invoice.updated', object, previous },
        { type: 'invoice.voided', object },
      ];
    }
  }
}

/** An event to write: what happened, when, and the object (with what changed) afterwards. */
export interface EventToWrite {
  type: string;
  created: number;
  object: unknown;
  previous?: Record<string, unknown>;
}

/** The `n`th event of the account as Stripe writes it: the object rendered in the account's default version of the moment. */
export function eventObject(seed: number, n: number, e: EventToWrite, rendering: EventRendering): StripeEvent {
  return {
    id: randomId('evt', seed, n),
    object: 'event',
    api_version: rendering.apiVersion,
    created: e.created,
    data: { object: rendering.render(structuredClone(e.object)), ...(e.previous ? { previous_attributes: e.previous } : {}) },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type: e.type,
  };
}

/**
 * Applies a mutation at `nowSeconds` (the account's clock: changes happen when a test makes them,
 * after the history that ends at the anchor) and records its events, each rendered in the account's
 * default version as Stripe writes them. Returns the events.
 */
export function applyMutation(c: Collections, m: Mutation, seed: number, rendering: EventRendering, nowSeconds: number): StripeEvent[] {
  const recorded = change(c, m, seed, nowSeconds);
  if (!recorded) {
    const kind = { update_customer: 'customer', refund_charge: 'charge', cancel_subscription: 'subscription', void_invoice: 'invoice' }[m.action];
    throw new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${m.id}'`, 'resource_missing', 'id');
  }
  return recorded.map((r) => {
    const event = eventObject(seed, c.events.size, { ...r, created: nowSeconds }, rendering);
    c.events.insert(event);
    return event;
  });
}
