import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { get, listAll, TEST_KEY, type StripeList, type StripeObject } from './emulator-http';

// The list parameters Stripe's own description of the pinned version declares, read from the vendored
// copy: a client may send any of them, and real Stripe answers 200 where the emulator used to answer
// 400 parameter_unknown. Where the emulated objects carry the field, the filter is checked too.

type Json = Record<string, any>;
const description = JSON.parse(readFileSync(new URL('../../fixtures/stripe/spec3.2026-07-29.dahlia.json', import.meta.url), 'utf8')) as Json;

/** Cursors name objects that must exist and expansions name fields each list has: their own tests cover them. */
const NOT_SAMPLED = new Set(['starting_after', 'ending_before', 'expand']);

/** A query string that gives `p` a value of the type its schema declares. */
function sampleQuery(p: Json): string {
  const schema = p.schema as Json;
  const name = p.name as string;
  if (schema.anyOf) return `${name}%5Bgte%5D=0`; // a range: `created`, `due_date`, `current_period_end`
  if (schema.type === 'object') return Object.keys(schema.properties).map((k) => `${name}%5B${k}%5D=true`).join('&');
  if (schema.type === 'array') return `${name}%5B%5D=x`;
  if (schema.type === 'boolean') return `${name}=true`;
  if (schema.type === 'integer') return `${name}=10`;
  if (schema.enum) return `${name}=${schema.enum.includes('all') ? 'all' : schema.enum[0]}`;
  return `${name}=x_not_held`;
}

let emulator: StripeEmulator;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 11, scale: 0.05, apiKeys: [TEST_KEY], rateLimitPerSecond: 0 });
});

afterAll(async () => {
  await emulator?.close();
});

describe("Stripe emulator list parameters, as Stripe's description declares them", () => {
  const lists = Object.entries(description.paths as Record<string, Json>);

  it('the description names the eight lists cdp reads', () => {
    expect(lists.map(([path]) => path).sort()).toEqual(
      ['/v1/charges', '/v1/coupons', '/v1/customers', '/v1/events', '/v1/invoices', '/v1/promotion_codes', '/v1/refunds', '/v1/subscriptions'],
    );
  });

  for (const [path, item] of lists) {
    const params = (item.get.parameters as Json[]).filter((p) => p.in === 'query' && !NOT_SAMPLED.has(p.name));
    it(`${path} answers 200 to each of ${params.map((p) => p.name).join(', ')}`, async () => {
      const refused: string[] = [];
      for (const p of params) {
        const { status, body } = await get<{ error?: { code?: string; message?: string } }>(emulator.url, `${path}?${sampleQuery(p)}`);
        if (status !== 200) refused.push(`${p.name}: ${status} ${body.error?.code ?? ''} ${body.error?.message ?? ''}`);
      }
      expect(refused).toEqual([]);
    });
  }

  it('products and prices take their documented filters too: ids[], url, lookup_keys[] and recurring[...]', async () => {
    const queries = [
      '/v1/products?ids%5B%5D=prod_x&url=https%3A%2F%2Fexample.com',
      '/v1/prices?lookup_keys%5B%5D=k&recurring%5Binterval%5D=month&recurring%5Busage_type%5D=licensed&recurring%5Bmeter%5D=m',
    ];
    for (const q of queries) expect((await get(emulator.url, q)).status, q).toBe(200);
  });
});

describe('Stripe emulator list parameters filter what the objects carry', () => {
  it('test_clock, transfer_group and customer_account match no object, as none belongs to a test clock, a transfer group or an account', async () => {
    for (const q of ['customers?test_clock=clock_1', 'subscriptions?status=all&test_clock=clock_1', 'charges?transfer_group=group_1', 'invoices?customer_account=acct_1', 'promotion_codes?customer_account=acct_1']) {
      const { status, body } = await get<StripeList>(emulator.url, `/v1/${q}`);
      expect(status, q).toBe(200);
      expect(body.data, q).toEqual([]);
    }
  });

  it('due_date ranges keep only invoices that have a due date in the range', async () => {
    const invoices = await listAll(emulator.url, 'invoices');
    const due = invoices.filter((i) => typeof i.due_date === 'number');
    const inRange = await listAll(emulator.url, 'invoices', '&due_date%5Bgte%5D=0');
    expect(inRange.map((i) => i.id)).toEqual(due.map((i) => i.id));
  });

  it('current_period_end and current_period_start select subscriptions by their items, as Stripe describes', async () => {
    const subscriptions = await listAll(emulator.url, 'subscriptions', '&status=all');
    expect(subscriptions.length).toBeGreaterThan(3);
    const items = (s: StripeObject) => (s.items as { data: { current_period_end: number; current_period_start: number }[] }).data;
    const ends = subscriptions.map((s) => Math.min(...items(s).map((it) => it.current_period_end))).sort((a, b) => a - b);
    const cut = ends[Math.floor(ends.length / 2)]!;
    const byEnd = await listAll(emulator.url, 'subscriptions', `&status=all&current_period_end%5Blt%5D=${cut}`);
    expect(byEnd.map((s) => s.id)).toEqual(subscriptions.filter((s) => Math.min(...items(s).map((it) => it.current_period_end)) < cut).map((s) => s.id));
    const starts = subscriptions.map((s) => Math.max(...items(s).map((it) => it.current_period_start)));
    const from = starts.sort((a, b) => a - b)[Math.floor(starts.length / 2)]!;
    const byStart = await listAll(emulator.url, 'subscriptions', `&status=all&current_period_start%5Bgte%5D=${from}`);
    expect(byStart.map((s) => s.id)).toEqual(subscriptions.filter((s) => Math.max(...items(s).map((it) => it.current_period_start)) >= from).map((s) => s.id));
    expect(byEnd.length * byStart.length).toBeGreaterThan(0);
  });

  it('automatic_tax[enabled] and ids[] filter on the field they name', async () => {
    const subscriptions = await listAll(emulator.url, 'subscriptions', '&status=all');
    const off = await listAll(emulator.url, 'subscriptions', '&status=all&automatic_tax%5Benabled%5D=false');
    expect(off.map((s) => s.id)).toEqual(subscriptions.filter((s) => (s.automatic_tax as { enabled: boolean }).enabled === false).map((s) => s.id));
    const products = await listAll(emulator.url, 'products');
    const two = [products[0]!.id, products[products.length - 1]!.id];
    const picked = await listAll(emulator.url, 'products', two.map((id) => `&ids%5B%5D=${id}`).join(''));
    expect(picked.map((p) => p.id).sort()).toEqual([...two].sort());
  });
});
