import { DAY_MS, deriveSeed, Rng, type CatalogProduct, type Order, type OrderItem, type Person, type World } from '../world/index.js';
import { amazonOrderIdOf, asinOf, buyerEmailOf, orderItemIdOf, sellerSkuOf } from './ids.js';
import type { Marketplace } from './marketplaces.js';
import type { OrderStatus, SpOrder, SpOrderLine } from './types.js';

const MINUTE_MS = 60_000;
/** Share of the world's buyers in the marketplace's countries who also buy there. */
const MARKETPLACE_BUYER_SHARE = 0.5;
/** Statuses a world rarely shows at a glance, forced onto the first eligible paid orders so even tiny worlds have them. */
const FORCED_STATUSES: readonly OrderStatus[] = ['Unshipped', 'PartiallyShipped', 'InvoiceUnconfirmed', 'Unfulfillable', 'PendingAvailability', 'Pending', 'Canceled'];
const PAID_STATUS_WEIGHTS = { Shipped: 91, Canceled: 2.5, InvoiceUnconfirmed: 1.5, Unfulfillable: 1, Unshipped: 2.5, PartiallyShipped: 1.5 } as const;
/** Orders still moving were placed in the last days before the anchor: nobody leaves an order unshipped for a year. */
const RECENT_STATUSES: ReadonlySet<OrderStatus> = new Set<OrderStatus>(['Pending', 'PendingAvailability', 'Unshipped', 'PartiallyShipped']);
const CATEGORIES: Readonly<Record<string, string>> = { item_notebook: 'Office Product', item_hoodie: 'Apparel' };
/** Combined state and local sales tax a marketplace facilitator collects; other states 6 %. */
const US_SALES_TAX: Readonly<Record<string, number>> = { CA: 0.0725, NY: 0.04, TX: 0.0625, FL: 0.06, WA: 0.065, IL: 0.0625, OR: 0, MT: 0, NH: 0, DE: 0, AK: 0 };

interface Ids {
  order: number;
  orderItem: number;
  used: Set<string>;
}

/** The next status in the forced queue when this order can carry it. */
function takeForced(forced: OrderStatus[], units: number): OrderStatus | null {
  const head = forced[0];
  if (head === undefined || (head === 'PartiallyShipped' && units < 2)) return null;
  return forced.shift()!;
}

function statusOf(order: Order, rng: Rng, forced: OrderStatus[], units: number): OrderStatus {
  if (order.outcome === 'failed') return 'Canceled';
  if (order.outcome === 'pending') return rng.chance(0.2) ? 'PendingAvailability' : 'Pending';
  const status: OrderStatus = takeForced(forced, units) ?? rng.weighted(PAID_STATUS_WEIGHTS);
  return status === 'PartiallyShipped' && units < 2 ? 'Shipped' : status;
}

/** When the order was placed and last changed; a recent status moves an old order into the last three days. */
function timesOf(status: OrderStatus, placedMs: number, anchorMs: number, rng: Rng): { purchaseMs: number; lastUpdateMs: number } {
  const latestMs = anchorMs - MINUTE_MS;
  let purchaseMs = Math.floor(placedMs / 1000) * 1000;
  if (RECENT_STATUSES.has(status) && purchaseMs < anchorMs - 3 * DAY_MS) purchaseMs = anchorMs - rng.int(120, 3 * 24 * 60) * MINUTE_MS - rng.int(0, 59) * 1000;
  const afterMinutes = (min: number, max: number): number => Math.max(purchaseMs, Math.min(latestMs, purchaseMs + rng.int(min, max) * MINUTE_MS + rng.int(0, 59) * 1000));
  const lastUpdateMs: Record<OrderStatus, () => number> = {
    Pending: () => purchaseMs,
    PendingAvailability: () => purchaseMs,
    Unshipped: () => afterMinutes(1, 30),
    PartiallyShipped: () => afterMinutes(6 * 60, 30 * 60),
    Shipped: () => afterMinutes(4 * 60, 72 * 60),
    InvoiceUnconfirmed: () => afterMinutes(4 * 60, 72 * 60),
    Canceled: () => afterMinutes(10, 600),
    Unfulfillable: () => afterMinutes(60, 24 * 60),
  };
  return { purchaseMs, lastUpdateMs: lastUpdateMs[status]() };
}

/** Units shipped per line: all for a shipped order, all but the last unit for a partial shipment, none otherwise. */
export function shippedQuantities(status: OrderStatus, quantities: readonly number[]): number[] {
  if (status === 'Shipped' || status === 'InvoiceUnconfirmed') return [...quantities];
  if (status !== 'PartiallyShipped') return quantities.map(() => 0);
  let left = quantities.reduce((a, b) => a + b, 0) - 1;
  return quantities.map((q) => {
    const shipped = Math.min(q, left);
    left -= shipped;
    return shipped;
  });
}

