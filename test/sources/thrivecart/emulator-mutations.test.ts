import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startThriveCartEmulator, type TcCustomerView, type TcTransaction, type ThriveCartEmulator } from '../../../emulators/thrivecart';

const KEY = 'tc_mutations_key';

let em: ThriveCartEmulator;
let everything: TcTransaction[];

async function api<T>(path: string, form?: Record<string, string>): Promise<T> {
  const response = await fetch(`${em.apiBaseUrl}${path}`, {
    method: form ? 'POST' : 'GET',
    headers: { authorization: `Bearer ${KEY}`, ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
    body: form ? new URLSearchParams(form).toString() : undefined,
  });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function mutate(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

const newest = async (): Promise<TcTransaction> => (await api<{ transactions: TcTransaction[] }>('/transactions?perPage=1')).transactions[0]!;

beforeAll(async () => {
  em = await startThriveCartEmulator({ port: 0, seed: 13, scale: 0.05, apiKeys: [KEY], rateLimitPerMinute: 0 });
  everything = (await api<{ transactions: TcTransaction[] }>('/transactions?perPage=100&page=1')).transactions;
  for (let page = 2; everything.length === (page - 1) * 100; page++) everything.push(...(await api<{ transactions: TcTransaction[] }>(`/transactions?perPage=100&page=${page}`)).transactions);
});

afterAll(async () => {
  await em?.close();
});

describe('ThriveCart emulator changes made after a sync', () => {
  it('refunds a charge now: a refund event heads the listing and the customer\'s purchase and lifetime value show it', async () => {
    const refunded = new Set(everything.filter((t) => t.transaction_type === 'refund').map((t) => `${t.invoice_id}/${t.reference}`));
    const charge = everything.find((t) => t.transaction_type === 'charge' && t.subscription_id === null && t.amount > 100 && !refunded.has(`${t.invoice_id}/${t.reference}`))!;
    const before = em.truth();
    const view = (): Promise<TcCustomerView> => api<TcCustomerView>('/customer', { email: charge.customer.email });
    const valueBefore = (await view()).lifetime_value[charge.currency]!;
    const startedS = Math.floor(Date.now() / 1000);

    const part = await mutate({ action: 'refund_transaction', event_id: charge.event_id, amount: 100 });
    expect(part.status).toBe(200);
    expect(part.body).toMatchObject({ transaction_type: 'refund', amount: 100, amount_str: '1.00', order_id: charge.order_id, invoice_id: charge.invoice_id, reference: charge.reference, customer: charge.customer });
    expect(part.body.timestamp as number).toBeGreaterThanOrEqual(startedS);
    expect(part.body.event_id).toBe(String(Math.max(...everything.map((t) => Number(t.event_id))) + 1));
    expect(await newest()).toEqual(part.body);
    expect((await view()).purchases.find((p) => p.invoice_id === charge.invoice_id && p.reference === charge.reference)).toMatchObject({ status: 'partially_refunded', net_amount: charge.amount - 100 });

    const rest = await mutate({ action: 'refund_transaction', event_id: charge.event_id });
    expect(rest.body).toMatchObject({ transaction_type: 'refund', amount: charge.amount - 100, event_id: String(Number(part.body.event_id) + 1) });
    expect(await newest()).toEqual(rest.body);
    const after = await view();
    expect(after.purchases.find((p) => p.invoice_id === charge.invoice_id && p.reference === charge.reference)).toMatchObject({ status: 'refunded', net_amount: 0 });
    expect(after.lifetime_value[charge.currency]).toBe(valueBefore - charge.amount);

    const truth = em.truth().streams.transactions;
    const currency = charge.currency.toLowerCase();
    expect(truth.count).toBe(before.streams.transactions.count + 2);
    expect(truth.count_by_type.refund).toBe(before.streams.transactions.count_by_type.refund + 2);
    expect(truth.net_amount_sum_by_currency[currency]).toBe(before.streams.transactions.net_amount_sum_by_currency[currency]! - charge.amount);
    expect((await mutate({ action: 'refund_transaction', event_id: charge.event_id })).status).toBe(400);
  });

  it('cancels an active subscription now with a cancel event, and every event of it shows the subscription cancelled', async () => {
    const active = everything.find((t) => t.subscription_current_status === 'active' && t.transaction_type === 'charge')!;
    const answer = await mutate({ action: 'cancel_subscription', subscription_id: active.subscription_id });
    expect(answer.status).toBe(200);
    expect(answer.body).toMatchObject({ transaction_type: 'cancel', amount: 0, subscription_id: active.subscription_id, subscription_current_status: 'cancelled', invoice_id: active.invoice_id });
    expect(await newest()).toEqual(answer.body);
    const listed = (await api<{ transactions: TcTransaction[] }>(`/transactions?perPage=100&query=${active.order_id}`)).transactions.filter((t) => t.subscription_id === active.subscription_id);
    expect(listed.every((t) => t.subscription_current_status === 'cancelled')).toBe(true);
    const subscription = (await api<TcCustomerView>('/customer', { email: active.customer.email })).subscriptions.find((s) => s.subscription_id === active.subscription_id)!;
    expect(subscription).toMatchObject({ status: 'cancelled', next_payment: null });
    expect(subscription.events.at(-1)).toMatchObject({ event_id: answer.body.event_id, event_type: 'cancel' });
    expect((await mutate({ action: 'cancel_subscription', subscription_id: active.subscription_id })).status).toBe(400);
  });

  it('answers 400 invalid_request for a body it cannot use and 404 not_found for an unknown id', async () => {
    for (const body of [{}, { action: 'refund' }, { action: 'refund_transaction' }, { action: 'refund_transaction', event_id: '1', amount: -5 }, { action: 'cancel_subscription', subscription_id: 'x', extra: 1 }]) {
      const answer = await mutate(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body, JSON.stringify(body)).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/^Invalid mutation: /) });
    }
    expect(await mutate({ action: 'refund_transaction', event_id: '42' })).toEqual({ status: 404, body: { error: 'not_found', error_description: 'There is no transaction with event_id 42.' } });
    expect((await mutate({ action: 'cancel_subscription', subscription_id: 99_999 })).status).toBe(404);
    const refund = everything.find((t) => t.transaction_type === 'refund')!;
    expect((await mutate({ action: 'refund_transaction', event_id: refund.event_id })).body.error).toBe('invalid_request');
  });
});
