import type { World } from '../world/index.js';
import { deriveCartPurchases, type CartItem, type CartOrderDraft, type PaymentDraft } from './cart-purchases.js';
import type { TcCustomerView, TcPurchase, TcSubscription, TcTransaction, ThriveCartAccount, TransactionType } from './types.js';

const FIRST_ORDER_ID = 4001;
const FIRST_INVOICE_ID = 120_001;
const FIRST_EVENT_ID = 300_001;

interface EventDraft {
  type: TransactionType;
  atMs: number;
  order: CartOrderDraft;
  item: CartItem;
  amount: number;
  payment: PaymentDraft;
}

const pad = (n: number): string => String(n).padStart(2, '0');
/** `YYYY-MM-DD HH:MM:SS` in UTC, as ThriveCart writes times. */
export function tcTime(ms: number): string {
  const d = new Date(ms);
  return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())} ${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}

/** Cents as a two-place decimal string, e.g. 14900 → `149.00`. */
export function amountStr(cents: number): string {
  return `${Math.floor(cents / 100)}.${pad(cents % 100)}`;
}

function eventsOf(order: CartOrderDraft): EventDraft[] {
  const events: EventDraft[] = [];
  for (const payment of order.payments) {
    for (const line of payment.lines) {
      events.push({ type: payment.kind, atMs: payment.atMs, order, item: line.item, amount: line.amount, payment });
      if (line.refund) events.push({ type: 'refund', atMs: line.refund.atMs, order, item: line.item, amount: line.refund.amount, payment });
    }
  }
  const sub = order.subscription;
  if (sub?.status === 'cancelled' && sub.stoppedMs !== null) {
    events.push({ type: 'cancel', atMs: sub.stoppedMs, order, item: order.payments[0]!.lines[0]!.item, amount: 0, payment: order.payments[0]! });
  }
  return events;
}

/** Builds the account's transactions and customer histories from the world; the same world gives identical output. */
export function buildThriveCartAccount(world: World, accountName: string): ThriveCartAccount {
  const orders = deriveCartPurchases(world);
  const orderId = new Map(orders.map((o, i) => [o, String(FIRST_ORDER_ID + i)] as const));
  const payments = orders.flatMap((o) => o.payments).sort((a, b) => a.atMs - b.atMs);
  const invoiceId = new Map(payments.map((p, i) => [p, String(FIRST_INVOICE_ID + i)] as const));
  const subscribed = orders.filter((o) => o.subscription !== null);
  const subscriptionId = new Map(subscribed.map((o, i) => [o, String(i + 1)] as const));

  const customerIds = new Map<string, string>();
  const customerPerson = new Map<string, string>();
  for (const o of orders) {
    const key = o.email.trim().toLowerCase();
    if (customerIds.has(key)) continue;
    const id = String(customerIds.size + 1);
    customerIds.set(key, id);
    customerPerson.set(id, o.person.person_id);
  }
  const customerOf = (o: CartOrderDraft) => ({ id: customerIds.get(o.email.trim().toLowerCase())!, name: `${o.person.first_name} ${o.person.last_name}`, email: o.email });
  const referenceOf = (o: CartOrderDraft, item: CartItem): string => {
    const sub = item.item_type === 'product' ? subscriptionId.get(o) : undefined;
    return `${item.item_type}-${item.item_id}${sub ? `-${sub}` : ''}`;
  };

  // Event ids follow time; several events at one instant keep their order of creation.
  const events = orders.flatMap(eventsOf).map((e, seq) => ({ e, seq })).sort((a, b) => a.e.atMs - b.e.atMs || a.seq - b.seq);
  const eventId = new Map(events.map(({ e }, i) => [e, String(FIRST_EVENT_ID + i)] as const));
  const transactions: TcTransaction[] = events.map(({ e }) => {
    const sub = e.item.item_type === 'product' ? e.order.subscription : null;
    return {
      event_id: eventId.get(e)!,
      base_product: String(e.order.base.product_id),
      date: tcTime(e.atMs).slice(0, 10),
      time: tcTime(e.atMs),
      timestamp: Math.floor(e.atMs / 1000),
      transaction_type: e.type,
      item_type: e.item.item_type,
      item_id: e.item.item_id,
      item_name: e.item.name,
      amount: e.amount,
      amount_str: amountStr(e.amount),
      order_id: orderId.get(e.order)!,
      invoice_id: invoiceId.get(e.payment)!,
      currency: e.order.currency.toUpperCase(),
      processor: e.order.processor,
      customer: customerOf(e.order),
      reference: referenceOf(e.order, e.item),
      subscription_id: sub ? subscriptionId.get(e.order)! : null,
      subscription_current_status: sub?.status ?? null,
      frequency: sub?.frequency ?? null,
      coupon_code: e.order.coupon_code,
      affiliate_id: e.order.affiliate_id,
      passthrough: e.order.passthrough,
    };
  });
  transactions.reverse();

  const customers = new Map<string, TcCustomerView>();
  for (const o of orders) {
    const key = o.email.trim().toLowerCase();
    const view = customers.get(key) ?? { customer: customerOf(o), purchases: [], subscriptions: [], lifetime_value: {} };
    customers.set(key, view);
    const currency = o.currency.toUpperCase();
    for (const [i, line] of o.payments[0]!.lines.entries()) {
      const net = line.amount - (line.refund?.amount ?? 0);
      view.lifetime_value[currency] = (view.lifetime_value[currency] ?? 0) + net;
      if (i === 0 && o.subscription) continue;
      view.purchases.push(purchaseOf(o, line.item, line.amount, line.refund?.amount ?? 0, orderId.get(o)!, invoiceId.get(o.payments[0]!)!, referenceOf(o, line.item)));
    }
    for (const p of o.payments.slice(1)) for (const line of p.lines) view.lifetime_value[currency] = (view.lifetime_value[currency] ?? 0) + line.amount - (line.refund?.amount ?? 0);
    if (o.subscription) {
      const front = o.payments[0]!.lines[0]!.item;
      const history = transactions.filter((t) => t.order_id === orderId.get(o) && t.item_type === 'product').reverse();
      view.subscriptions.push(subscriptionOf(o, front, subscriptionId.get(o)!, orderId.get(o)!, invoiceId.get(o.payments[0]!)!, referenceOf(o, front), history));
    }
  }

  return { seed: world.seed, scale: world.scale, anchor: world.anchor, accountName, transactions, customers, customerPerson, orderCount: orders.length };
}

