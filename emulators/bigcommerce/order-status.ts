/** BigCommerce's fixed order status table (GET /v2/order_statuses). */
export const ORDER_STATUSES = {
  0: 'Incomplete',
  1: 'Pending',
  2: 'Shipped',
  3: 'Partially Shipped',
  4: 'Refunded',
  5: 'Cancelled',
  6: 'Declined',
  7: 'Awaiting Payment',
  8: 'Awaiting Pickup',
  9: 'Awaiting Shipment',
  10: 'Completed',
  11: 'Awaiting Fulfillment',
  12: 'Manual Verification Required',
  13: 'Disputed',
  14: 'Partially Refunded',
} as const;

export type OrderStatusId = keyof typeof ORDER_STATUSES;

export const ALL_STATUS_IDS: readonly OrderStatusId[] = Object.keys(ORDER_STATUSES).map(Number) as OrderStatusId[];

/** Incomplete orders (abandoned at the payment step) are left out of GET /v2/orders unless asked for with status_id=0. */
export const HIDDEN_BY_DEFAULT_STATUS: OrderStatusId = 0;

/** Statuses whose payment was taken and kept, at least in part. */
export const PAID_STATUSES: ReadonlySet<OrderStatusId> = new Set<OrderStatusId>([2, 3, 8, 9, 10, 11, 13, 14]);

/** The status name for an id. */
export function statusName(id: OrderStatusId): string {
  return ORDER_STATUSES[id];
}
