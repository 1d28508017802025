import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_STATUSES, startAmazonSellerEmulator, type AmazonSellerEmulator, type AmazonSellerGroundTruth } from '../../../emulators/amazon-seller';
import { ordersPath, pageOrders, spGet, spMutate, type ErrorList, type OrdersPayload } from './emulator-http';

const MINUTE_MS = 60_000;
const iso = (ms: number): string => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

let em: AmazonSellerEmulator;
let truth: AmazonSellerGroundTruth;
let fromMs: number;

beforeAll(async () => {
  em = await startAmazonSellerEmulator({ seed: 7, scale: 0.1, rateScale: 100_000 });
  truth = em.truth();
  fromMs = Date.parse(truth.anchor) - 3 * 365 * 86_400_000;
});

afterAll(async () => {
  await em?.close();
});

describe('Amazon SP-API emulator authentication', () => {
  it('refuses a missing or wrong x-amz-access-token with 403 Unauthorized, the reason in details, and no rate-limit header', async () => {
    const details = { missing: 'Access token is missing in the request header.', wrong: 'The access token you provided is revoked, malformed or invalid.' };
    for (const [reason, token] of [['missing', null], ['wrong', 'Atza|not-the-token']] as const) {
      const answer = await spGet<ErrorList>(em, ordersPath(em, { CreatedAfter: iso(fromMs) }), token);
      expect(answer.status).toBe(403);
      expect(answer.body).toEqual({ errors: [{ code: 'Unauthorized', message: 'Access to requested resource is denied.', details: details[reason] }] });
      expect(answer.headers.get('x-amzn-requestid')).toMatch(/^[0-9a-f-]{36}$/);
      expect(answer.headers.get('x-amzn-ratelimit-limit')).toBeNull();
    }
    const ok = await spGet(em, ordersPath(em, { CreatedAfter: iso(fromMs) }));
    expect(ok.status).toBe(200);
    expect(ok.headers.get('x-amzn-ratelimit-limit')).toBe('1670.0');
  });
});

describe('Amazon SP-API emulator getOrders filters', () => {
  const expect400 = async (params: Record<string, string>, pattern: RegExp): Promise<void> => {
    const answer = await spGet<ErrorList>(em, ordersPath(em, params));
    expect(answer.status, JSON.stringify(params)).toBe(400);
    expect(answer.body.errors[0]!.code).toBe('InvalidInput');
    expect(`${answer.body.errors[0]!.message} ${answer.body.errors[0]!.details}`).toMatch(pattern);
    expect(answer.headers.get('x-amzn-ratelimit-limit')).toBe('1670.0');
  };

  it('answers 400 InvalidInput with neither or both of CreatedAfter and LastUpdatedAfter, or a Before of the other kind', async () => {
    await expect400({}, /CreatedAfter or LastUpdatedAfter/);
    await expect400({ CreatedAfter: iso(fromMs), LastUpdatedAfter: iso(fromMs) }, /cannot both be set/);
    await expect400({ LastUpdatedAfter: iso(fromMs), CreatedBefore: iso(fromMs + MINUTE_MS) }, /CreatedBefore cannot be set/);
    await expect400({ CreatedAfter: iso(fromMs), LastUpdatedBefore: iso(fromMs + MINUTE_MS) }, /LastUpdatedBefore cannot be set/);
  });

  it('answers 400 when a Before is less than two minutes before now, or before its After', async () => {
    await expect400({ CreatedAfter: iso(fromMs), CreatedBefore: iso(Date.now() - 30_000) }, /two minutes/);
    await expect400({ LastUpdatedAfter: iso(fromMs), LastUpdatedBefore: iso(Date.now()) }, /two minutes/);
    await expect400({ CreatedAfter: iso(fromMs), CreatedBefore: iso(fromMs - MINUTE_MS) }, /equal to or after/);
    const settled = await spGet<OrdersPayload>(em, ordersPath(em, { CreatedAfter: iso(fromMs), CreatedBefore: iso(Date.now() - 3 * MINUTE_MS) }));
    expect(settled.status).toBe(200);
  });

  it('answers 400 without MarketplaceIds, for an unknown marketplace, a bad date, status or page size', async () => {
    const missing = await spGet<ErrorList>(em, `/orders/v0/orders?CreatedAfter=${iso(fromMs)}`);
    expect(missing.status).toBe(400);
    await expect400({ MarketplaceIds: 'NOTAMARKETPLACE', CreatedAfter: iso(fromMs) }, /MarketplaceId/);
    await expect400({ CreatedAfter: 'yesterday' }, /createdAfter/);
    await expect400({ CreatedAfter: iso(fromMs), OrderStatuses: 'Shipped,Lost' }, /Lost/);
    await expect400({ CreatedAfter: iso(fromMs), MaxResultsPerPage: '0' }, /MaxResultsPerPage/);
    await expect400({ CreatedAfter: iso(fromMs), MaxResultsPerPage: '101' }, /MaxResultsPerPage/);
    await expect400({ NextToken: 'bm90IGEgdG9rZW4=' }, /NextToken/);
  });

  it('serves no orders for another marketplace the seller does not sell in', async () => {
    const answer = await spGet<OrdersPayload>(em, ordersPath(em, { MarketplaceIds: 'A2EUQ1WTGCTBG2', CreatedAfter: iso(fromMs) }));
    expect(answer.status).toBe(200);
    expect(answer.body.payload.Orders).toEqual([]);
  });
});

