import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator, type StripeGroundTruth } from '../../../emulators/stripe';
import { get, isNewestFirst, listAll, LIVE_KEY, TEST_KEY, type StripeList, type StripeObject } from './emulator-http';

const RESOURCES = ['customers', 'charges', 'invoices', 'subscriptions', 'refunds', 'coupons', 'promotion_codes', 'products', 'prices'] as const;

let emulator: StripeEmulator;
let truth: StripeGroundTruth;
const everything = new Map<string, StripeObject[]>();

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 7, scale: 0.1, apiKeys: [TEST_KEY, LIVE_KEY], rateLimitPerSecond: 0 });
  truth = emulator.truth();
  for (const r of RESOURCES) everything.set(r, await listAll(emulator.url, r, r === 'subscriptions' ? '&status=all' : ''));
});

afterAll(async () => {
  await emulator?.close();
});

const all = (resource: string): StripeObject[] => everything.get(resource)!;

describe('Stripe emulator lists', () => {
  it('pages through every list with limit 100 and starting_after, returning exactly the ground-truth counts without duplicates', () => {
    for (const r of RESOURCES) {
      const items = all(r);
      expect(items.length, r).toBe(truth.streams[r].count);
      expect(new Set(items.map((o) => o.id)).size, r).toBe(items.length);
    }
    expect(truth.streams.customers.count).toBeGreaterThan(150);
    expect(truth.streams.charges.count).toBeGreaterThan(300);
  });

  it('returns lists newest first, ties broken by id descending', () => {
    for (const r of RESOURCES) expect(isNewestFirst(all(r)), r).toBe(true);
  });

  it('wraps lists in the Stripe envelope with the default limit of 10', async () => {
    const { status, body } = await get<StripeList>(emulator.url, '/v1/charges');
    expect(status).toBe(200);
    expect(Object.keys(body).sort()).toEqual(['data', 'has_more', 'object', 'url']);
    expect(body).toMatchObject({ object: 'list', url: '/v1/charges', has_more: true });
    expect(body.data.map((c) => c.id)).toEqual(all('charges').slice(0, 10).map((c) => c.id));
  });

  it('walks back with ending_before to the same pages it walked forward', async () => {
    const charges = all('charges');
    const { body: page } = await get<StripeList>(emulator.url, `/v1/charges?limit=25&ending_before=${charges[60]!.id}`);
    expect(page.data.map((c) => c.id)).toEqual(charges.slice(35, 60).map((c) => c.id));
    expect(page.has_more).toBe(true);
    const { body: first } = await get<StripeList>(emulator.url, `/v1/charges?limit=25&ending_before=${charges[10]!.id}`);
    expect(first.data.map((c) => c.id)).toEqual(charges.slice(0, 10).map((c) => c.id));
    expect(first.has_more).toBe(false);
  });

  it('filters by created with gte, lt and an exact value, as Stripe clients encode them', async () => {
    const charges = all('charges');
    const from = charges[Math.floor(charges.length * 0.7)]!.created;
    const to = charges[Math.floor(charges.length * 0.2)]!.created;
    const inRange = await listAll(emulator.url, 'charges', `&created%5Bgte%5D=${from}&created%5Blt%5D=${to}`);
    expect(inRange.map((c) => c.id)).toEqual(charges.filter((c) => c.created >= from && c.created < to).map((c) => c.id));
    expect(inRange.length).toBeGreaterThan(0);
    const gt = await listAll(emulator.url, 'charges', `&created[gt]=${to}`);
    expect(gt.map((c) => c.id)).toEqual(charges.filter((c) => c.created > to).map((c) => c.id));
    const lte = await listAll(emulator.url, 'charges', `&created[lte]=${from}`);
    expect(lte.map((c) => c.id)).toEqual(charges.filter((c) => c.created <= from).map((c) => c.id));
    const exact = await listAll(emulator.url, 'charges', `&created=${from}`);
    expect(exact.map((c) => c.id)).toEqual(charges.filter((c) => c.created === from).map((c) => c.id));
  });

  it('pages within a created range consistently with the cursor order', async () => {
    const charges = all('charges');
    const from = charges[charges.length - 1]!.created;
    const paged: string[] = [];
    let cursor = '';
    for (;;) {
      const { body } = await get<StripeList>(emulator.url, `/v1/charges?limit=7&created[gte]=${from}${cursor}`);
      paged.push(...body.data.map((c) => c.id));
      if (!body.has_more) break;
      cursor = `&starting_after=${body.data.at(-1)!.id}`;
    }
    expect(paged).toEqual(charges.map((c) => c.id));
  });

  it('leaves canceled subscriptions out unless a status asks for them, exactly like Stripe', async () => {
    const subs = all('subscriptions');
    const byDefault = await listAll(emulator.url, 'subscriptions');
    expect(byDefault.length).toBe(truth.streams.subscriptions.listed_without_status_filter);
    expect(byDefault.some((s) => s.status === 'canceled')).toBe(false);
    expect(subs.length).toBe(truth.streams.subscriptions.count);
    const canceled = await listAll(emulator.url, 'subscriptions', '&status=canceled');
    expect(canceled.length).toBe(truth.streams.subscriptions.by_status.canceled);
    expect(canceled.length).toBeGreaterThan(0);
    const ended = await listAll(emulator.url, 'subscriptions', '&status=ended');
    expect(ended.every((s) => s.status === 'canceled' || s.status === 'incomplete_expired')).toBe(true);
    expect(ended.length).toBe((truth.streams.subscriptions.by_status.canceled ?? 0) + (truth.streams.subscriptions.by_status.incomplete_expired ?? 0));
  });

  it('filters charges by customer, invoices by status and customer, refunds by charge', async () => {
    const charge = all('charges').find((c) => c.status === 'succeeded' && (c.amount_refunded as number) > 0)!;
    const byCustomer = await listAll(emulator.url, 'charges', `&customer=${charge.customer as string}`);
    expect(byCustomer.map((c) => c.id)).toEqual(all('charges').filter((c) => c.customer === charge.customer).map((c) => c.id));
    const refunds = await listAll(emulator.url, 'refunds', `&charge=${charge.id}`);
    expect(refunds.reduce((s, r) => s + (r.amount as number), 0)).toBe(charge.amount_refunded);
    const open = await listAll(emulator.url, 'invoices', '&status=open');
    expect(open.length).toBe(truth.streams.invoices.by_status.open);
    const invoice = all('invoices')[0]!;
    const invoicesOfCustomer = await listAll(emulator.url, 'invoices', `&customer=${invoice.customer as string}&status=${invoice.status as string}`);
    expect(invoicesOfCustomer.map((i) => i.id)).toEqual(all('invoices').filter((i) => i.customer === invoice.customer && i.status === invoice.status).map((i) => i.id));
  });

  it('filters promotion codes by code (case-insensitively), coupon and active', async () => {
    const promo = all('promotion_codes')[0]!;
    const byCode = await listAll(emulator.url, 'promotion_codes', `&code=${(promo.code as string).toLowerCase()}`);
    expect(byCode.map((p) => p.id)).toEqual([promo.id]);
    const coupon = (promo.promotion as { coupon: string }).coupon;
    const byCoupon = await listAll(emulator.url, 'promotion_codes', `&coupon=${coupon}`);
    expect(byCoupon.every((p) => (p.promotion as { coupon: string }).coupon === coupon)).toBe(true);
    const inactive = await listAll(emulator.url, 'promotion_codes', '&active=false');
    expect(inactive.map((p) => p.id)).toEqual(all('promotion_codes').filter((p) => p.active === false).map((p) => p.id));
  });

  it('retrieves single objects by id and answers 404 resource_missing for unknown ids', async () => {
    for (const r of RESOURCES) {
      const first = all(r)[0]!;
      const { status, body } = await get<StripeObject>(emulator.url, `/v1/${r}/${first.id}`);
      expect(status, r).toBe(200);
      expect(body).toEqual(first);
    }
    const { status, body } = await get(emulator.url, '/v1/customers/cus_doesnotexist00');
    expect(status).toBe(404);
    expect(body).toEqual({ error: expect.objectContaining({ type: 'invalid_request_error', code: 'resource_missing', param: 'id', message: "No such customer: 'cus_doesnotexist00'" }) });
  });

  it('expands ids into objects when asked with expand[]', async () => {
    const { body } = await get<StripeList>(emulator.url, '/v1/invoices?limit=3&expand[]=data.customer&expand[]=data.parent.subscription_details.subscription');
    for (const invoice of body.data) {
      expect((invoice.customer as StripeObject).object).toBe('customer');
      expect((invoice.parent as { subscription_details: { subscription: StripeObject } }).subscription_details.subscription.object).toBe('subscription');
    }
    const { status } = await get(emulator.url, '/v1/invoices?expand[]=customer');
    expect(status).toBe(400);
  });
});