function purchaseOf(o: CartOrderDraft, item: CartItem, amount: number, refunded: number, orderId: string, invoiceId: string, reference: string): TcPurchase {
  return {
    status: refunded === 0 ? 'paid' : refunded >= amount ? 'refunded' : 'partially_refunded',
    order_id: orderId,
    invoice_id: invoiceId,
    processor: o.processor,
    amount,
    net_amount: amount - refunded,
    currency: o.currency.toUpperCase(),
    item_name: item.name,
    item_type: item.item_type,
    item_id: String(item.item_id),
    reference,
    date: tcTime(o.placedMs),
  };
}

function subscriptionOf(o: CartOrderDraft, item: CartItem, id: string, orderId: string, invoiceId: string, reference: string, history: readonly TcTransaction[]): TcSubscription {
  const sub = o.subscription!;
  const paid = history.filter((t) => t.transaction_type === 'charge' || t.transaction_type === 'rebill');
  const refunded = history.filter((t) => t.transaction_type === 'refund').reduce((n, t) => n + t.amount, 0);
  return {
    status: sub.status,
    order_id: orderId,
    invoice_id: invoiceId,
    subscription_id: id,
    subscription_reference: reference,
    currency: o.currency.toUpperCase(),
    frequency: sub.frequency,
    amount: String(sub.amount),
    payments: String(paid.length),
    payments_remaining: sub.instalments === null ? null : String(Math.max(0, sub.instalments - paid.length)),
    total_paid: String(paid.reduce((n, t) => n + t.amount, 0) - refunded),
    last_payment: paid.length > 0 ? paid[paid.length - 1]!.time : tcTime(o.placedMs),
    date_started: tcTime(o.placedMs),
    processor: o.processor,
    item_name: item.name,
    item_type: item.item_type,
    item_id: String(item.item_id),
    next_payment: sub.nextPaymentMs === null ? null : tcTime(sub.nextPaymentMs),
    events: history.map((t) => ({ event_id: t.event_id, event_type: t.transaction_type, date: t.time, amount: t.amount, reference: t.reference })),
  };
}
