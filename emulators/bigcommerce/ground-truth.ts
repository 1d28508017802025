import type { World } from '../world/index.js';
import { HIDDEN_BY_DEFAULT_STATUS } from './order-status.js';
import { buysInStripe } from './store-purchases.js';
import type { BigCommerceStore } from './types.js';

/** Sums of minor units keyed by lower-case currency code. */
export type AmountByCurrency = Record<string, number>;

/** Facts about the served store, computed from the built objects, for tests and connectors to compare against. */
export interface BigCommerceGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  store_hash: string;
  streams: {
    orders: {
      /** Every order, Incomplete ones included. */
      count: number;
      /** What GET /v2/orders returns without status_id: everything but Incomplete (status 0). */
      listed_without_status_filter: number;
      /** Keyed by status_id as a string ("0" … "14"). */
      count_by_status_id: Record<string, number>;
      total_inc_tax_by_status_id: Record<string, AmountByCurrency>;
      total_inc_tax_sum_by_currency: AmountByCurrency;
      total_ex_tax_sum_by_currency: AmountByCurrency;
      subtotal_ex_tax_sum_by_currency: AmountByCurrency;
      coupon_discount_sum_by_currency: AmountByCurrency;
      discount_amount_sum_by_currency: AmountByCurrency;
      refunded_amount_sum_by_currency: AmountByCurrency;
      /** Orders with customer_id 0. */
      guest_count: number;
      /** Status 4, refunded in full. */
      refunded_count: number;
      /** Status 14. */
      partially_refunded_count: number;
      cancelled_count: number;
      with_coupon_count: number;
    };
    /** Rows of /v2/orders/{id}/products over all orders. */
    order_products: { count: number; quantity_sum: number };
    /** Rows of /v2/orders/{id}/coupons over all orders. */
    order_coupons: { count: number };
    customers: { count: number; with_orders: number; without_orders: number };
    products: { count: number };
  };
  people: {
    /** Distinct lower(trim(billing email)) over all orders. */
    distinct_normalized_billing_emails: number;
    /** Distinct world people behind the orders. */
    distinct_buyers: number;
    /** Buyers who also paid through the Stripe account. */
    buyers_also_in_stripe: number;
    buyers_only_in_store: number;
    /** People with at least one guest order. */
    people_with_guest_orders: number;
    /** People whose every order was a guest checkout. */
    guest_only_buyers: number;
  };
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

/** Parses a four-place decimal string back into minor units. */
function minor(decimal: string): number {
  return Math.round(Number(decimal) * 100);
}

/** Computes the ground truth of a built store. */
export function computeBigCommerceTruth(store: BigCommerceStore, world: World): BigCommerceGroundTruth {
  const o = {
    count: store.orders.length,
    listed_without_status_filter: 0,
    count_by_status_id: {} as Record<string, number>,
    total_inc_tax_by_status_id: {} as Record<string, AmountByCurrency>,
    total_inc_tax_sum_by_currency: {} as AmountByCurrency,
    total_ex_tax_sum_by_currency: {} as AmountByCurrency,
    subtotal_ex_tax_sum_by_currency: {} as AmountByCurrency,
    coupon_discount_sum_by_currency: {} as AmountByCurrency,
    discount_amount_sum_by_currency: {} as AmountByCurrency,
    refunded_amount_sum_by_currency: {} as AmountByCurrency,
    guest_count: 0,
    refunded_count: 0,
    partially_refunded_count: 0,
    cancelled_count: 0,
    with_coupon_count: 0,
  };
  const lines = { count: 0, quantity_sum: 0 };
  let couponRows = 0;
  const emails = new Set<string>();
  const buyers = new Set<string>();
  const guestPeople = new Set<string>();
  const registeredPeople = new Set<string>();
  for (const { order, products, coupons, personId } of store.orders) {
    const cur = order.currency_code.toLowerCase();
    const status = String(order.status_id);
    if (order.status_id !== HIDDEN_BY_DEFAULT_STATUS) o.listed_without_status_filter++;
    add(o.count_by_status_id, status, 1);
    add((o.total_inc_tax_by_status_id[status] ??= {}), cur, minor(order.total_inc_tax));
    add(o.total_inc_tax_sum_by_currency, cur, minor(order.total_inc_tax));
    add(o.total_ex_tax_sum_by_currency, cur, minor(order.total_ex_tax));
    add(o.subtotal_ex_tax_sum_by_currency, cur, minor(order.subtotal_ex_tax));
    add(o.coupon_discount_sum_by_currency, cur, minor(order.coupon_discount));
    add(o.discount_amount_sum_by_currency, cur, minor(order.discount_amount));
    add(o.refunded_amount_sum_by_currency, cur, minor(order.refunded_amount));
    if (order.customer_id === 0) o.guest_count++;
    if (order.status_id === 4) o.refunded_count++;
    if (order.status_id === 14) o.partially_refunded_count++;
    if (order.status_id === 5) o.cancelled_count++;
    if (coupons.length > 0) o.with_coupon_count++;
    lines.count += products.length;
    lines.quantity_sum += products.reduce((n, p) => n + p.quantity, 0);
    couponRows += coupons.length;
    emails.add(order.billing_address.email.trim().toLowerCase());
    buyers.add(personId);
    (order.customer_id === 0 ? guestPeople : registeredPeople).add(personId);
  }
  const customersWithOrders = new Set(store.orders.filter((s) => s.order.customer_id !== 0).map((s) => s.order.customer_id));
  const inStripe = new Set(world.people.filter(buysInStripe).map((p) => p.person_id));
  const alsoInStripe = [...buyers].filter((p) => inStripe.has(p)).length;

  return {
    seed: store.seed,
    scale: store.scale,
    anchor: store.anchor,
    store_hash: store.storeHash,
    streams: {
      orders: o,
      order_products: lines,
      order_coupons: { count: couponRows },
      customers: { count: store.customers.length, with_orders: customersWithOrders.size, without_orders: store.customers.length - customersWithOrders.size },
      products: { count: store.products.length },
    },
    people: {
      distinct_normalized_billing_emails: emails.size,
      distinct_buyers: buyers.size,
      buyers_also_in_stripe: alsoInStripe,
      buyers_only_in_store: buyers.size - alsoInStripe,
      people_with_guest_orders: guestPeople.size,
      guest_only_buyers: [...guestPeople].filter((p) => !registeredPeople.has(p)).length,
    },
  };
}