describe('Stripe emulator validation and auth', () => {
  it('answers 400 invalid_request_error naming limit for 101, 0 and non-integers', async () => {
    for (const limit of ['101', '0', 'abc', '2.5']) {
      const { status, body } = await get<{ error: Record<string, string> }>(emulator.url, `/v1/charges?limit=${limit}`);
      expect(status, limit).toBe(400);
      expect(body.error).toMatchObject({ type: 'invalid_request_error', param: 'limit' });
      expect(body.error.message).toMatch(/100|1|Invalid integer/);
    }
  });

  it('answers 400 for an unknown cursor, for both cursors at once and for unknown parameters', async () => {
    const unknown = await get<{ error: Record<string, string> }>(emulator.url, '/v1/charges?starting_after=ch_nope');
    expect(unknown.status).toBe(400);
    expect(unknown.body.error).toMatchObject({ type: 'invalid_request_error', param: 'starting_after', code: 'resource_missing' });
    const before = await get<{ error: Record<string, string> }>(emulator.url, '/v1/charges?ending_before=ch_nope');
    expect(before.body.error.param).toBe('ending_before');
    const id = all('charges')[3]!.id;
    const both = await get<{ error: Record<string, string> }>(emulator.url, `/v1/charges?starting_after=${id}&ending_before=${id}`);
    expect(both.status).toBe(400);
    expect(both.body.error.type).toBe('invalid_request_error');
    const param = await get<{ error: Record<string, string> }>(emulator.url, '/v1/charges?colour=blue');
    expect(param.status).toBe(400);
    expect(param.body.error).toMatchObject({ code: 'parameter_unknown', param: 'colour' });
    const status = await get<{ error: Record<string, string> }>(emulator.url, '/v1/subscriptions?status=sleeping');
    expect(status.body.error.param).toBe('status');
  });

  it('answers 401 for a wrong key, masking it like Stripe, and for a missing key', async () => {
    const wrong = 'sk_test_51NotTheRightKeyAtAll9876';
    const { status, body } = await get<{ error: Record<string, string> }>(emulator.url, '/v1/charges', wrong);
    expect(status).toBe(401);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toBe(`Invalid API Key provided: sk_test_${'*'.repeat(wrong.length - 'sk_test_'.length - 4)}9876`);
    expect(body.error.message).not.toContain('NotTheRightKey');
    const missing = await get<{ error: Record<string, string> }>(emulator.url, '/v1/charges', null);
    expect(missing.status).toBe(401);
    expect(missing.body.error.message).toMatch(/did not provide an API key/);
  });

  it('accepts the key as an HTTP Basic user name', async () => {
    const response = await fetch(`${emulator.url}/v1/coupons?limit=1`, {
      headers: { authorization: `Basic ${Buffer.from(`${TEST_KEY}:`).toString('base64')}` },
    });
    expect(response.status).toBe(200);
  });

  it('sets livemode on every object, nested ones included, from the key', async () => {
    const live = await get<StripeList>(emulator.url, '/v1/subscriptions?status=all&limit=20', LIVE_KEY);
    const test = await get<StripeList>(emulator.url, '/v1/subscriptions?status=all&limit=20', TEST_KEY);
    expect(JSON.stringify(live.body)).not.toContain('"livemode":false');
    expect(JSON.stringify(test.body)).not.toContain('"livemode":true');
    expect(JSON.stringify(live.body).replaceAll('"livemode":true', '"livemode":false')).toBe(JSON.stringify(test.body));
  });

  it('sends Request-Id and Stripe-Version on answers and errors alike', async () => {
    for (const [path, key] of [['/v1/charges?limit=1', TEST_KEY], ['/v1/charges?limit=500', TEST_KEY], ['/v1/charges', 'sk_test_bad'], ['/v1/unknown', TEST_KEY]] as const) {
      const { headers } = await get(emulator.url, path, key);
      expect(headers.get('request-id'), path).toMatch(/^req_[A-Za-z0-9]{14}$/);
      expect(headers.get('stripe-version'), path).toMatch(/^\d{4}-\d{2}-\d{2}\.\w+$/);
    }
  });

  it('serves health and ground truth without a key', async () => {
    const health = await get<{ status: string }>(emulator.url, '/_emulator/health', null);
    expect(health.body.status).toBe('ok');
    const served = await get<StripeGroundTruth>(emulator.url, '/_emulator/truth', null);
    expect(served.body).toEqual(truth);
  });
});
