import { z } from 'zod';
import { numericIdSchema } from '../http/mutation-input.js';
import { amountStr, tcTime } from './build-account.js';
import type { TcCustomerView, TcTransaction, ThriveCartAccount } from './types.js';

const idSchema = numericIdSchema.transform(String);

/** Changes a test can make to the account after a sync, each recorded as the transaction event ThriveCart would list. */
export const tcMutationSchema = z.discriminatedUnion('action', [
  z.strictObject({ action: z.literal('refund_transaction'), event_id: idSchema, amount: z.number().int().positive().optional() }),
  z.strictObject({ action: z.literal('cancel_subscription'), subscription_id: idSchema }),
]);
export type TcMutation = z.infer<typeof tcMutationSchema>;

/** A mutation the account cannot apply: `status` 404 for an unknown id, 400 for a change that makes no sense. */
export class TcMutationError extends Error {
  override readonly name = 'TcMutationError';

  constructor(
    readonly status: 400 | 404,
    readonly error: string,
    readonly description: string,
  ) {
    super(description);
  }
}

/** A new event after every existing one: the next event id, stamped `nowMs`. */
function nextEvent(account: ThriveCartAccount, from: TcTransaction, nowMs: number, patch: Pick<TcTransaction, 'transaction_type' | 'amount'>): TcTransaction {
  const lastId = account.transactions.reduce((max, t) => Math.max(max, Number(t.event_id)), 0);
  return {
    ...from,
    event_id: String(lastId + 1),
    date: tcTime(nowMs).slice(0, 10),
    time: tcTime(nowMs),
    timestamp: Math.floor(nowMs / 1000),
    ...patch,
    amount_str: amountStr(patch.amount),
  };
}

function viewOf(account: ThriveCartAccount, t: TcTransaction): TcCustomerView {
  return account.customers.get(t.customer.email.trim().toLowerCase())!;
}

function refund(account: ThriveCartAccount, m: Extract<TcMutation, { action: 'refund_transaction' }>, nowMs: number): TcTransaction {
  const paid = account.transactions.find((t) => t.event_id === m.event_id);
  if (!paid) throw new TcMutationError(404, 'not_found', `There is no transaction with event_id ${m.event_id}.`);
  if (paid.transaction_type !== 'charge' && paid.transaction_type !== 'rebill') {
    throw new TcMutationError(400, 'invalid_request', `Only a charge or a rebill can be refunded; event ${m.event_id} is a ${paid.transaction_type}.`);
  }
  const sameLine = (t: TcTransaction) => t.transaction_type === 'refund' && t.invoice_id === paid.invoice_id && t.reference === paid.reference;
  const refundable = paid.amount - account.transactions.filter(sameLine).reduce((n, t) => n + t.amount, 0);
  if (refundable <= 0) throw new TcMutationError(400, 'invalid_request', `Event ${m.event_id} has been refunded in full already.`);
  const amount = m.amount ?? refundable;
  if (amount > refundable) throw new TcMutationError(400, 'invalid_request', `At most ${refundable} (cents) of event ${m.event_id} can still be refunded.`);

  const event = nextEvent(account, paid, nowMs, { transaction_type: 'refund', amount });
  account.transactions.unshift(event);
  const view = viewOf(account, paid);
  view.lifetime_value[paid.currency] = (view.lifetime_value[paid.currency] ?? 0) - amount;
  const purchase = view.purchases.find((p) => p.invoice_id === paid.invoice_id && p.reference === paid.reference);
  if (purchase) {
    purchase.net_amount -= amount;
    purchase.status = purchase.net_amount <= 0 ? 'refunded' : 'partially_refunded';
  }
  const subscription = view.subscriptions.find((s) => paid.subscription_id !== null && s.subscription_id === paid.subscription_id && paid.item_type === 'product');
  if (subscription) {
    subscription.events.push({ event_id: event.event_id, event_type: 'refund', date: event.time, amount, reference: event.reference });
    subscription.total_paid = String(Number(subscription.total_paid) - amount);
  }
  return event;
}

function cancel(account: ThriveCartAccount, m: Extract<TcMutation, { action: 'cancel_subscription' }>, nowMs: number): TcTransaction {
  const subscription = [...account.customers.values()].flatMap((v) => v.subscriptions).find((s) => s.subscription_id === m.subscription_id);
  if (!subscription) throw new TcMutationError(404, 'not_found', `There is no subscription with id ${m.subscription_id}.`);
  if (subscription.status !== 'active' && subscription.status !== 'paused') {
    throw new TcMutationError(400, 'invalid_request', `Subscription ${m.subscription_id} is ${subscription.status} and cannot be cancelled.`);
  }
  const history = account.transactions.filter((t) => t.subscription_id === m.subscription_id && t.item_type === 'product');
  // The status printed on a subscription's events is its current one, whenever they happened.
  for (const t of history) t.subscription_current_status = 'cancelled';
  const first = history.find((t) => t.transaction_type === 'charge') ?? history.at(-1)!;
  const event = nextEvent(account, first, nowMs, { transaction_type: 'cancel', amount: 0 });
  account.transactions.unshift(event);
  subscription.status = 'cancelled';
  subscription.next_payment = null;
  subscription.events.push({ event_id: event.event_id, event_type: 'cancel', date: event.time, amount: 0, reference: event.reference });
  return event;
}

/**
 * Applies a mutation at `nowMs`, the real clock: the account's history ends at its anchor, and a
 * change made by a test happens now, so it is the newest event of the listing. Returns that event.
 */
export function applyTcMutation(account: ThriveCartAccount, m: TcMutation, nowMs: number): TcTransaction {
  return m.action === 'refund_transaction' ? refund(account, m, nowMs) : cancel(account, m, nowMs);
}
