import { DAY_MS, type CatalogProduct, type Order, type Rng } from '../../world/index.js';
import type { AcConnection, AcEcomCustomer, AcEcomOrder, AcEcomOrderProduct, AcRecord } from './ac-data.js';
import { linksFor, type AcContext } from './ac-context.js';
import type { ContactDraft } from './build-contacts.js';

export const STORE_DOMAIN = 'shop.cdp-demo.example';
const CONNECTION_ID = 1;
/** Deep Data order states: completed and waiting for payment (the only ones the store syncs). */
export const ECOM_STATE = { completed: 1, waiting: 4 } as const;

interface EcomData {
  connections: AcRecord<AcConnection>[];
  ecomCustomers: AcRecord<AcEcomCustomer>[];
  ecomOrders: AcRecord<AcEcomOrder>[];
  ecomOrderProducts: AcRecord<AcEcomOrderProduct>[];
}

interface OrderDraft {
  contact: ContactDraft;
  order: Order;
  syncedMs: number;
}

function connectionRecord(ctx: AcContext, anchorMs: number): AcRecord<AcConnection> {
  const cdateMs = anchorMs - 760 * DAY_MS;
  const object: AcConnection = {
    service: 'cdpstore',
    externalid: STORE_DOMAIN,
    name: 'CDP Demo Shop',
    isInternal: '0',
    connectionType: 'ecommerce',
    status: '1',
    syncStatus: '0',
    sync_request_time: null,
    sync_start_time: null,
    lastSync: null,
    logoUrl: `https://${STORE_DOMAIN}/logo.png`,
    linkUrl: `https://${STORE_DOMAIN}`,
    cdate: ctx.iso(cdateMs),
    udate: ctx.iso(cdateMs),
    credentialExpiration: null,
    links: linksFor(ctx, 'connections', CONNECTION_ID, ['options', 'customers']),
    id: String(CONNECTION_ID),
    serviceName: 'cdpstore',
  };
  return { id: CONNECTION_ID, cdateMs, udateMs: cdateMs, object };
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}

const orderNumber = (order: Order): string => String(Number(order.order_id.replace(/\D/g, '')) + 100_000);

/**
 * Deep Data from the store connection: a customer per contact who checked out, their completed and
 * waiting orders (failed checkouts never reach the store's order list) and the products on each order.
 */
