import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ORDER_STATUSES, startBigCommerceEmulator, type BcOrder, type BigCommerceEmulator, type BigCommerceGroundTruth } from '../../../emulators/bigcommerce';
import { DEFAULT_ANCHOR } from '../../../emulators/world';

const TOKEN = 'bc_suite_token';
const RFC_2822 = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} \+0000$/;
const DECIMAL = /^-?\d+\.\d{4}$/;
const MONEY_FIELDS = ['subtotal_ex_tax', 'subtotal_inc_tax', 'subtotal_tax', 'shipping_cost_ex_tax', 'shipping_cost_inc_tax', 'shipping_cost_tax', 'total_ex_tax', 'total_inc_tax', 'total_tax', 'refunded_amount', 'discount_amount', 'coupon_discount'] as const;

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

async function call<T = unknown>(em: BigCommerceEmulator, path: string, token: string | null = TOKEN): Promise<Answer<T>> {
  const response = await fetch(`${em.apiBaseUrl}${path}`, { headers: token === null ? { accept: 'application/json' } : { 'x-auth-token': token, accept: 'application/json' } });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Pages a v2 list the way a connector must: until the first 204. */
async function pageV2<T>(em: BigCommerceEmulator, path: string, limit: number): Promise<{ items: T[]; pages: number }> {
  const items: T[] = [];
  for (let page = 1; ; page++) {
    const sep = path.includes('?') ? '&' : '?';
    const answer = await call<T[]>(em, `${path}${sep}page=${page}&limit=${limit}`);
    if (answer.status === 204) {
      expect(answer.text).toBe('');
      return { items, pages: page - 1 };
    }
    expect(answer.status).toBe(200);
    items.push(...answer.body);
  }
}

const cents = (decimal: string): number => Math.round(Number(decimal) * 100);

let em: BigCommerceEmulator;
let truth: BigCommerceGroundTruth;
let listed: BcOrder[];
let incomplete: BcOrder[];

beforeAll(async () => {
  em = await startBigCommerceEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 3, scale: 0.05, accessTokens: [TOKEN], rateLimitQuota: 0 });
  truth = em.truth();
  listed = (await pageV2<BcOrder>(em, '/v2/orders', 7)).items;
  incomplete = (await pageV2<BcOrder>(em, '/v2/orders?status_id=0', 7)).items;
});

afterAll(async () => {
  await em?.close();
});

