import type { Marketplace } from './marketplaces.js';

/** The `OrderStatus` values of the Orders API v0. */
export const ORDER_STATUSES = ['Pending', 'Unshipped', 'PartiallyShipped', 'Shipped', 'Canceled', 'Unfulfillable', 'InvoiceUnconfirmed', 'PendingAvailability'] as const;
export type OrderStatus = (typeof ORDER_STATUSES)[number];

export type FulfillmentChannel = 'MFN' | 'AFN';

export interface ShipTo {
  city: string;
  stateOrRegion: string | null;
  postalCode: string;
  countryCode: string;
}

/** One line of an order: a product and a quantity, amounts in minor units for the whole line. */
export interface SpOrderLine {
  orderItemId: string;
  productKey: string;
  asin: string;
  sellerSku: string;
  title: string;
  /** The product group the returns report names. */
  category: string;
  quantityOrdered: number;
  quantityShipped: number;
  itemPriceMinor: number;
  itemTaxMinor: number;
}

export interface SpOrder {
  amazonOrderId: string;
  personId: string;
  /** The world order this marketplace order is. */
  worldOrderId: string;
  /** The buyer's anonymized marketplace address, whether or not the status lets the API show it. */
  buyerEmail: string;
  purchaseMs: number;
  lastUpdateMs: number;
  status: OrderStatus;
  fulfillmentChannel: FulfillmentChannel;
  salesChannel: string;
  isPrime: boolean;
  isBusinessOrder: boolean;
  serviceLevel: 'Standard' | 'Expedited';
  shipTo: ShipTo;
  lines: SpOrderLine[];
}

/** A buyer's return request for (part of) one shipped line of a seller-fulfilled order. */
export interface SpReturn {
  amazonOrderId: string;
  orderItemId: string;
  requestedMs: number;
  /** When the parcel reached the seller; null while it is on its way. */
  deliveredMs: number | null;
  status: 'Approved' | 'Closed';
  rmaId: string;
  labelType: 'AmazonPrePaidLabel' | 'AmazonUnPaidLabel';
  labelCostMinor: number;
  carrier: string;
  trackingId: string;
  labelPaidBy: 'Seller' | 'Customer';
  aToZClaim: boolean;
  inPolicy: boolean;
  quantity: number;
  reason: string;
  resolution: 'StandardRefund' | 'RefundAtFirstScan';
  /** Null until the refund is issued. */
  refundedMinor: number | null;
}

/** Seller feedback a buyer left for an order. */
export interface SpFeedback {
  amazonOrderId: string;
  leftMs: number;
  rating: 1 | 2 | 3 | 4 | 5;
  comments: string;
  response: string | null;
  raterEmail: string;
}

/** Everything the emulator serves for one seller in one marketplace. */
export interface SellerAccount {
  seed: number;
  scale: number;
  anchor: string;
  marketplace: Marketplace;
  sellerId: string;
  /** Oldest purchase first. */
  orders: SpOrder[];
  returns: SpReturn[];
  feedback: SpFeedback[];
  /** Numbers the next ids a mutation hands out. */
  counters: { orderItem: number; rma: number };
}
