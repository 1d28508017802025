import { beforeAll, describe, expect, it } from 'vitest';
import { buildStripeData, computeGroundTruth, type StripeData } from '../../../emulators/stripe';
import { generateWorld, type World } from '../../../emulators/world';

let world: World;
let data: StripeData;

beforeAll(() => {
  world = generateWorld({ seed: 42, scale: 0.1 });
  data = buildStripeData(world);
});

const anchorS = (): number => Date.parse(world.anchor) / 1000;

describe('Stripe data built from the world', () => {
  it('gives every object a real-looking, unique id', () => {
    const patterns: [keyof StripeData, RegExp][] = [
      ['customers', /^cus_[A-Za-z0-9]{14}$/],
      ['charges', /^ch_[A-Za-z0-9]{24}$/],
      ['refunds', /^re_[A-Za-z0-9]{24}$/],
      ['invoices', /^in_[A-Za-z0-9]{24}$/],
      ['subscriptions', /^sub_[A-Za-z0-9]{24}$/],
      ['promotion_codes', /^promo_[A-Za-z0-9]{24}$/],
      ['products', /^prod_[A-Za-z0-9]{14}$/],
      ['prices', /^price_[A-Za-z0-9]{24}$/],
      ['coupons', /^[A-Z0-9]{8}$/],
    ];
    const seen = new Set<string>();
    for (const [stream, pattern] of patterns) {
      for (const o of data[stream] as { id: string }[]) {
        expect(o.id).toMatch(pattern);
        expect(seen.has(o.id)).toBe(false);
        seen.add(o.id);
      }
    }
    for (const c of data.charges) expect(c.payment_intent).toMatch(/^pi_[A-Za-z0-9]{24}$/);
  });

  it("pays each paid charge_automatically invoice with a total by one succeeded charge of that total, when it was paid, and no other invoice", () => {
    const chargeByIntent = new Map(data.charges.map((c) => [c.payment_intent, c]));
    const paymentByInvoice = new Map(data.invoice_payments.map((p) => [p.invoice, p]));
    expect(new Set(data.invoice_payments.map((p) => p.invoice)).size).toBe(data.invoice_payments.length);
    for (const invoice of data.invoices) {
      const payment = paymentByInvoice.get(invoice.id);
      const charged = invoice.status === 'paid' && invoice.collection_method === 'charge_automatically' && invoice.total > 0;
      expect(payment !== undefined, invoice.id).toBe(charged);
      if (!payment) continue;
      const charge = chargeByIntent.get(payment.payment.payment_intent)!;
      expect(charge).toMatchObject({ amount: invoice.total, currency: invoice.currency, customer: invoice.customer, status: 'succeeded', created: invoice.status_transitions.paid_at, metadata: {} });
      expect(payment).toMatchObject({ amount_paid: invoice.total, status: 'paid', status_transitions: { paid_at: invoice.status_transitions.paid_at } });
      expect(invoice.amount_paid_off_stripe).toBe(0);
    }
    expect(data.invoice_payments.length).toBeGreaterThan(50);
  });

  it('bills a few subscriptions by emailed invoice, paid outside Stripe with no charge', () => {
    // A world with several such subscriptions.
    const data = buildStripeData(generateWorld({ seed: 7, scale: 0.1 }));
    const sendInvoice = data.subscriptions.filter((s) => s.collection_method === 'send_invoice');
    expect(sendInvoice.length).toBeGreaterThan(0);
    for (const s of sendInvoice) expect(s).toMatchObject({ days_until_due: 30, default_payment_method: null });
    const ids = new Set(sendInvoice.map((s) => s.id));
    const emailed = data.invoices.filter((i) => ids.has(i.parent.subscription_details.subscription));
    expect(emailed.length).toBeGreaterThan(0);
    for (const invoice of emailed) {
      expect(invoice).toMatchObject({ collection_method: 'send_invoice', attempt_count: 0, next_payment_attempt: null, status: 'paid' });
      expect(invoice.due_date).toBe(invoice.status_transitions.finalized_at! + 30 * 86_400);
      expect(invoice.amount_paid_off_stripe).toBe(invoice.total);
    }
    const truth = computeGroundTruth(data, () => '').streams.invoices;
    expect(truth.paid_out_of_band_count).toBe(emailed.filter((i) => i.total > 0).length);
    expect(truth.paid_out_of_band_count).toBeGreaterThan(5);
    expect(truth.by_collection_method.send_invoice).toBe(emailed.length);
    // No charge pays them.
    const paidByCharge = new Set(data.invoice_payments.map((p) => p.invoice));
    expect(emailed.some((i) => paidByCharge.has(i.id))).toBe(false);
  });

  it('dates everything before the anchor, in whole unix seconds', () => {
    for (const stream of ['customers', 'charges', 'refunds', 'invoices', 'subscriptions', 'coupons', 'promotion_codes', 'products', 'prices'] as const) {
      for (const o of data[stream] as { created: number }[]) {
        expect(Number.isInteger(o.created)).toBe(true);
        expect(o.created).toBeLessThan(anchorS());
        expect(o.created).toBeGreaterThan(anchorS() - 3 * 365 * 86_400);
      }
    }
  });

  it('has succeeded, pending and failed charges in usd, eur and gbp, failures carrying a code and message', () => {
    const statuses = new Set(data.charges.map((c) => c.status));
    expect([...statuses].sort()).toEqual(['failed', 'pending', 'succeeded']);
    expect(new Set(data.charges.map((c) => c.currency))).toEqual(new Set(['usd', 'eur', 'gbp']));
    for (const c of data.charges) {
      expect(Number.isInteger(c.amount) && c.amount > 0).toBe(true);
      if (c.status === 'failed') {
        expect(c.failure_code).toEqual(expect.any(String));
        expect(c.failure_message).toEqual(expect.any(String));
        expect(c.paid).toBe(false);
        expect(c.amount_refunded).toBe(0);
      } else {
        expect(c.failure_code).toBeNull();
      }
    }
    expect(data.charges.some((c) => c.metadata.utm_source && c.metadata.utm_medium && c.metadata.utm_campaign)).toBe(true);
  });

  it('refunds add up to each charge amount_refunded, with full and partial refunds', () => {
    const refundsByCharge = new Map<string, number>();
    for (const r of data.refunds) refundsByCharge.set(r.charge, (refundsByCharge.get(r.charge) ?? 0) + r.amount);
    for (const c of data.charges) {
      expect(c.amount_refunded).toBe(refundsByCharge.get(c.id) ?? 0);
      expect(c.refunds.data.reduce((s, r) => s + r.amount, 0)).toBe(c.amount_refunded);
      expect(c.refunded).toBe(c.amount_refunded === c.amount);
      expect(c.amount_refunded).toBeLessThanOrEqual(c.amount);
      for (const r of c.refunds.data) expect(r.created).toBeGreaterThan(c.created);
    }
    expect(data.charges.some((c) => c.refunded)).toBe(true);
    expect(data.charges.some((c) => c.amount_refunded > 0 && !c.refunded)).toBe(true);
    expect(data.charges.some((c) => c.refunds.data.length > 1)).toBe(true);
  });

  it('keeps customers without email, duplicate customers under one email written differently, and buyers paying under another email', () => {
    const truth = computeGroundTruth(data, (id) => world.people.find((p) => p.person_id === id)!.email);
    expect(truth.people.customers_without_email).toBeGreaterThan(0);
    expect(truth.people.emails_with_several_customers).toBeGreaterThanOrEqual(3);
    expect(truth.people.customers_with_other_email).toBeGreaterThan(0);
    const byNormalized = new Map<string, string[]>();
    for (const c of data.customers) if (c.email) byNormalized.set(c.email.trim().toLowerCase(), [...(byNormalized.get(c.email.trim().toLowerCase()) ?? []), c.email]);
    const shared = [...byNormalized.values()].filter((emails) => emails.length > 1);
    for (const emails of shared) expect(new Set(emails).size).toBe(emails.length);
    expect(data.customers.some((c) => c.email !== null && c.email !== c.email.trim())).toBe(true);
    expect(data.customers.some((c) => c.email !== null && c.email !== c.email.toLowerCase())).toBe(true);
  });

  it('has subscriptions in every lifecycle status, canceled ones with canceled_at and ended_at, some with paused collection', () => {
    const statuses = new Set(data.subscriptions.map((s) => s.status));
    for (const s of ['active', 'trialing', 'past_due', 'canceled', 'paused', 'unpaid']) expect(statuses.has(s as never), s).toBe(true);
    for (const s of data.subscriptions) {
      if (s.status === 'canceled') {
        expect(s.canceled_at).toEqual(expect.any(Number));
        expect(s.ended_at).toEqual(expect.any(Number));
        expect(s.ended_at!).toBeLessThan(anchorS());
      }
      if (s.status === 'trialing') expect(s.trial_end!).toBeGreaterThan(anchorS());
    }
    expect(data.subscriptions.some((s) => s.pause_collection !== null)).toBe(true);
    expect(data.subscriptions.some((s) => s.status === 'active' && s.cancel_at_period_end)).toBe(true);
  });

  it('never bills a customer before it exists, nor a subscription before it starts or after it ends', () => {
    const customerCreated = new Map(data.customers.map((c) => [c.id, c.created] as const));
    for (const c of data.charges) expect(c.created).toBeGreaterThanOrEqual(customerCreated.get(c.customer)!);
    const subs = new Map(data.subscriptions.map((s) => [s.id, s] as const));
    for (const s of data.subscriptions) expect(s.created).toBeGreaterThanOrEqual(customerCreated.get(s.customer)!);
    for (const i of data.invoices) {
      const s = subs.get(i.parent.subscription_details.subscription)!;
      expect(i.customer).toBe(s.customer);
      expect(i.created).toBeGreaterThanOrEqual(s.created);
      if (s.ended_at !== null) expect(i.created).toBeLessThanOrEqual(s.ended_at);
    }
    for (const s of data.subscriptions) {
      if (s.cancel_at_period_end && s.status === 'active') expect(s.cancel_at!).toBeGreaterThan(anchorS());
      if (s.cancel_at_period_end && s.status === 'canceled') expect(s.cancel_at).toBe(s.ended_at);
      expect(s.latest_invoice === null || data.invoices.some((i) => i.id === s.latest_invoice)).toBe(true);
    }
  });

  it('has a customer with several subscriptions of which exactly one is canceled', () => {
    const byCustomer = new Map<string, string[]>();
    for (const s of data.subscriptions) byCustomer.set(s.customer, [...(byCustomer.get(s.customer) ?? []), s.status]);
    const found = [...byCustomer.values()].some((st) => st.length >= 2 && st.filter((x) => x === 'canceled').length === 1);
    expect(found).toBe(true);
  });

  it('bills subscriptions with invoices that are paid, open, void or uncollectible and whose totals subtract their discounts', () => {
    const subs = new Set(data.subscriptions.map((s) => s.id));
    const customers = new Set(data.customers.map((c) => c.id));
    expect(new Set(data.invoices.map((i) => i.status))).toEqual(new Set(['paid', 'open', 'void', 'uncollectible']));
    for (const i of data.invoices) {
      expect(subs.has(i.parent.subscription_details.subscription)).toBe(true);
      expect(customers.has(i.customer)).toBe(true);
      const discount = i.total_discount_amounts.reduce((s, d) => s + d.amount, 0);
      expect(i.subtotal).toBe(i.lines.data.reduce((s, l) => s + l.amount, 0));
      expect(i.total).toBe(i.subtotal - discount);
      expect(i.amount_paid).toBe(i.status === 'paid' ? i.total : 0);
      expect(i.number).toMatch(/^[A-Z0-9]{8}-\d{4}$/);
    }
    expect(data.invoices.some((i) => i.total_discount_amounts.length > 0)).toBe(true);
    const withDiscount = data.invoices.filter((i) => i.discounts.length > 0);
    const discountIds = new Set(data.discounts.map((d) => d.id));
    for (const i of withDiscount) for (const d of i.discounts) expect(discountIds.has(d)).toBe(true);
  });

  it('redeems percent and amount coupons, some through promotion codes, and counts redemptions', () => {
    expect(data.coupons.some((c) => c.percent_off !== null)).toBe(true);
    expect(data.coupons.some((c) => c.amount_off !== null && c.currency !== null)).toBe(true);
    const couponIds = new Set(data.coupons.map((c) => c.id));
    for (const d of data.discounts) expect(couponIds.has(d.source.coupon)).toBe(true);
    expect(data.discounts.some((d) => d.promotion_code !== null)).toBe(true);
    const redeemed = data.coupons.reduce((s, c) => s + c.times_redeemed, 0);
    expect(redeemed).toBe(data.discounts.length);
  });

  it('shows every case even in a tiny world, whatever the seed', () => {
    for (const seed of [1, 2, 3, 4, 5]) {
      const tiny = buildStripeData(generateWorld({ seed, scale: 0.02 }));
      expect(new Set(tiny.charges.map((c) => c.status)).size, `seed ${seed}`).toBe(3);
      expect(new Set(tiny.invoices.map((i) => i.status)), `seed ${seed}`).toEqual(new Set(['paid', 'open', 'void', 'uncollectible']));
      // `incomplete` shows where the world draws a failed first payment within the anchor's last 23 hours.
      expect(new Set(tiny.subscriptions.map((s) => s.status).filter((s) => s !== 'incomplete')), `seed ${seed}`).toEqual(
        new Set(['active', 'trialing', 'past_due', 'canceled', 'paused', 'unpaid', 'incomplete_expired']),
      );
      for (const s of tiny.subscriptions.filter((sub) => sub.status === 'incomplete')) {
        expect(Date.parse(tiny.anchor) / 1000 - s.start_date, `seed ${seed}`).toBeLessThan(23 * 3600);
      }
      expect(tiny.charges.some((c) => c.refunded) && tiny.charges.some((c) => c.amount_refunded > 0 && !c.refunded), `seed ${seed}`).toBe(true);
      expect(tiny.subscriptions.some((s) => s.pause_collection !== null), `seed ${seed}`).toBe(true);
      expect(tiny.customers.some((c) => c.email === null), `seed ${seed}`).toBe(true);
    }
  });

  it('builds the same account from the same world, and a different one from another seed', () => {
    expect(JSON.stringify(buildStripeData(generateWorld({ seed: 42, scale: 0.1 })))).toBe(JSON.stringify(data));
    const other = buildStripeData(generateWorld({ seed: 43, scale: 0.1 }));
    expect(other.charges[0]!.id).not.toBe(data.charges[0]!.id);
    expect(JSON.stringify(other.customers.map((c) => c.email))).not.toBe(JSON.stringify(data.customers.map((c) => c.email)));
  });

  // How long this takes is measured by bench/emulator-data.bench.ts.
  it('builds a few thousand customers and several thousand charges at the default scale', () => {
    const full = buildStripeData(generateWorld({ seed: 42, scale: 1 }));
    expect(full.customers.length).toBeGreaterThan(1500);
    expect(full.customers.length).toBeLessThan(5000);
    expect(full.charges.length).toBeGreaterThan(3000);
  });
});