describe('Amazon SP-API emulator getOrders paging', () => {
  it('pages by CreatedAfter with NextToken to exactly the ground truth, oldest first, and names the CreatedBefore bound', async () => {
    const before = Date.now();
    const { orders, pages } = await pageOrders(em, { CreatedAfter: iso(fromMs) }, 17);
    expect(pages.length).toBeGreaterThan(2);
    expect(orders).toEqual(truth.orders.map((o) => o.order));
    for (const page of pages) {
      expect(page.LastUpdatedBefore).toBeUndefined();
      expect(Date.parse(page.CreatedBefore!)).toBeGreaterThanOrEqual(Math.floor(before / 1000) * 1000);
    }
    expect(new Set(pages.map((p) => p.CreatedBefore)).size).toBe(1);
  });

  it('pages by LastUpdatedAfter in LastUpdateDate order to the same orders', async () => {
    const { orders, pages } = await pageOrders(em, { LastUpdatedAfter: iso(fromMs) }, 23);
    expect(pages[0]!.LastUpdatedBefore).toBeDefined();
    const expected = truth.orders.map((o) => o.order as { AmazonOrderId: string; LastUpdateDate: string });
    expected.sort((a, b) => Date.parse(a.LastUpdateDate) - Date.parse(b.LastUpdateDate) || a.AmazonOrderId.localeCompare(b.AmazonOrderId));
    expect(orders.map((o) => o.AmazonOrderId)).toEqual(expected.map((o) => o.AmazonOrderId));
  });

  it('filters by a CreatedAfter/CreatedBefore window and by OrderStatuses, bounds inclusive', async () => {
    const mid = truth.orders[Math.floor(truth.orders.length / 2)]!.order as { PurchaseDate: string };
    const last = truth.orders[truth.orders.length - 5]!.order as { PurchaseDate: string };
    const window = await pageOrders(em, { CreatedAfter: mid.PurchaseDate, CreatedBefore: last.PurchaseDate }, 100);
    const inWindow = truth.orders.map((o) => o.order as { PurchaseDate: string; AmazonOrderId: string }).filter((o) => o.PurchaseDate >= mid.PurchaseDate && o.PurchaseDate <= last.PurchaseDate);
    expect(window.orders.map((o) => o.AmazonOrderId)).toEqual(inWindow.map((o) => o.AmazonOrderId));
    expect(window.pages[0]!.CreatedBefore).toBe(last.PurchaseDate);
    const open = await pageOrders(em, { CreatedAfter: iso(fromMs), OrderStatuses: 'Unshipped,PartiallyShipped' }, 100);
    expect(open.orders.map((o) => o.AmazonOrderId)).toEqual(truth.orders.filter((o) => ['Unshipped', 'PartiallyShipped'].includes(o.order.OrderStatus as string)).map((o) => o.order.AmazonOrderId));
  });
});

