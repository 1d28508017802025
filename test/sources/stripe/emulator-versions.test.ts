import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { get, listAll, TEST_KEY, type StripeList, type StripeObject } from './emulator-http';

// The account's default version is a pre-basil one, as on an account opened before 2025-03-31 and
// never upgraded; requests that pin a version get that version's shapes. The facts checked are the
// breaking changes of Stripe's changelog (basil 2025-03-31, clover 2025-09-30), each compared
// between two renderings of the same account.
const PRE_BASIL = '2025-02-24.acacia';
const BASIL = '2025-08-27.basil';
const PINNED = '2026-07-29.dahlia';

let emulator: StripeEmulator;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 11, scale: 0.05, apiKeys: [TEST_KEY], rateLimitPerSecond: 0, apiVersion: PRE_BASIL });
});

afterAll(async () => {
  await emulator?.close();
});

async function getAs<T>(path: string, version?: string): Promise<{ status: number; version: string | null; body: T }> {
  const { status, headers, body } = await get<T>(emulator.url, path, TEST_KEY, version);
  return { status, version: headers.get('stripe-version'), body };
}

const listAs = (resource: string, version: string, params = '') => listAll(emulator.url, resource, params, TEST_KEY, version);

const at = (obj: unknown, path: string): unknown => path.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown> | null)?.[k], obj);

describe('Stripe emulator API versions', () => {
  it('answers in the account default version without Stripe-Version, and in the pinned one with it', async () => {
    const plain = await getAs<StripeList>('/v1/invoices?limit=5');
    expect(plain.version).toBe(PRE_BASIL);
    expect(plain.body.data.every((i) => !('parent' in i) && typeof i.subscription === 'string')).toBe(true);
    const pinned = await getAs<StripeList>('/v1/invoices?limit=5', PINNED);
    expect(pinned.version).toBe(PINNED);
    expect(pinned.body.data.every((i) => typeof at(i, 'parent.subscription_details.subscription') === 'string' && i.subscription === null)).toBe(true);
  });

  it('moves an invoice subscription to the top level before basil, for every invoice', async () => {
    const [older, newer] = await Promise.all([listAs('invoices', PRE_BASIL), listAs('invoices', PINNED)]);
    expect(older.map((i) => i.id)).toEqual(newer.map((i) => i.id));
    expect(older.map((i) => i.subscription)).toEqual(newer.map((i) => at(i, 'parent.subscription_details.subscription')));
    for (const invoice of older) {
      expect(invoice).not.toHaveProperty('total_taxes');
      expect(invoice.total_tax_amounts).toEqual([]);
      expect(invoice.paid).toBe(invoice.status === 'paid');
      const lines = (invoice.lines as StripeList).data;
      for (const line of lines) {
        expect(line).not.toHaveProperty('parent');
        expect(line.type).toBe('subscription');
        expect(typeof (line.price as StripeObject).id).toBe('string');
      }
    }
  });

  it('keeps the billing period on the subscription before basil, and only on its items after', async () => {
    const [older, newer] = await Promise.all([listAs('subscriptions', PRE_BASIL, '&status=all'), listAs('subscriptions', PINNED, '&status=all')]);
    expect(older.length).toBeGreaterThan(0);
    older.forEach((sub, n) => {
      const item = (newer[n]!.items as StripeList).data[0]!;
      expect(sub.current_period_start).toBe(item.current_period_start);
      expect(sub.current_period_end).toBe(item.current_period_end);
      expect((sub.items as StripeList).data[0]).not.toHaveProperty('current_period_start');
      expect(newer[n]).not.toHaveProperty('current_period_start');
    });
  });

  it('embeds the whole coupon in a promotion code before clover, and names it under promotion after', async () => {
    const [basil, pinned, coupons] = await Promise.all([listAs('promotion_codes', BASIL), listAs('promotion_codes', PINNED), listAs('coupons', PINNED)]);
    const couponById = new Map(coupons.map((c) => [c.id, c]));
    expect(basil.length).toBeGreaterThan(0);
    basil.forEach((code, n) => {
      expect(code).not.toHaveProperty('promotion');
      expect(code.coupon).toEqual(couponById.get(at(pinned[n], 'promotion.coupon') as string));
    });
  });

  it('gives a charge its invoice field before basil only', async () => {
    const { body: older } = await getAs<StripeList>('/v1/charges?limit=3', PRE_BASIL);
    const { body: newer } = await getAs<StripeList>('/v1/charges?limit=3', PINNED);
    expect(older.data.every((c) => 'invoice' in c)).toBe(true);
    expect(newer.data.some((c) => 'invoice' in c)).toBe(false);
  });

  it("names the charge that paid an invoice before basil, on both, and the invoice's payment intent among its expanded payments since", async () => {
    const [older, pinned, basil, charges] = await Promise.all([
      listAs('invoices', PRE_BASIL),
      listAs('invoices', PINNED, '&expand[]=data.payments'),
      listAs('invoices', BASIL, '&expand[]=data.payments'),
      listAs('charges', PRE_BASIL),
    ]);
    const chargeById = new Map(charges.map((c) => [c.id, c]));
    const charged = older.filter((i) => i.charge !== null);
    expect(charged.length).toBeGreaterThan(5);
    older.forEach((invoice, n) => {
      const newer = pinned[n]!;
      expect(newer.id).toBe(invoice.id);
      expect(newer).not.toHaveProperty('charge');
      expect(basil[n]!.payments).toEqual(newer.payments);
      const payments = (newer.payments as StripeList).data;
      if (invoice.charge === null) {
        expect(invoice.payment_intent).toBeNull();
        expect(payments).toEqual([]);
        expect(invoice.paid_out_of_band).toBe(invoice.status === 'paid' && (invoice.amount_paid_off_stripe as number) > 0);
        return;
      }
      const charge = chargeById.get(invoice.charge as string)!;
      expect(charge).toMatchObject({ invoice: invoice.id, payment_intent: invoice.payment_intent, amount: invoice.total, customer: invoice.customer, status: 'succeeded' });
      expect(charge.created).toBe(at(invoice, 'status_transitions.paid_at'));
      expect(invoice.paid_out_of_band).toBe(false);
      expect(payments).toEqual([
        expect.objectContaining({
          object: 'invoice_payment',
          invoice: invoice.id,
          status: 'paid',
          amount_paid: invoice.total,
          amount_requested: invoice.total,
          currency: invoice.currency,
          payment: { type: 'payment_intent', payment_intent: invoice.payment_intent },
          status_transitions: { canceled_at: null, paid_at: charge.created },
        }),
      ]);
    });
    // A one-off charge names no invoice.
    const invoiced = new Set(charged.map((i) => i.charge));
    expect(charges.filter((c) => !invoiced.has(c.id)).every((c) => c.invoice === null)).toBe(true);
  });

  it('refuses a version it does not know, as Stripe refuses an invalid one', async () => {
    const { status, body } = await getAs<{ error: { type: string; message: string } }>('/v1/charges?limit=1', '2099-13-01.nope');
    expect(status).toBe(400);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', message: 'Invalid Stripe API version: 2099-13-01.nope' });
  });
});
