import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { buildThriveCartAccount, startThriveCartEmulator, type TcCustomerView, type TcTransaction, type ThriveCartEmulator, type ThriveCartGroundTruth } from '../../../emulators/thrivecart';
import { DEFAULT_ANCHOR, generateWorld } from '../../../emulators/world';

const KEY = 'tc_suite_key';
const TYPES = ['charge', 'rebill', 'refund', 'cancel'] as const;

interface Answer<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  body: T;
}

interface TransactionPage {
  transactions: TcTransaction[];
  meta: { total: number; results: number };
}

async function call<T = unknown>(em: ThriveCartEmulator, path: string, init: { key?: string | null; method?: string; form?: Record<string, string> } = {}): Promise<Answer<T>> {
  const key = init.key === undefined ? KEY : init.key;
  const headers: Record<string, string> = { accept: 'application/json' };
  if (key !== null) headers.authorization = `Bearer ${key}`;
  if (init.form) headers['content-type'] = 'application/x-www-form-urlencoded';
  const response = await fetch(`${em.apiBaseUrl}${path}`, { method: init.method ?? (init.form ? 'POST' : 'GET'), headers, body: init.form ? new URLSearchParams(init.form).toString() : undefined });
  const text = await response.text();
  return { status: response.status, headers: response.headers, text, body: (text === '' ? null : JSON.parse(text)) as T };
}

/** Pages /transactions until a page comes back short, as a connector must (there is no date filter). */
async function allTransactions(em: ThriveCartEmulator, perPage: number, extra = ''): Promise<TcTransaction[]> {
  const all: TcTransaction[] = [];
  for (let page = 1; ; page++) {
    const { status, body } = await call<TransactionPage>(em, `/transactions?page=${page}&perPage=${perPage}${extra}`);
    expect(status).toBe(200);
    expect(body.meta.results).toBe(body.transactions.length);
    all.push(...body.transactions);
    if (body.transactions.length < perPage) return all;
  }
}

const newestFirst = (ts: readonly TcTransaction[]): boolean =>
  ts.every((t, i) => i === 0 || ts[i - 1]!.timestamp > t.timestamp || (ts[i - 1]!.timestamp === t.timestamp && Number(ts[i - 1]!.event_id) > Number(t.event_id)));

let em: ThriveCartEmulator;
let truth: ThriveCartGroundTruth;
let everything: TcTransaction[];

beforeAll(async () => {
  em = await startThriveCartEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 5, scale: 0.05, apiKeys: [KEY], rateLimitPerMinute: 0 });
  truth = em.truth();
  everything = await allTransactions(em, 100);
});

afterAll(async () => {
  await em?.close();
});