describe('BigCommerce emulator orders', () => {
  it('pages /v2/orders until a 204 and returns every listed order exactly once, Incomplete ones only with status_id=0', () => {
    expect(listed.length).toBe(truth.streams.orders.listed_without_status_filter);
    expect(incomplete.length).toBe(truth.streams.orders.count_by_status_id['0']);
    expect(listed.every((o) => o.status_id !== 0)).toBe(true);
    const ids = [...listed, ...incomplete].map((o) => o.id);
    expect(new Set(ids).size).toBe(truth.streams.orders.count);
    expect(listed.map((o) => o.id)).toEqual([...listed.map((o) => o.id)].sort((a, b) => a - b));
    expect(truth.streams.orders.count).toBeGreaterThan(40);
  });

  it('answers 204 with an empty body past the last page, defaults limit to 50 and serves at most 250', async () => {
    const past = await call(em, '/v2/orders?page=999');
    expect(past.status).toBe(204);
    expect(past.text).toBe('');
    expect(((await call<BcOrder[]>(em, '/v2/orders')).body).length).toBe(Math.min(50, listed.length));
    const big = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.3, accessTokens: [TOKEN], rateLimitQuota: 0 });
    try {
      expect(big.truth().streams.orders.listed_without_status_filter).toBeGreaterThan(250);
      expect((await call<BcOrder[]>(big, '/v2/orders?limit=1000')).body.length).toBe(250);
    } finally {
      await big.close();
    }
  });

  it('filters on min_date_modified inclusively, in RFC-2822 or ISO-8601, and sorts by date_modified', async () => {
    const byModified = [...listed].sort((a, b) => Date.parse(a.date_modified) - Date.parse(b.date_modified) || a.id - b.id);
    const pivot = byModified[Math.floor(byModified.length / 2)]!;
    const expected = byModified.filter((o) => Date.parse(o.date_modified) >= Date.parse(pivot.date_modified));
    const rfc = (await pageV2<BcOrder>(em, `/v2/orders?min_date_modified=${encodeURIComponent(pivot.date_modified)}&sort=date_modified:asc`, 5)).items;
    expect(rfc.map((o) => o.id)).toEqual(expected.map((o) => o.id));
    const iso = new Date(Date.parse(pivot.date_modified)).toISOString();
    const viaIso = (await pageV2<BcOrder>(em, `/v2/orders?min_date_modified=${encodeURIComponent(iso)}&sort=date_modified:asc`, 250)).items;
    expect(viaIso.map((o) => o.id)).toEqual(expected.map((o) => o.id));
    const upTo = (await pageV2<BcOrder>(em, `/v2/orders?max_date_modified=${encodeURIComponent(pivot.date_modified)}`, 250)).items;
    expect(upTo.length + expected.length).toBe(listed.length + byModified.filter((o) => o.date_modified === pivot.date_modified).length);
    const desc = (await call<BcOrder[]>(em, '/v2/orders?sort=date_created:desc&limit=250')).body;
    expect(desc.map((o) => Date.parse(o.date_created))).toEqual(desc.map((o) => Date.parse(o.date_created)).sort((a, b) => b - a));
    const created = (await pageV2<BcOrder>(em, `/v2/orders?min_date_created=${encodeURIComponent(pivot.date_created)}`, 250)).items;
    expect(created.every((o) => Date.parse(o.date_created) >= Date.parse(pivot.date_created))).toBe(true);
  });

  it('rejects a malformed date or sort with a v2 error array', async () => {
    const bad = await call<{ status: number; message: string }[]>(em, '/v2/orders?min_date_modified=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body[0]).toMatchObject({ status: 400, message: expect.stringContaining('min_date_modified') });
    expect((await call(em, '/v2/orders?sort=total:asc')).status).toBe(400);
  });

  it('writes dates as RFC-2822 and money as four-place decimal strings whose totals add up', () => {
    for (const o of [...listed, ...incomplete]) {
      expect(o.date_created).toMatch(RFC_2822);
      expect(o.date_modified).toMatch(RFC_2822);
      if (o.date_shipped !== '') expect(o.date_shipped).toMatch(RFC_2822);
      expect(Date.parse(o.date_modified)).toBeGreaterThanOrEqual(Date.parse(o.date_created));
      expect(Date.parse(o.date_modified)).toBeLessThan(Date.parse(truth.anchor));
      for (const f of MONEY_FIELDS) expect(o[f], f).toMatch(DECIMAL);
      expect(cents(o.total_inc_tax)).toBe(cents(o.total_ex_tax) + cents(o.total_tax));
      expect(cents(o.total_ex_tax)).toBe(cents(o.subtotal_ex_tax) + cents(o.shipping_cost_ex_tax) - cents(o.coupon_discount) - cents(o.discount_amount));
      expect(o.currency_code).toMatch(/^(USD|EUR|GBP)$/);
      expect(o.billing_address.email).toContain('@');
    }
  });

  it('uses the real status table and shows every one of its fifteen statuses', async () => {
    const all = [...listed, ...incomplete];
    for (const o of all) expect(o.status).toBe(ORDER_STATUSES[o.status_id]);
    expect(new Set(all.map((o) => o.status_id)).size).toBe(15);
    const refunded = (await pageV2<BcOrder>(em, '/v2/orders?status_id=14', 250)).items;
    expect(refunded.length).toBe(truth.streams.orders.partially_refunded_count);
    for (const o of refunded) expect(cents(o.refunded_amount)).toBeLessThan(cents(o.total_inc_tax));
    for (const o of all.filter((x) => x.status_id === 4)) expect(o.refunded_amount).toBe(o.total_inc_tax);
  });

  it('matches the ground truth on totals by currency, refunds, guests and coupons', () => {
    const all = [...listed, ...incomplete];
    const sum = (field: (typeof MONEY_FIELDS)[number]): Record<string, number> => {
      const out: Record<string, number> = {};
      for (const o of all) out[o.currency_code.toLowerCase()] = (out[o.currency_code.toLowerCase()] ?? 0) + cents(o[field]);
      return out;
    };
    expect(sum('total_inc_tax')).toEqual(truth.streams.orders.total_inc_tax_sum_by_currency);
    expect(sum('refunded_amount')).toEqual(truth.streams.orders.refunded_amount_sum_by_currency);
    expect(sum('coupon_discount')).toEqual(truth.streams.orders.coupon_discount_sum_by_currency);
    expect(all.filter((o) => o.customer_id === 0).length).toBe(truth.streams.orders.guest_count);
    expect(Object.keys(truth.streams.orders.total_inc_tax_sum_by_currency).sort()).toEqual(['eur', 'gbp', 'usd']);
    expect(truth.streams.orders.guest_count).toBeGreaterThan(0);
    expect(truth.streams.orders.with_coupon_count).toBeGreaterThan(0);
    expect(truth.people.buyers_also_in_stripe).toBeGreaterThan(0);
    expect(truth.people.buyers_only_in_store).toBeGreaterThan(0);
    expect(truth.people.guest_only_buyers).toBeGreaterThan(0);
  });

  it('serves line items and coupons behind each order\'s resource links, 204 when an order has no coupon', async () => {
    let lines = 0;
    let coupons = 0;
    for (const o of [...listed, ...incomplete]) {
      expect(o.products.resource).toBe(`/orders/${o.id}/products`);
      const products = await fetch(o.products.url, { headers: { 'x-auth-token': TOKEN } });
      const rows = (await products.json()) as { order_id: number; quantity: number; total_inc_tax: string }[];
      expect(rows.every((r) => r.order_id === o.id)).toBe(true);
      expect(rows.reduce((n, r) => n + r.quantity, 0)).toBe(o.items_total);
      lines += rows.length;
      const c = await call<{ code: string; discount: number }[]>(em, `/v2${o.coupons.resource}`);
      if (cents(o.coupon_discount) === 0) expect(c.status).toBe(204);
      else {
        expect(c.body[0]!.code).toMatch(/^[A-Z0-9]+$/);
        expect(Math.round(c.body[0]!.discount * 100)).toBe(cents(o.coupon_discount));
        coupons += c.body.length;
      }
    }
    expect(lines).toBe(truth.streams.order_products.count);
    expect(coupons).toBe(truth.streams.order_coupons.count);
    expect((await call(em, '/v2/orders/99999')).status).toBe(404);
  });
});