export function buildEcom(drafts: readonly ContactDraft[], catalog: readonly CatalogProduct[], rng: Rng, ctx: AcContext, anchorMs: number): EcomData {
  const products = new Map(catalog.map((p) => [p.product_key, p] as const));
  const orderDrafts: OrderDraft[] = [];
  for (const contact of drafts) {
    for (const order of contact.person.orders) {
      if (order.outcome === 'failed') continue;
      const syncedMs = Math.min(anchorMs - 1000, Date.parse(order.placed_at) + rng.int(60, 900) * 1000);
      orderDrafts.push({ contact, order, syncedMs });
    }
  }

  // Customers are created when their first order syncs, so ids follow first-sync order.
  const firstSync = new Map<ContactDraft, number>();
  for (const d of orderDrafts) firstSync.set(d.contact, Math.min(firstSync.get(d.contact) ?? Infinity, d.syncedMs));
  const customerContacts = [...firstSync.keys()].sort((a, b) => firstSync.get(a)! - firstSync.get(b)! || a.id - b.id);
  const customerId = new Map(customerContacts.map((c, i) => [c, i + 1] as const));

  orderDrafts.sort((a, b) => a.syncedMs - b.syncedMs || (a.order.order_id < b.order.order_id ? -1 : 1));
  const ecomOrders: AcRecord<AcEcomOrder>[] = [];
  const ecomOrderProducts: AcRecord<AcEcomOrderProduct>[] = [];
  orderDrafts.forEach(({ contact, order, syncedMs }, i) => {
    const id = i + 1;
    const placedMs = Date.parse(order.placed_at);
    const productIds: string[] = [];
    for (const item of order.items) {
      const pid = ecomOrderProducts.length + 1;
      productIds.push(String(pid));
      const product = products.get(item.product_key);
      const object: AcEcomOrderProduct = {
        orderid: String(id),
        connectionid: String(CONNECTION_ID),
        externalid: item.product_key,
        sku: item.price_key.toUpperCase(),
        name: product?.name ?? item.product_key,
        description: product?.description ?? '',
        price: String(item.unit_amount_minor),
        quantity: String(item.quantity),
        category: product?.kind ?? '',
        imageUrl: `https://${STORE_DOMAIN}/images/${item.product_key}.jpg`,
        productUrl: `https://${STORE_DOMAIN}/products/${item.product_key}`,
        createdDate: ctx.iso(syncedMs),
        updatedDate: ctx.iso(syncedMs),
        tstamp: ctx.iso(syncedMs),
        links: linksFor(ctx, 'ecomOrderProducts', pid, ['ecomOrder']),
        id: String(pid),
        ecomOrder: String(id),
      };
      ecomOrderProducts.push({ id: pid, cdateMs: syncedMs, udateMs: syncedMs, object });
    }
    const number = orderNumber(order);
    const cid = String(customerId.get(contact)!);
    const physical = order.items.some((it) => products.get(it.product_key)?.kind === 'physical');
    const object: AcEcomOrder = {
      externalid: number,
      externalcheckoutid: null,
      orderNumber: number,
      source: '1',
      email: contact.person.email,
      currency: order.currency.toUpperCase(),
      connectionid: String(CONNECTION_ID),
      customerid: cid,
      orderUrl: `https://${STORE_DOMAIN}/orders/${number}`,
      shippingMethod: physical ? 'Standard Shipping' : '',
      totalPrice: order.total_minor,
      shippingAmount: 0,
      taxAmount: 0,
      discountAmount: 0,
      externalCreatedDate: ctx.iso(placedMs),
      externalUpdatedDate: ctx.iso(placedMs),
      abandonedDate: null,
      totalProducts: order.items.length,
      createdDate: ctx.iso(syncedMs),
      updatedDate: ctx.iso(syncedMs),
      state: order.outcome === 'paid' ? ECOM_STATE.completed : ECOM_STATE.waiting,
      connection: String(CONNECTION_ID),
      orderProducts: productIds,
      orderDiscounts: [],
      customer: cid,
      orderDate: ctx.iso(placedMs),
      tstamp: ctx.iso(syncedMs),
      links: linksFor(ctx, 'ecomOrders', id, ['connection', 'customer', 'orderProducts', 'orderDiscounts', 'orderActivities']),
      id: String(id),
    };
    ecomOrders.push({ id, cdateMs: syncedMs, udateMs: syncedMs, object });
  });

  const ordersByCustomer = groupBy(ecomOrders, (o) => o.object.customerid);
  const linesByOrder = groupBy(ecomOrderProducts, (p) => p.object.orderid);
  const ecomCustomers = customerContacts.map((contact) => {
    const id = customerId.get(contact)!;
    const orders = ordersByCustomer.get(String(id)) ?? [];
    const completed = orders.filter((o) => o.object.state === ECOM_STATE.completed);
    const revenue = completed.reduce((s, o) => s + o.object.totalPrice, 0);
    const lines = completed.flatMap((o) => linesByOrder.get(o.object.id) ?? []);
    const categories = new Map<string, number>();
    for (const l of lines) categories.set(l.object.category, (categories.get(l.object.category) ?? 0) + 1);
    const topCategory = [...categories.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0] ?? '';
    const cdateMs = firstSync.get(contact)!;
    const udateMs = Math.max(...orders.map((o) => o.udateMs));
    const object: AcEcomCustomer = {
      connectionid: String(CONNECTION_ID),
      externalid: `cus_${contact.person.person_id.replace(/\D/g, '')}`,
      email: contact.person.email,
      totalRevenue: String(revenue),
      totalOrders: String(completed.length),
      totalProducts: String(lines.reduce((s, l) => s + Number(l.object.quantity), 0)),
      avgRevenuePerOrder: String(completed.length > 0 ? Math.floor(revenue / completed.length) : 0),
      avgProductCategory: topCategory,
      tstamp: ctx.iso(udateMs),
      acceptsMarketing: contact.person.traits.marketing_opt_in ? '1' : '0',
      links: linksFor(ctx, 'ecomCustomers', id, ['connection', 'orders']),
      id: String(id),
      connection: String(CONNECTION_ID),
    };
    return { id, cdateMs, udateMs, object };
  });

  return { connections: [connectionRecord(ctx, anchorMs)], ecomCustomers, ecomOrders, ecomOrderProducts };
}