describe('ThriveCart emulator transactions', () => {
  it('pages /transactions newest first and returns exactly the ground truth without duplicates', async () => {
    expect(everything.length).toBe(truth.streams.transactions.count);
    expect(new Set(everything.map((t) => t.event_id)).size).toBe(everything.length);
    expect(newestFirst(everything)).toBe(true);
    const small = await allTransactions(em, 7);
    expect(small.map((t) => t.event_id)).toEqual(everything.map((t) => t.event_id));
    const { body } = await call<TransactionPage>(em, '/transactions?page=1&perPage=10');
    expect(body.meta).toEqual({ total: truth.streams.transactions.count, results: 10 });
    const past = await call<TransactionPage>(em, '/transactions?page=999&perPage=100');
    expect(past.body).toEqual({ transactions: [], meta: { total: truth.streams.transactions.count, results: 0 } });
  });

  it('defaults perPage to 25, rejects more than 100, and accepts the same parameters as a POSTed form', async () => {
    expect((await call<TransactionPage>(em, '/transactions')).body.transactions.length).toBe(25);
    const tooMany = await call<{ error: string; error_description: string }>(em, '/transactions?perPage=101');
    expect(tooMany.status).toBe(400);
    expect(tooMany.body.error_description).toContain('perPage');
    const viaGet = await call<TransactionPage>(em, '/transactions?page=2&perPage=5&transactionType=charge');
    const viaPost = await call<TransactionPage>(em, '/transactions', { form: { page: '2', perPage: '5', transactionType: 'charge' } });
    expect(viaPost.body).toEqual(viaGet.body);
  });

  it('filters by transactionType and matches the counts and amounts of the ground truth', async () => {
    for (const type of TYPES) {
      const ofType = await allTransactions(em, 100, `&transactionType=${type}`);
      expect(ofType.length, type).toBe(truth.streams.transactions.count_by_type[type]);
      expect(ofType.every((t) => t.transaction_type === type)).toBe(true);
      const sums: Record<string, number> = {};
      for (const t of ofType) sums[t.currency.toLowerCase()] = (sums[t.currency.toLowerCase()] ?? 0) + t.amount;
      expect(sums, type).toEqual(truth.streams.transactions.amount_sum_by_type[type]);
      expect(truth.streams.transactions.count_by_type[type], type).toBeGreaterThan(0);
    }
    expect((await call(em, '/transactions?transactionType=chargeback')).status).toBe(400);
  });

  it('writes each transaction with its id, type, unix timestamp and date, customer, product, amount in cents and as a decimal', () => {
    for (const t of everything) {
      expect(t.event_id).toMatch(/^\d+$/);
      expect(t.order_id).toMatch(/^\d+$/);
      expect(t.invoice_id).toMatch(/^\d+$/);
      expect(Number.isInteger(t.timestamp)).toBe(true);
      const iso = new Date(t.timestamp * 1000).toISOString();
      expect(t.time).toBe(`${iso.slice(0, 10)} ${iso.slice(11, 19)}`);
      expect(t.date).toBe(iso.slice(0, 10));
      expect(t.timestamp * 1000).toBeLessThan(Date.parse(truth.anchor));
      expect(Number.isInteger(t.amount) && t.amount >= 0).toBe(true);
      expect(t.amount_str).toBe((t.amount / 100).toFixed(2));
      expect(t.currency).toMatch(/^(USD|EUR|GBP)$/);
      expect(t.customer.email).toContain('@');
      expect(t.reference).toMatch(/^(product|bump|upsell)-\d+(-\d+)?$/);
      if (t.transaction_type === 'cancel') expect(t.amount).toBe(0);
      if (t.transaction_type === 'rebill') expect(t.subscription_id).toMatch(/^\d+$/);
    }
    expect(everything.some((t) => t.coupon_code !== null)).toBe(true);
    expect(everything.some((t) => t.affiliate_id !== null)).toBe(true);
    expect(everything.some((t) => t.passthrough?.utm_source)).toBe(true);
    expect(new Set(everything.map((t) => t.item_type))).toEqual(new Set(['product', 'bump', 'upsell']));
    const emails = new Set(everything.map((t) => t.customer.email.trim().toLowerCase()));
    expect(emails.size).toBe(truth.people.distinct_normalized_customer_emails);
  });

  it('has full and partial refunds, and subscriptions in every state', () => {
    const charged = new Map<string, number>();
    for (const t of everything) if (t.transaction_type !== 'refund' && t.transaction_type !== 'cancel') charged.set(`${t.invoice_id}/${t.reference}`, t.amount);
    const refunds = everything.filter((t) => t.transaction_type === 'refund').map((t) => ({ refunded: t.amount, paid: charged.get(`${t.invoice_id}/${t.reference}`)! }));
    expect(refunds.some((r) => r.refunded === r.paid)).toBe(true);
    expect(refunds.some((r) => r.refunded < r.paid)).toBe(true);
    const statuses = truth.streams.subscriptions.count_by_status;
    expect(statuses.active * statuses.cancelled * statuses.paused * statuses.completed).toBeGreaterThan(0);
    expect(truth.people.customers_also_in_stripe).toBeGreaterThan(0);
    expect(truth.people.customers_only_in_thrivecart).toBeGreaterThan(0);
  });
});

describe('ThriveCart emulator history', () => {
  it('ends at the anchor: no transaction of any world is dated after it, a subscription cancelled on its last day included', () => {
    // Seed 106 at this anchor has a subscription started on the account's last day and cancelled.
    const anchor = new Date('2026-12-07T20:34:24Z');
    for (let seed = 100; seed < 130; seed++) {
      const account = buildThriveCartAccount(generateWorld({ seed, scale: 0.03, anchor }), 'anchored');
      const late = account.transactions.filter((t) => t.timestamp * 1000 > anchor.getTime());
      expect(late.map((t) => `${seed}:${t.event_id}:${t.transaction_type}:${t.date}`)).toEqual([]);
    }
  });
});