/** Tax on a line: US sales tax on top of the price by ship-to state, or the VAT an EU price already holds. */
function lineTaxMinor(marketplace: Marketplace, priceMinor: number, state: string | null): number {
  if (marketplace.vatRate !== null) return Math.round((priceMinor * marketplace.vatRate) / (1 + marketplace.vatRate));
  return Math.round(priceMinor * (US_SALES_TAX[state ?? ''] ?? 0.06));
}

function lineOf(item: OrderItem, catalog: readonly CatalogProduct[], marketplace: Marketplace, person: Person, ids: Ids, seed: number): SpOrderLine {
  const itemPriceMinor = item.unit_amount_minor * item.quantity;
  return {
    orderItemId: orderItemIdOf(seed, ids.orderItem++),
    productKey: item.product_key,
    asin: asinOf(item.product_key),
    sellerSku: sellerSkuOf(item.product_key),
    title: catalog.find((p) => p.product_key === item.product_key)?.name ?? item.product_key,
    category: CATEGORIES[item.product_key] ?? 'Book',
    quantityOrdered: item.quantity,
    quantityShipped: 0,
    itemPriceMinor,
    itemTaxMinor: lineTaxMinor(marketplace, itemPriceMinor, person.address.state),
  };
}

function nextOrderId(seed: number, marketplace: Marketplace, ids: Ids): string {
  let id = amazonOrderIdOf(seed, marketplace, ids.order++);
  while (ids.used.has(id)) id = amazonOrderIdOf(seed, marketplace, ids.order++);
  ids.used.add(id);
  return id;
}

function orderOf(world: World, marketplace: Marketplace, person: Person, order: Order, rng: Rng, forced: OrderStatus[], ids: Ids): SpOrder {
  const anchorMs = Date.parse(world.anchor);
  const units = order.items.reduce((n, it) => n + it.quantity, 0);
  const status = statusOf(order, rng, forced, units);
  const { purchaseMs, lastUpdateMs } = timesOf(status, Date.parse(order.placed_at), anchorMs, rng);
  // Multi-Channel Fulfillment orders come from other shops and are the only ones that can end Unfulfillable.
  const fulfillmentChannel = status === 'Unfulfillable' || rng.chance(0.4) ? 'AFN' : 'MFN';
  const isPrime = fulfillmentChannel === 'MFN' && rng.chance(0.15);
  const lines = order.items.map((item) => lineOf(item, world.catalog, marketplace, person, ids, world.seed));
  shippedQuantities(status, lines.map((l) => l.quantityOrdered)).forEach((q, i) => {
    lines[i]!.quantityShipped = q;
  });
  return {
    amazonOrderId: nextOrderId(world.seed, marketplace, ids),
    personId: person.person_id,
    worldOrderId: order.order_id,
    buyerEmail: buyerEmailOf(world.seed, person.person_id, marketplace),
    purchaseMs,
    lastUpdateMs,
    status,
    fulfillmentChannel,
    salesChannel: status === 'Unfulfillable' ? 'Non-Amazon' : marketplace.salesChannel,
    isPrime,
    isBusinessOrder: rng.chance(0.05),
    serviceLevel: isPrime || rng.chance(0.1) ? 'Expedited' : 'Standard',
    shipTo: { city: person.address.city, stateOrRegion: person.address.state, postalCode: person.address.postal_code, countryCode: person.address.country },
    lines,
  };
}

/**
 * The marketplace's orders: about half of the world's buyers who live where the marketplace sells also buy there,
 * and each of their one-off orders becomes a marketplace order. Each person's choices come from a generator seeded by
 * the world seed and their person_id; only the forced coverage statuses depend on who came first.
 */
export function buildMarketplaceOrders(world: World, marketplace: Marketplace): { orders: SpOrder[]; nextOrderItem: number } {
  const forced = [...FORCED_STATUSES];
  let forcedBuyers = 3;
  const ids: Ids = { order: 0, orderItem: 0, used: new Set() };
  const orders: SpOrder[] = [];
  for (const person of world.people) {
    if (person.orders.length === 0 || !marketplace.buyerCountries.includes(person.address.country)) continue;
    const rng = new Rng(deriveSeed(world.seed, `amazon-sp:${person.person_id}`));
    // The first few are buyers whatever the roll, so that even a tiny world has a marketplace.
    if (!rng.chance(MARKETPLACE_BUYER_SHARE) && forcedBuyers-- <= 0) continue;
    for (const order of person.orders) orders.push(orderOf(world, marketplace, person, order, rng, forced, ids));
  }
  orders.sort((a, b) => a.purchaseMs - b.purchaseMs || a.amazonOrderId.localeCompare(b.amazonOrderId));
  return { orders, nextOrderItem: ids.orderItem };
}