describe('BigCommerce emulator v3 lists', () => {
  it('pages /v3/customers in the data/meta.pagination envelope and filters on date_modified:min', async () => {
    const customers: { id: number; date_modified: string; email: string }[] = [];
    for (let page = 1; ; page++) {
      const { status, body } = await call<{ data: typeof customers; meta: { pagination: Record<string, unknown> } }>(em, `/v3/customers?page=${page}&limit=4`);
      expect(status).toBe(200);
      expect(body.meta.pagination).toMatchObject({ total: truth.streams.customers.count, count: body.data.length, per_page: 4, current_page: page });
      customers.push(...body.data);
      if (page >= (body.meta.pagination.total_pages as number)) break;
      expect((body.meta.pagination.links as { next: string }).next).toBe(`?page=${page + 1}&limit=4`);
    }
    expect(new Set(customers.map((c) => c.id)).size).toBe(truth.streams.customers.count);
    for (const c of customers) expect(c.date_modified).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$/);
    const pivot = [...customers].sort((a, b) => a.date_modified.localeCompare(b.date_modified))[Math.floor(customers.length / 2)]!;
    const since = await call<{ data: typeof customers }>(em, `/v3/customers?limit=250&date_modified:min=${encodeURIComponent(pivot.date_modified)}`);
    expect(since.body.data.map((c) => c.id).sort((a, b) => a - b)).toEqual(customers.filter((c) => c.date_modified >= pivot.date_modified).map((c) => c.id).sort((a, b) => a - b));
  });

  it('lists catalog products with v3 prices as numbers', async () => {
    const { body } = await call<{ data: { id: number; price: number; date_created: string }[]; meta: { pagination: { total: number } } }>(em, '/v3/catalog/products');
    expect(body.meta.pagination.total).toBe(truth.streams.products.count);
    expect(body.data.length).toBe(truth.streams.products.count);
    for (const p of body.data) expect(typeof p.price).toBe('number');
  });
});

