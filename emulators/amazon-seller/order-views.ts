import { addDays, zonedDate, zonedToMs } from '../http/zoned-time.js';
import { isoAt } from '../world/index.js';
import type { Marketplace } from './marketplaces.js';
import type { OrderStatus, SpOrder, SpOrderLine } from './types.js';

interface Money {
  CurrencyCode: string;
  Amount: string;
}

/** Minor units as the API's decimal string, `1234` → `"12.34"`. */
export function decimalOf(minor: number): string {
  const abs = Math.abs(minor);
  return `${minor < 0 ? '-' : ''}${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
}

const money = (marketplace: Marketplace, minor: number): Money => ({ CurrencyCode: marketplace.currencyCode, Amount: decimalOf(minor) });

/** Until payment is authorized the API shows no pricing, taxes or promotions. */
const UNPRICED: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['Pending', 'PendingAvailability', 'Canceled', 'Unfulfillable']);
/** The shipping address is only given once an order can ship. */
const ADDRESSED: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['Unshipped', 'PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed']);
/** No buyer is shown before payment, on a canceled order, or on an order another shop took (Multi-Channel Fulfillment). */
const NO_BUYER: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['Pending', 'Canceled', 'Unfulfillable']);

/** The end of the marketplace's calendar day that contains `ms`, plus `days`. */
function endOfLocalDayMs(ms: number, timeZone: string, days: number): number {
  const [y, m, d] = addDays(zonedDate(ms, timeZone), days).split('-').map(Number) as [number, number, number];
  return zonedToMs(y, m, d, 23, 59, 59, timeZone);
}

/** What the order costs the buyer: EU prices hold their VAT, US sales tax comes on top. */
export function orderTotalMinor(order: SpOrder, marketplace: Marketplace): number {
  return order.lines.reduce((n, l) => n + l.itemPriceMinor + (marketplace.vatRate === null ? l.itemTaxMinor : 0), 0);
}

/** The `Order` object as getOrders serves it: fields a status does not allow are left out, as the API leaves them out. */
export function orderView(order: SpOrder, marketplace: Marketplace): Record<string, unknown> {
  const shipped = order.lines.reduce((n, l) => n + l.quantityShipped, 0);
  const ordered = order.lines.reduce((n, l) => n + l.quantityOrdered, 0);
  const handlingDays = order.fulfillmentChannel === 'MFN' ? 2 : 0;
  const { shipTo } = order;
  return {
    AmazonOrderId: order.amazonOrderId,
    SellerOrderId: order.amazonOrderId,
    PurchaseDate: isoAt(order.purchaseMs),
    LastUpdateDate: isoAt(order.lastUpdateMs),
    OrderStatus: order.status,
    FulfillmentChannel: order.fulfillmentChannel,
    SalesChannel: order.salesChannel,
    ShipServiceLevel: order.serviceLevel,
    ...(UNPRICED.has(order.status) ? {} : { OrderTotal: money(marketplace, orderTotalMinor(order, marketplace)) }),
    NumberOfItemsShipped: shipped,
    NumberOfItemsUnshipped: order.status === 'Canceled' ? 0 : ordered - shipped,
    PaymentMethod: 'Other',
    PaymentMethodDetails: ['Standard'],
    MarketplaceId: marketplace.id,
    ShipmentServiceLevelCategory: order.serviceLevel,
    OrderType: order.status === 'PendingAvailability' ? 'Preorder' : 'StandardOrder',
    EarliestShipDate: isoAt(endOfLocalDayMs(order.purchaseMs, marketplace.timeZone, 0)),
    LatestShipDate: isoAt(endOfLocalDayMs(order.purchaseMs, marketplace.timeZone, handlingDays)),
    IsBusinessOrder: order.isBusinessOrder,
    IsPrime: order.isPrime,
    IsPremiumOrder: false,
    IsGlobalExpressEnabled: false,
    IsReplacementOrder: false,
    IsSoldByAB: false,
    IsISPU: false,
    IsAccessPointOrder: false,
    HasRegulatedItems: false,
    ...(ADDRESSED.has(order.status)
      ? { ShippingAddress: { City: shipTo.city, ...(shipTo.stateOrRegion ? { StateOrRegion: shipTo.stateOrRegion } : {}), PostalCode: shipTo.postalCode, CountryCode: shipTo.countryCode } }
      : {}),
    BuyerInfo: NO_BUYER.has(order.status) ? {} : { BuyerEmail: order.buyerEmail },
  };
}

function lineView(line: SpOrderLine, priced: boolean, marketplace: Marketplace): Record<string, unknown> {
  const zero = money(marketplace, 0);
  return {
    ASIN: line.asin,
    SellerSKU: line.sellerSku,
    OrderItemId: line.orderItemId,
    Title: line.title,
    QuantityOrdered: line.quantityOrdered,
    QuantityShipped: line.quantityShipped,
    ProductInfo: { NumberOfItems: '1' },
    ...(priced
      ? {
          ItemPrice: money(marketplace, line.itemPriceMinor),
          ItemTax: money(marketplace, line.itemTaxMinor),
          ShippingPrice: zero, ShippingTax: zero, ShippingDiscount: zero, ShippingDiscountTax: zero,
          PromotionDiscount: zero, PromotionDiscountTax: zero,
          IsGift: 'false',
        }
      : {}),
    ConditionId: 'New',
    ConditionSubtypeId: 'New',
    IsTransparency: false,
    SerialNumberRequired: false,
  };
}

/** The order's `OrderItem` objects as getOrderItems serves them; pricing only once payment was authorized. */
export function orderItemsView(order: SpOrder, marketplace: Marketplace): Record<string, unknown>[] {
  return order.lines.map((line) => lineView(line, !UNPRICED.has(order.status), marketplace));
}
