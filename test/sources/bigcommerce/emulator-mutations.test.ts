import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startBigCommerceEmulator, type BcCustomer, type BcOrder, type BcOrderProduct, type BigCommerceEmulator } from '../../../emulators/bigcommerce';

const TOKEN = 'bc_mutations_token';

let em: BigCommerceEmulator;

beforeAll(async () => {
  em = await startBigCommerceEmulator({ port: 0, seed: 17, scale: 0.05, accessTokens: [TOKEN], rateLimitQuota: 0 });
});

afterAll(async () => {
  await em?.close();
});

async function api<T>(path: string): Promise<T> {
  const response = await fetch(`${em.apiBaseUrl}${path}`, { headers: { 'x-auth-token': TOKEN, accept: 'application/json' } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function mutate(body: unknown): Promise<{ status: number; body: unknown }> {
  const response = await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: await response.json() };
}

const cents = (decimal: string): number => Math.round(Number(decimal) * 100);
/** The ISO instant a second before now, for the `*_modified` filters an incremental sync sends. */
const aSecondAgo = (): string => new Date(Math.floor(Date.now() / 1000) * 1000 - 1000).toISOString();

describe('BigCommerce emulator changes made after a sync', () => {
  it('refunds an order now, in part and then in full: status, refunded amount, lines and date_modified move', async () => {
    const orders = await api<BcOrder[]>('/v2/orders?status_id=10&limit=250');
    const order = orders.find((o) => cents(o.total_inc_tax) > 500)!;
    const before = em.truth().streams.orders;
    const since = aSecondAgo();

    const part = await mutate({ action: 'refund_order', id: order.id, amount_minor: 500 });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ id: order.id, status_id: 14, status: 'Partially Refunded', payment_status: 'partially refunded', refunded_amount: '5.0000' });
    const full = await mutate({ action: 'refund_order', id: order.id });
    expect(full.body).toMatchObject({ id: order.id, status_id: 4, status: 'Refunded', custom_status: 'Refunded', payment_status: 'refunded', refunded_amount: order.total_inc_tax });
    const modified = (full.body as BcOrder).date_modified;
    expect(Date.parse(modified)).toBeGreaterThanOrEqual(Date.parse(since));
    expect(modified).toMatch(/^\w{3}, \d{2} \w{3} \d{4} \d{2}:\d{2}:\d{2} \+0000$/);

    expect((await api<BcOrder[]>(`/v2/orders?min_date_modified=${since}&limit=250`)).map((o) => o.id)).toEqual([order.id]);
    expect((await api<BcOrder>(`/v2/orders/${order.id}`)).refunded_amount).toBe(order.total_inc_tax);
    const lines = await api<BcOrderProduct[]>(`/v2/orders/${order.id}/products`);
    expect(lines.every((l) => l.is_refunded && l.quantity_refunded === l.quantity && cents(l.refund_amount) > 0)).toBe(true);

    const after = em.truth().streams.orders;
    const currency = order.currency_code.toLowerCase();
    expect(after.refunded_count).toBe(before.refunded_count + 1);
    expect(after.count_by_status_id['10']).toBe(before.count_by_status_id['10']! - 1);
    expect(after.refunded_amount_sum_by_currency[currency]).toBe(before.refunded_amount_sum_by_currency[currency]! + cents(order.total_inc_tax));
    expect(await mutate({ action: 'refund_order', id: order.id })).toEqual({ status: 400, body: [{ status: 400, message: `Order ${order.id} is Refunded and has no payment to refund.` }] });
  });

  it('updates a customer\'s email now, so date_modified:min finds it', async () => {
    const { data } = await api<{ data: BcCustomer[] }>('/v3/customers?limit=1');
    const since = aSecondAgo();
    const answer = await mutate({ action: 'update_customer', id: data[0]!.id, email: 'Moved.Shopper@Example.com' });
    expect(answer.status).toBe(200);
    const customer = (answer.body as { data: BcCustomer[] }).data[0]!;
    expect(customer).toMatchObject({ id: data[0]!.id, email: 'Moved.Shopper@Example.com', date_created: data[0]!.date_created });
    expect(customer.date_modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    expect((await api<{ data: BcCustomer[] }>(`/v3/customers?date_modified:min=${since}`)).data).toEqual([customer]);
  });

  it('answers 400 for a body it cannot use and 404 for an unknown id, in v2 shape for orders and v3 shape for customers', async () => {
    for (const body of [{}, { action: 'ship_order', id: 1 }, { action: 'refund_order' }, { action: 'refund_order', id: 100, amount_minor: 0 }, { action: 'update_customer', id: 1 }]) {
      const answer = await mutate(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body, JSON.stringify(body)).toMatchObject({ status: 400, title: expect.stringMatching(/^Invalid mutation: /) });
    }
    expect(await mutate({ action: 'refund_order', id: 1 })).toEqual({ status: 404, body: [{ status: 404, message: 'The requested resource was not found.' }] });
    expect(await mutate({ action: 'update_customer', id: 999_999, email: 'x@example.com' })).toEqual({
      status: 404,
      body: { status: 404, title: 'The requested resource was not found.', type: expect.any(String), errors: {} },
    });
    const incomplete = await api<BcOrder[]>('/v2/orders?status_id=0&limit=1');
    expect((await mutate({ action: 'refund_order', id: incomplete[0]!.id })).status).toBe(400);
  });
});
