/** ThriveCart's transaction kinds, as `transactionType` filters them. */
export type TransactionType = 'charge' | 'rebill' | 'refund' | 'cancel';
export type ItemType = 'product' | 'bump' | 'upsell';
export type SubscriptionStatus = 'active' | 'paused' | 'cancelled' | 'completed';

/** UTM parameters passed through the checkout URL. */
export interface Passthrough {
  utm_source: string;
  utm_medium: string;
  utm_campaign: string;
}

/**
 * One event of GET /transactions. The documented fields come first; item_name, amount_str, frequency, coupon_code,
 * affiliate_id and passthrough are this emulator's additions (ThriveCart's webhooks carry them, its transaction
 * listing does not document them).
 */
export interface TcTransaction {
  event_id: string;
  base_product: string;
  /** `YYYY-MM-DD`, UTC. */
  date: string;
  /** `YYYY-MM-DD HH:MM:SS`, UTC. */
  time: string;
  /** Unix seconds. */
  timestamp: number;
  transaction_type: TransactionType;
  item_type: ItemType;
  item_id: number;
  item_name: string;
  /** Minor units (cents); a refund's amount is what was refunded, positive; a cancel's is 0. */
  amount: number;
  /** The same amount in major units with two decimals, e.g. `149.00`. */
  amount_str: string;
  order_id: string;
  invoice_id: string;
  /** Upper case, e.g. `USD`. */
  currency: string;
  processor: 'stripe' | 'paypal';
  customer: { id: string; name: string; email: string };
  /** `product-3`, `bump-1`, `upsell-1`; subscriptions add their id: `product-4-17`. */
  reference: string;
  subscription_id: string | null;
  subscription_current_status: SubscriptionStatus | null;
  frequency: 'month' | 'year' | null;
  coupon_code: string | null;
  affiliate_id: string | null;
  passthrough: Passthrough | null;
}

export interface TcSubscription {
  status: SubscriptionStatus;
  order_id: string;
  invoice_id: string;
  subscription_id: string;
  subscription_reference: string;
  currency: string;
  frequency: 'month' | 'year';
  /** Cents, as a string (ThriveCart writes this block's numbers as strings). */
  amount: string;
  payments: string;
  /** Null for a subscription that renews until cancelled. */
  payments_remaining: string | null;
  total_paid: string;
  last_payment: string;
  date_started: string;
  processor: 'stripe' | 'paypal';
  item_name: string;
  item_type: ItemType;
  item_id: string;
  next_payment: string | null;
  events: { event_id: string; event_type: TransactionType; date: string; amount: number; reference: string }[];
}

export interface TcPurchase {
  status: 'paid' | 'refunded' | 'partially_refunded';
  order_id: string;
  invoice_id: string;
  processor: 'stripe' | 'paypal';
  amount: number;
  net_amount: number;
  currency: string;
  item_name: string;
  item_type: ItemType;
  item_id: string;
  reference: string;
  date: string;
}

/** The body of POST /customer. */
export interface TcCustomerView {
  customer: { id: string; name: string; email: string };
  purchases: TcPurchase[];
  subscriptions: TcSubscription[];
  /** Net paid per upper-case currency. */
  lifetime_value: Record<string, number>;
}

/** Everything one emulated ThriveCart account serves. */
export interface ThriveCartAccount {
  seed: number;
  scale: number;
  anchor: string;
  accountName: string;
  /** Newest first: timestamp descending, then event_id descending. */
  transactions: TcTransaction[];
  /** Keyed by lower(trim(email)). */
  customers: Map<string, TcCustomerView>;
  /** Person behind each customer id. */
  customerPerson: Map<string, string>;
  orderCount: number;
}
