import { buysInStripe } from '../bigcommerce/store-purchases.js';
import type { World } from '../world/index.js';
import type { ThriveCartAccount, TransactionType } from './types.js';

/** Sums of minor units keyed by lower-case currency code. */
export type AmountByCurrency = Record<string, number>;

/** Facts about the served account, computed from the built objects, for tests and connectors to compare against. */
export interface ThriveCartGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  account_name: string;
  streams: {
    transactions: {
      count: number;
      count_by_type: Record<TransactionType, number>;
      /** Refund amounts are what was refunded (positive); cancels are always 0. */
      amount_sum_by_type: Record<TransactionType, AmountByCurrency>;
      /** charge + rebill − refund, per currency. */
      net_amount_sum_by_currency: AmountByCurrency;
    };
    orders: { count: number };
    subscriptions: { count: number; count_by_status: Record<'active' | 'paused' | 'cancelled' | 'completed', number> };
    customers: { count: number };
  };
  people: {
    /** Distinct lower(trim(customer.email)) over all transactions. */
    distinct_normalized_customer_emails: number;
    distinct_people: number;
    customers_also_in_stripe: number;
    customers_only_in_thrivecart: number;
    /** Customers whose ThriveCart email differs from their canonical one only by case. */
    customers_with_restyled_email: number;
  };
}

/** Computes the ground truth of a built account. */
export function computeThriveCartTruth(account: ThriveCartAccount, world: World): ThriveCartGroundTruth {
  const countByType: Record<TransactionType, number> = { charge: 0, rebill: 0, refund: 0, cancel: 0 };
  const amountByType: Record<TransactionType, AmountByCurrency> = { charge: {}, rebill: {}, refund: {}, cancel: {} };
  const net: AmountByCurrency = {};
  const emails = new Set<string>();
  for (const t of account.transactions) {
    const cur = t.currency.toLowerCase();
    countByType[t.transaction_type]++;
    const sums = amountByType[t.transaction_type];
    sums[cur] = (sums[cur] ?? 0) + t.amount;
    const sign = t.transaction_type === 'refund' ? -1 : 1;
    net[cur] = (net[cur] ?? 0) + sign * t.amount;
    emails.add(t.customer.email.trim().toLowerCase());
  }
  const subscriptions = [...account.customers.values()].flatMap((c) => c.subscriptions);
  const countByStatus = { active: 0, paused: 0, cancelled: 0, completed: 0 };
  for (const s of subscriptions) countByStatus[s.status]++;
  const people = new Map(world.people.map((p) => [p.person_id, p] as const));
  const personIds = [...account.customerPerson.values()];
  const alsoInStripe = personIds.filter((id) => {
    const p = people.get(id);
    return p !== undefined && buysInStripe(p);
  }).length;
  const restyled = [...account.customers.values()].filter((c) => {
    const person = people.get(account.customerPerson.get(c.customer.id) ?? '');
    return person !== undefined && c.customer.email !== person.email;
  }).length;

  return {
    seed: account.seed,
    scale: account.scale,
    anchor: account.anchor,
    account_name: account.accountName,
    streams: {
      transactions: { count: account.transactions.length, count_by_type: countByType, amount_sum_by_type: amountByType, net_amount_sum_by_currency: net },
      orders: { count: account.orderCount },
      subscriptions: { count: subscriptions.length, count_by_status: countByStatus },
      customers: { count: account.customers.size },
    },
    people: {
      distinct_normalized_customer_emails: emails.size,
      distinct_people: new Set(personIds).size,
      customers_also_in_stripe: alsoInStripe,
      customers_only_in_thrivecart: personIds.length - alsoInStripe,
      customers_with_restyled_email: restyled,
    },
  };
}
