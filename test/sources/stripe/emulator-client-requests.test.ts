import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { get, listAll, TEST_KEY, type StripeList, type StripeObject } from './emulator-http';

// What a real client of Stripe sends besides plain lists: the documented expansions, the event type
// filters, the Connect header and endpoint, and what it reads from a refusal.

let emulator: StripeEmulator;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 5, scale: 0.05, apiKeys: [TEST_KEY], rateLimitPerSecond: 0, apiVersion: '2025-02-24.acacia' });
});

afterAll(async () => {
  await emulator?.close();
});

async function getWith<T>(path: string, headers: Record<string, string>): Promise<{ status: number; headers: Headers; body: T }> {
  const response = await fetch(`${emulator.url}${path}`, { headers: { authorization: `Bearer ${TEST_KEY}`, ...headers } });
  return { status: response.status, headers: response.headers, body: (await response.json()) as T };
}

async function mutate(body: object): Promise<{ events: StripeObject[] }> {
  const response = await fetch(`${emulator.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, JSON.stringify(body)).toBe(200);
  return (await response.json()) as { events: StripeObject[] };
}

describe('documented expansions', () => {
  it("expands an invoice's tax amounts in the version that has them, and its taxes in the pinned one", async () => {
    const older = await getWith<StripeList>('/v1/invoices?limit=5&expand[]=data.total_tax_amounts.tax_rate', { 'stripe-version': '2025-02-24.acacia' });
    expect(older.status).toBe(200);
    expect(older.body.data).toHaveLength(5);
    const pinned = await getWith<StripeList>('/v1/invoices?limit=5&expand[]=data.total_taxes.tax_rate_details.tax_rate', { 'stripe-version': '2026-07-29.dahlia' });
    expect(pinned.status).toBe(200);
  });

  it("expands a customer's sources, tax ids and current subscriptions, which a customer leaves out unless asked", async () => {
    const subscriptions = await listAll(emulator.url, 'subscriptions', '&status=all');
    const customerId = subscriptions.find((s) => s.status !== 'canceled')!.customer as string;
    const { status, body } = await get<StripeObject>(emulator.url, `/v1/customers/${customerId}?expand[]=sources&expand[]=tax_ids&expand[]=subscriptions`);
    expect(status).toBe(200);
    expect(body.sources).toEqual({ object: 'list', data: [], has_more: false, url: `/v1/customers/${customerId}/sources` });
    expect((body.tax_ids as StripeList).data).toEqual([]);
    const current = subscriptions.filter((s) => s.customer === customerId && s.status !== 'canceled').map((s) => s.id).sort();
    expect((body.subscriptions as StripeList).data.map((s) => s.id).sort()).toEqual(current);
    const plain = await get<StripeObject>(emulator.url, `/v1/customers/${customerId}`);
    expect(plain.body).not.toHaveProperty('sources');
    const listed = await get<StripeList>(emulator.url, '/v1/customers?limit=3&expand[]=data.sources');
    expect(listed.status).toBe(200);
    expect(listed.body.data.every((c) => (c.sources as StripeList).object === 'list')).toBe(true);
  });

  it("expands a charge's payment intent into the intent whose latest charge is its newest attempt", async () => {
    const { status, body } = await get<StripeList>(emulator.url, '/v1/charges?limit=50&expand[]=data.payment_intent');
    expect(status).toBe(200);
    // Charges list newest first: the first charge listed for an intent is its latest.
    const latest = new Map<string, string>();
    for (const charge of await listAll(emulator.url, 'charges')) if (!latest.has(charge.payment_intent as string)) latest.set(charge.payment_intent as string, charge.id);
    const plain = await get<StripeList>(emulator.url, '/v1/charges?limit=50');
    body.data.forEach((charge, n) => {
      const id = plain.body.data[n]!.payment_intent as string;
      expect(charge.payment_intent).toMatchObject({ object: 'payment_intent', id, latest_charge: latest.get(id), currency: charge.currency });
    });
  });
});

describe('events', () => {
  it('filters by types[], by a type with a wildcard, and refuses type and types together', async () => {
    const [charge] = (await get<StripeList>(emulator.url, '/v1/charges?limit=100')).body.data.filter((c) => c.status === 'succeeded' && c.amount_refunded === 0);
    const [customer] = (await get<StripeList>(emulator.url, '/v1/customers?limit=1')).body.data;
    await mutate({ action: 'refund_charge', id: charge!.id });
    await mutate({ action: 'update_customer', id: customer!.id, name: 'Renamed Person' });
    // The account's last 30 days left events of many types; the two changes add theirs, newest.
    const all = await listAll(emulator.url, 'events');
    const anchorS = Date.parse(emulator.truth().anchor) / 1000;
    expect(all.filter((e) => Number(e.created) >= anchorS).map((e) => e.type).sort()).toEqual(['charge.refunded', 'customer.updated', 'refund.created']);
    const idsOf = (types: (type: string) => boolean) => all.filter((e) => types(String(e.type))).map((e) => e.id);
    expect(new Set(all.map((e) => e.type)).size).toBeGreaterThan(3);

    const typed = await listAll(emulator.url, 'events', '&types[]=refund.created&types[]=customer.updated');
    expect(typed.map((e) => e.id)).toEqual(idsOf((t) => ['refund.created', 'customer.updated'].includes(t)));
    const indexed = await listAll(emulator.url, 'events', '&types[0]=customer.updated');
    expect(indexed.map((e) => e.id)).toEqual(idsOf((t) => t === 'customer.updated'));
    const wildcard = await listAll(emulator.url, 'events', '&type=charge.*');
    expect(wildcard.map((e) => e.id)).toEqual(idsOf((t) => t.startsWith('charge.')));
    expect(new Set(wildcard.map((e) => e.type)).size).toBeGreaterThan(1);
    const both = await get<{ error: { param: string } }>(emulator.url, '/v1/events?type=charge.refunded&types[]=refund.created');
    expect(both.status).toBe(400);
    const tooMany = Array.from({ length: 21 }, (_, i) => `types[]=t${i}`).join('&');
    expect((await get(emulator.url, `/v1/events?${tooMany}`)).status).toBe(400);
  });
});

describe('refunds made at the source', () => {
  it('refund_charge creates the Refund, lists it, and records refund.created and charge.refunded', async () => {
    const charges = (await get<StripeList>(emulator.url, '/v1/charges?limit=100')).body.data;
    const charge = charges.filter((c) => c.status === 'succeeded' && c.amount_refunded === 0).at(-1)!;
    const amount = Math.floor((charge.amount as number) / 4);
    const { events } = await mutate({ action: 'refund_charge', id: charge.id, amount });
    expect(events.map((e) => e.type)).toEqual(['charge.refunded', 'refund.created']);

    const refunds = await listAll(emulator.url, 'refunds', `&charge=${charge.id}`);
    expect(refunds).toHaveLength(1);
    const refund = refunds[0]!;
    expect(refund).toMatchObject({ object: 'refund', amount, charge: charge.id, currency: charge.currency, status: 'succeeded', payment_intent: charge.payment_intent });
    const retrieved = await get<StripeObject>(emulator.url, `/v1/refunds/${refund.id}`);
    expect(retrieved.body).toEqual(refund);
    // Created now, it lists among the newest, after the generated history.
    expect((await get<StripeList>(emulator.url, '/v1/refunds?limit=2')).body.data.map((r) => r.id)).toContain(refund.id);

    const created = events.find((e) => e.type === 'refund.created')!;
    expect((created.data as { object: StripeObject }).object).toEqual(refund);
    const refunded = (events.find((e) => e.type === 'charge.refunded')!.data as { object: StripeObject; previous_attributes: object }).object;
    expect(refunded).toMatchObject({ id: charge.id, amount_refunded: amount, refunded: false });
    const after = await get<StripeObject>(emulator.url, `/v1/charges/${charge.id}`);
    expect(after.body).toMatchObject({ amount_refunded: amount, refunded: false });
    expect((after.body.refunds as StripeList).data.map((r) => r.id)).toEqual([refund.id]);
    // Events carry the account's default version.
    expect(events.every((e) => e.api_version === '2025-02-24.acacia')).toBe(true);
  });
});

describe('Connect and authentication', () => {
  it('serves /v1/accounts as an empty list: the account is no Connect platform', async () => {
    const { status, body } = await get(emulator.url, '/v1/accounts?limit=10');
    expect(status).toBe(200);
    expect(body).toEqual({ object: 'list', data: [], has_more: false, url: '/v1/accounts' });
  });

  it('answers for the account itself in Stripe-Account, and refuses any other account', async () => {
    const [invoice] = (await get<StripeList>(emulator.url, '/v1/invoices?limit=1')).body.data;
    const accountId = /\/(acct_[A-Za-z0-9]+)\//.exec(invoice!.hosted_invoice_url as string)![1]!;
    expect((await getWith('/v1/customers?limit=1', { 'stripe-account': accountId })).status).toBe(200);
    const other = await getWith<{ error: { type: string; message: string } }>('/v1/customers?limit=1', { 'stripe-account': 'acct_1OtherAccount0000' });
    expect(other.status).toBe(403);
    expect(other.body.error.type).toBe('invalid_request_error');
    expect(other.body.error.message).toMatch(/^Only Stripe Connect platforms can work with other accounts/);
  });

  it('sends WWW-Authenticate with every 401', async () => {
    const missing = await fetch(`${emulator.url}/v1/charges`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('www-authenticate')).toBe('Basic realm="Stripe"');
    const wrong = await get(emulator.url, '/v1/charges', 'sk_test_not_a_key_0000');
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get('www-authenticate')).toBe('Bearer realm="Stripe"');
    expect((await get(emulator.url, '/v1/charges?limit=1')).headers.get('www-authenticate')).toBeNull();
  });
});