describe('BigCommerce emulator auth, limits and faults', () => {
  let other: BigCommerceEmulator | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  it('answers 401 without or with a wrong X-Auth-Token and 404 for another store hash', async () => {
    const none = await call<{ status: number; message: string }[]>(em, '/v2/orders', null);
    expect(none.status).toBe(401);
    expect(none.body[0]!.status).toBe(401);
    const wrong = await call<{ status: number; title: string }>(em, '/v3/customers', 'nope');
    expect(wrong.status).toBe(401);
    expect(wrong.body).toMatchObject({ status: 401, title: expect.any(String) });
    const elsewhere = await fetch(`${em.url}/stores/otherstore/v2/orders`, { headers: { 'x-auth-token': TOKEN } });
    expect(elsewhere.status).toBe(404);
  });

  it('sends the four X-Rate-Limit headers on every answer and 429 once the window quota is spent, then refills', async () => {
    other = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.02, accessTokens: [TOKEN], rateLimitQuota: 3, rateLimitWindowMs: 1000 });
    const answers: Answer[] = [];
    for (let i = 0; i < 5; i++) answers.push(await call(other, '/v2/orders?limit=1'));
    expect(answers.map((a) => a.status)).toEqual([200, 200, 200, 429, 429]);
    expect(answers.map((a) => a.headers.get('x-rate-limit-requests-left'))).toEqual(['2', '1', '0', '0', '0']);
    for (const a of answers) {
      expect(a.headers.get('x-rate-limit-requests-quota')).toBe('3');
      expect(a.headers.get('x-rate-limit-time-window-ms')).toBe('1000');
      expect(Number(a.headers.get('x-rate-limit-time-reset-ms'))).toBeLessThanOrEqual(1000);
    }
    await new Promise((resolve) => setTimeout(resolve, Number(answers[4]!.headers.get('x-rate-limit-time-reset-ms')) + 20));
    expect((await call(other, '/v2/orders?limit=1')).status).toBe(200);
    const defaults = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.02, accessTokens: [TOKEN] });
    const first = await call(defaults, '/v3/catalog/products');
    expect(first.headers.get('x-rate-limit-requests-quota')).toBe('150');
    expect(first.headers.get('x-rate-limit-time-window-ms')).toBe('30000');
    await defaults.close();
  });

  it('fails a burst of requests with the chosen 5xx, then recovers', async () => {
    other = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.02, accessTokens: [TOKEN], rateLimitQuota: 0 });
    const set = await fetch(`${other.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNextRequests: 2, failStatus: 502 }) });
    expect(set.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(other, '/v2/orders?limit=1')).status);
    expect(statuses).toEqual([502, 502, 200]);
  });

  it('answers every request with 503 during an outage window and serves again once it ends', async () => {
    other = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.02, accessTokens: [TOKEN], rateLimitQuota: 0 });
    other.setFaults({ outageMs: 600 });
    const during = await call<{ status: number }[]>(other, '/v2/orders?limit=1');
    expect(during.status).toBe(503);
    expect(during.body[0]!.status).toBe(503);
    expect((await call(other, '/v3/customers')).status).toBe(503);
    await new Promise((resolve) => setTimeout(resolve, 650));
    expect((await call(other, '/v2/orders?limit=1')).status).toBe(200);
  });

  it('adds the configured latency before answering', async () => {
    other = await startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.02, accessTokens: [TOKEN], rateLimitQuota: 0 });
    other.setFaults({ latencyMs: 150 });
    const started = performance.now();
    expect((await call(other, '/v2/orders?limit=1')).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });
});

describe('BigCommerce emulator determinism', () => {
  it('serves byte-identical orders and truth for the same seed, and different ones for another seed', async () => {
    const twin = await startBigCommerceEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 3, scale: 0.05, accessTokens: [TOKEN], rateLimitQuota: 0 });
    const stranger = await startBigCommerceEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 4, scale: 0.05, accessTokens: [TOKEN], rateLimitQuota: 0 });
    try {
      const strip = (text: string, base: string): string => text.replaceAll(base, '');
      const mine = strip((await call(em, '/v2/orders?limit=250')).text, em.url);
      expect(strip((await call(twin, '/v2/orders?limit=250')).text, twin.url)).toBe(mine);
      expect(twin.truth()).toEqual(truth);
      expect(strip((await call(stranger, '/v2/orders?limit=250')).text, stranger.url)).not.toBe(mine);
    } finally {
      await twin.close();
      await stranger.close();
    }
  });
});
