import { z } from 'zod';

// Schemas check the fields cdp's models read and let every other field through: the raw lake keeps
// the whole payload. Orders and order items are the Orders API v0 models (Order, OrderItem, Money:
// `Amount` a decimal string in `CurrencyCode`); returns and feedback are rows of the flat files of
// the report types GET_FLAT_FILE_RETURNS_DATA_BY_RETURN_DATE and GET_SELLER_FEEDBACK_DATA, every
// value a string as the tab-separated file has it, keyed by the file's own column names.

const iso8601 = z.string().regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/, 'an ISO 8601 date-time');
const decimal = z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string such as "12.34"');
const money = z.looseObject({ CurrencyCode: z.string().length(3), Amount: decimal });
const orderId = z.string().regex(/^\d{3}-\d{7}-\d{7}$/, 'an Amazon order id such as 113-1234567-1234567');

/** Every `OrderStatus` the Orders API documents. */
export const ORDER_STATUSES = ['Pending', 'Unshipped', 'PartiallyShipped', 'Shipped', 'Canceled', 'Unfulfillable', 'InvoiceUnconfirmed', 'PendingAvailability'] as const;

/** An order as `GET /orders/v0/orders` lists it. */
export const orderSchema = z.looseObject({
  AmazonOrderId: orderId,
  PurchaseDate: iso8601,
  LastUpdateDate: iso8601,
  OrderStatus: z.enum(ORDER_STATUSES),
  MarketplaceId: z.string().min(1).optional(),
  // Absent while an order is pending and on some cancelled ones.
  OrderTotal: money.optional(),
  NumberOfItemsShipped: z.number().int().nonnegative().optional(),
  NumberOfItemsUnshipped: z.number().int().nonnegative().optional(),
  BuyerInfo: z.looseObject({ BuyerEmail: z.string().optional() }).optional(),
});

/** A line of an order as `GET /orders/v0/orders/{orderId}/orderItems` lists it, with the order it was read for. */
export const orderItemSchema = z.looseObject({
  OrderItemId: z.string().min(1),
  ASIN: z.string().min(1),
  SellerSKU: z.string().optional(),
  QuantityOrdered: z.number().int().nonnegative(),
  ItemPrice: money.optional(),
  PromotionDiscount: money.optional(),
  cdp_parent: z.looseObject({ parent_id: orderId }),
});

const reportFacts = z.looseObject({ reportId: z.string().min(1), dataStartTime: z.string(), dataEndTime: z.string(), marketplaceIds: z.array(z.string()).optional() });

/** A row of the returns report (one returned item of one return request). */
export const returnSchema = z.looseObject({
  'Order ID': orderId,
  // With the SKU, the row's key: blank would merge returns.
  'Amazon RMA ID': z.string().regex(/\S/, 'an RMA id'),
  'Merchant SKU': z.string().regex(/\S/, 'a SKU'),
  'Return request date': z.string().min(1),
  'Return quantity': z.string().regex(/^\d+$/, 'a whole number of items'),
  cdp_report: reportFacts,
});

/** A row of the seller feedback report. */
export const feedbackSchema = z.looseObject({
  Date: z.string().min(1),
  Rating: z.string().regex(/^[1-5]$/, 'a rating from 1 to 5'),
  'Order ID': orderId,
  cdp_report: reportFacts,
});