describe('ThriveCart emulator customer and ping', () => {
  it('returns a customer\'s purchases and subscriptions by email, whatever its case, and 404 for strangers', async () => {
    const subscriber = everything.find((t) => t.transaction_type === 'rebill')!;
    const view = await call<TcCustomerView>(em, '/customer', { form: { email: subscriber.customer.email.toUpperCase() } });
    expect(view.status).toBe(200);
    expect(view.body.customer.email).toBe(subscriber.customer.email);
    const sub = view.body.subscriptions.find((s) => s.subscription_id === subscriber.subscription_id)!;
    expect(sub.events.map((e) => e.event_id)).toContain(subscriber.event_id);
    expect(Number(sub.payments)).toBe(sub.events.filter((e) => e.event_type === 'charge' || e.event_type === 'rebill').length);
    const unknown = await call<{ error: string }>(em, '/customer', { form: { email: 'nobody@example.invalid' } });
    expect(unknown.status).toBe(404);
    expect(unknown.body.error).toBe('There are no orders associated with this customer.');
  });

  it('answers /ping with the account and its headers', async () => {
    const ping = await call<{ account_name: string }>(em, '/ping');
    expect(ping.status).toBe(200);
    expect(ping.body.account_name).toBe('cdpemulator');
    expect(ping.headers.get('x-thrivecart-account-name')).toBe('cdpemulator');
  });
});

describe('ThriveCart emulator auth, limits and faults', () => {
  let other: ThriveCartEmulator | undefined;
  afterEach(async () => {
    await other?.close();
    other = undefined;
  });

  it('answers 401 auth.missing without a key and invalid_token with a wrong one', async () => {
    const none = await call<{ error: string }>(em, '/ping', { key: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'auth.missing' });
    const wrong = await call<{ error: string; error_description: string }>(em, '/ping', { key: 'nope' });
    expect(wrong.status).toBe(401);
    expect(wrong.body).toEqual({ error: 'invalid_token', error_description: 'The access token provided is invalid' });
  });

  it('allows 60 requests a minute by default and answers the next with an empty 429 and a Retry-After', async () => {
    other = await startThriveCartEmulator({ port: 0, seed: 5, scale: 0.02, apiKeys: [KEY] });
    const statuses: number[] = [];
    let limited: Answer | undefined;
    for (let i = 0; i < 61; i++) {
      const a = await call(other, '/ping');
      statuses.push(a.status);
      if (a.status === 429) limited = a;
    }
    expect(statuses.slice(0, 60).every((s) => s === 200)).toBe(true);
    expect(statuses[60]).toBe(429);
    expect(limited!.text).toBe('');
    expect(limited!.headers.get('content-type')).toMatch(/^text\/plain/);
    const retryAfter = Number(limited!.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(60);
  });

  it('fails a burst of requests with the chosen 5xx, then recovers', async () => {
    other = await startThriveCartEmulator({ port: 0, seed: 5, scale: 0.02, apiKeys: [KEY], rateLimitPerMinute: 0 });
    const set = await fetch(`${other.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failNextRequests: 2, failStatus: 500 }) });
    expect(set.status).toBe(200);
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(other, '/transactions')).status);
    expect(statuses).toEqual([500, 500, 200]);
  });

  it('answers 503 during an outage window and serves again once it ends', async () => {
    other = await startThriveCartEmulator({ port: 0, seed: 5, scale: 0.02, apiKeys: [KEY], rateLimitPerMinute: 0 });
    other.setFaults({ outageMs: 600 });
    const during = await call<{ error: string }>(other, '/transactions');
    expect(during.status).toBe(503);
    expect(during.body.error).toBe('service_unavailable');
    await new Promise((resolve) => setTimeout(resolve, 650));
    expect((await call(other, '/transactions')).status).toBe(200);
  });
});

describe('ThriveCart emulator determinism', () => {
  it('serves identical transactions and truth for the same seed, and different ones for another seed', async () => {
    const twin = await startThriveCartEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 5, scale: 0.05, apiKeys: [KEY], rateLimitPerMinute: 0 });
    const stranger = await startThriveCartEmulator({ anchor: DEFAULT_ANCHOR, port: 0, seed: 6, scale: 0.05, apiKeys: [KEY], rateLimitPerMinute: 0 });
    try {
      expect(await allTransactions(twin, 100)).toEqual(everything);
      expect(twin.truth()).toEqual(truth);
      expect((await allTransactions(stranger, 100)).map((t) => t.event_id + t.amount)).not.toEqual(everything.map((t) => t.event_id + t.amount));
    } finally {
      await twin.close();
      await stranger.close();
    }
  });
});