describe('Amazon SP-API emulator orders', () => {
  it('shows every order status, OrderTotal only once paid, and the buyer and address only where the API gives them', () => {
    const byStatus = (s: string) => truth.orders.filter((o) => o.order.OrderStatus === s);
    for (const status of ORDER_STATUSES) expect(byStatus(status).length, status).toBeGreaterThan(0);
    for (const { order, buyer_email } of truth.orders) {
      expect(order.AmazonOrderId).toMatch(/^\d{3}-\d{7}-\d{7}$/);
      expect(order.PurchaseDate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
      expect(buyer_email).toMatch(/^[a-z0-9]{15}@marketplace\.amazon\.com$/);
      const status = order.OrderStatus as string;
      expect('OrderTotal' in order, status).toBe(!['Pending', 'PendingAvailability', 'Canceled', 'Unfulfillable'].includes(status));
      expect('ShippingAddress' in order, status).toBe(['Unshipped', 'PartiallyShipped', 'Shipped', 'InvoiceUnconfirmed'].includes(status));
      expect(order.BuyerInfo, status).toEqual(['Pending', 'Canceled', 'Unfulfillable'].includes(status) ? {} : { BuyerEmail: buyer_email });
    }
    const shipped = byStatus('Shipped')[0]!.order as { OrderTotal: { CurrencyCode: string; Amount: string } };
    expect(shipped.OrderTotal.CurrencyCode).toBe('USD');
    expect(shipped.OrderTotal.Amount).toMatch(/^\d+\.\d{2}$/);
  });

  it('serves each order\'s items as the ground truth has them, without prices while payment is pending', async () => {
    for (const { order, items } of truth.orders) {
      const answer = await spGet<{ payload: { AmazonOrderId: string; OrderItems: Record<string, unknown>[] } }>(em, `/orders/v0/orders/${order.AmazonOrderId}/orderItems`);
      expect(answer.status).toBe(200);
      expect(answer.headers.get('x-amzn-ratelimit-limit')).toBe('50000.0');
      expect(answer.body.payload).toEqual({ AmazonOrderId: order.AmazonOrderId, OrderItems: items });
    }
    const pending = truth.orders.find((o) => o.order.OrderStatus === 'Pending')!;
    expect(pending.items[0]!.ItemPrice).toBeUndefined();
    const shipped = truth.orders.find((o) => o.order.OrderStatus === 'Shipped')!;
    expect(shipped.items[0]!.ItemPrice).toMatchObject({ CurrencyCode: 'USD' });
  });

  it('answers 404 for an order the seller does not have and 400 for a malformed order id', async () => {
    const missing = await spGet<ErrorList>(em, '/orders/v0/orders/999-0000000-0000000/orderItems');
    expect(missing.status).toBe(404);
    expect(missing.body.errors[0]!.code).toBe('NotFound');
    expect(missing.headers.get('x-amzn-ratelimit-limit')).toBe('50000.0');
    expect((await spGet(em, '/orders/v0/orders/not-an-order/orderItems')).status).toBe(400);
  });
});

describe('Amazon SP-API emulator malformed records', () => {
  const setMalformed = (body: { ids: string[]; path?: string }) =>
    fetch(`${em.url}/_emulator/malformed`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  type ItemsPayload = { payload: { AmazonOrderId: string; OrderItems: unknown[] } };

  it('serves the order or order line a test names by AmazonOrderId or OrderItemId as a bare string, on the path asked for only', async () => {
    const [first, ...rest] = truth.orders.slice(0, 20);
    const firstPage = () => spGet<OrdersPayload>(em, ordersPath(em, { CreatedAfter: iso(fromMs), MaxResultsPerPage: '20' }));
    try {
      expect((await setMalformed({ ids: [first!.order.AmazonOrderId as string], path: '/orders/v0/orders' })).status).toBe(200);
      expect((await firstPage()).body.payload.Orders).toEqual(['malformed record', ...rest.map((o) => o.order)]);
      // The order's own lines answer on another path, whole.
      const lines = await spGet<ItemsPayload>(em, `/orders/v0/orders/${first!.order.AmazonOrderId as string}/orderItems`);
      expect(lines.body.payload).toEqual({ AmazonOrderId: first!.order.AmazonOrderId, OrderItems: first!.items });

      const [line, ...otherLines] = first!.items;
      await setMalformed({ ids: [line!.OrderItemId as string] });
      const broken = await spGet<ItemsPayload>(em, `/orders/v0/orders/${first!.order.AmazonOrderId as string}/orderItems`);
      expect(broken.body.payload).toEqual({ AmazonOrderId: first!.order.AmazonOrderId, OrderItems: ['malformed record', ...otherLines] });
    } finally {
      await setMalformed({ ids: [] });
    }
    expect((await firstPage()).body.payload.Orders).toEqual([first!.order, ...rest.map((o) => o.order)]);
  });
});

describe('Amazon SP-API emulator mutations', () => {
  it('moves LastUpdateDate to now on update_order_status, so a LastUpdatedAfter query from just before finds the order', async () => {
    const target = truth.orders.find((o) => o.order.OrderStatus === 'Unshipped')!;
    const id = target.order.AmazonOrderId as string;
    const sinceMs = Math.floor(Date.now() / 1000) * 1000 - 2000;
    const mutated = await spMutate<{ OrderStatus: string; LastUpdateDate: string }>(em, { action: 'update_order_status', orderId: id, status: 'Shipped' });
    expect(mutated.status).toBe(200);
    expect(mutated.body.OrderStatus).toBe('Shipped');
    expect(Date.parse(mutated.body.LastUpdateDate)).toBeGreaterThanOrEqual(sinceMs);

    const { orders } = await pageOrders(em, { LastUpdatedAfter: iso(sinceMs) }, 100);
    const after = em.truth();
    const expected = after.orders.filter((o) => Date.parse(o.order.LastUpdateDate as string) >= sinceMs).map((o) => o.order.AmazonOrderId);
    expect(orders.map((o) => o.AmazonOrderId)).toEqual(expected);
    const served = orders.find((o) => o.AmazonOrderId === id)!;
    expect(served).toEqual(after.orders.find((o) => o.order.AmazonOrderId === id)!.order);
    expect(served.OrderStatus).toBe('Shipped');
    expect(served.NumberOfItemsUnshipped).toBe(0);
    expect(after.counts.by_status.Shipped).toBe(truth.counts.by_status.Shipped + 1);
  });

  it('rejects a mutation of an unknown order or with an invalid status', async () => {
    expect((await spMutate(em, { action: 'update_order_status', orderId: '999-0000000-0000000', status: 'Shipped' })).status).toBe(404);
    expect((await spMutate(em, { action: 'update_order_status', orderId: truth.orders[0]!.order.AmazonOrderId, status: 'Lost' })).status).toBe(400);
  });
});
