import { z } from 'zod';
import { hash32 } from '../world/prng.js';
import type { StripeCollection, ListedObject } from './collection.js';
import { StripeApiError } from './errors.js';

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

/** Changes a test can make to the account after a sync, each leaving the event Stripe would record. */
export const mutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('update_customer'), id: z.string(), email: z.string().optional(), name: z.string().optional() }),
  z.strictObject({ action: z.literal('refund_charge'), id: z.string(), amount: z.number().int().positive().optional() }),
  z.strictObject({ action: z.literal('cancel_subscription'), id: z.string() }),
]);
export type Mutation = z.infer<typeof mutationSchema>;

const ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';
function eventId(seed: number, n: number): string {
  let id = 'evt_';
  for (let i = 0; i < 24; i++) id += ALNUM[hash32(seed + n, i) % 62];
  return id;
}

interface Collections {
  customers: StripeCollection<ListedObject & Record<string, unknown>>;
  charges: StripeCollection<ListedObject & Record<string, unknown>>;
  subscriptions: StripeCollection<ListedObject & Record<string, unknown>>;
  events: StripeCollection<StripeEvent>;
}

/**
 * Applies a mutation at `nowSeconds` (the real clock: changes happen when a test makes them) and
 * records its event. Returns the event.
 */
export function applyMutation(c: Collections, m: Mutation, seed: number, apiVersion: string, nowSeconds: number): StripeEvent {
  const missing = (kind: string) => new StripeApiError(404, 'invalid_request_error', `No such ${kind}: '${m.id}'`, 'resource_missing', 'id');
  let type: string;
  let object: unknown;
  const previous: Record<string, unknown> = {};
  switch (m.action) {
    case 'update_customer': {
      object = c.customers.update(m.id, (cus) => {
        for (const key of ['email', 'name'] as const) {
          if (m[key] !== undefined) {
            previous[key] = cus[key];
            cus[key] = m[key];
          }
        }
      });
      if (!object) throw missing('customer');
      type = 'customer.updated';
      break;
    }
    case 'refund_charge': {
      object = c.charges.update(m.id, (ch) => {
        const amount = ch.amount as number;
        const refunded = Math.min(amount, (ch.amount_refunded as number) + (m.amount ?? amount - (ch.amount_refunded as number)));
        previous.amount_refunded = ch.amount_refunded;
        previous.refunded = ch.refunded;
        ch.amount_refunded = refunded;
        ch.refunded = refunded >= amount;
      });
      if (!object) throw missing('charge');
      type = 'charge.refunded';
      break;
    }
    case 'cancel_subscription': {
      object = c.subscriptions.update(m.id, (sub) => {
        previous.status = sub.status;
        sub.status = 'canceled';
        sub.canceled_at = nowSeconds;
        sub.ended_at = nowSeconds;
      });
      if (!object) throw missing('subscription');
      type = 'customer.subscription.deleted';
      break;
    }
  }
  const event: StripeEvent = {
    id: eventId(seed, c.events.size),
    object: 'event',
    api_version: apiVersion,
    created: nowSeconds,
    data: { object: structuredClone(object), previous_attributes: previous },
    livemode: false,
    pending_webhooks: 0,
    request: { id: null, idempotency_key: null },
    type,
  };
  c.events.insert(event);
  return event;
}
