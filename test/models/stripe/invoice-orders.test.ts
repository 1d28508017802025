import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import type { LoadedConfig } from '../../../lib/config';
import { PROJECT_ROOT } from '../../../lib/paths';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { makeWorkspace } from '../../support/workspace';
import { landRawRows } from '../../support/raw-lake';

// Stripe's orders over a small account written by hand, its invoices in both shapes Stripe has used:
// before basil an invoice names the charge that paid it (and the charge its invoice); since, only the
// invoice's expanded `payments` say what paid it, a charge or a payment intent. Three customers:
//   A: in_1 (acacia) names ch_1; 20% off with promotion code SPRING. ch_7 is a one-off purchase.
//   B: ch_2 (acacia) names in_2 (dahlia, payments not expanded); $10 off, a coupon without a code.
//      in_4 (dahlia) is paid by payment intent pi_4: ch_4a declined, ch_4b succeeded; SPRING again.
//   C: in_3 (dahlia) is paid by charge ch_3 (no payment intent). in_5 (send_invoice) was paid outside
//      Stripe. in_6 is a $0 trial invoice.
// Events bring newer versions of objects without what only an expanded listing shows: in_4 again
// (updated after the sync, without its payments), and an `invoice_payment` naming in_8 (listed without
// payments) and its intent pi_8, which ch_8 of customer A belongs to.
// The expected rows below are worked out by hand from these records.

const T = (day: number) => Date.parse(`2026-04-${String(day).padStart(2, '0')}T12:00:00Z`) / 1000;

const SPRING20 = { id: 'SPRING20', object: 'coupon', percent_off: 20, amount_off: null, currency: null, duration: 'forever', name: 'Spring', created: T(1) - 86_400, times_redeemed: 2, valid: true };
const TENOFF = { id: 'TENOFF', object: 'coupon', percent_off: null, amount_off: 1000, currency: 'usd', duration: 'once', name: 'Ten off', created: T(1) - 86_400, times_redeemed: 1, valid: true };
const PROMO = { id: 'promo_1', object: 'promotion_code', code: 'SPRING', active: true, created: T(1) - 3600, times_redeemed: 2, promotion: { coupon: 'SPRING20', type: 'coupon' } };

const customer = (id: string, email: string) => ({ id, object: 'customer', email, name: `Customer ${id.slice(-1)}`, created: T(1) - 7 * 86_400, livemode: true, metadata: {} });

/** A card charge as the charges list shows it (in the pinned version: no `invoice`). */
const charge = (id: string, customerId: string, paymentIntent: string | null, amount: number, created: number, status = 'succeeded', extra: Record<string, unknown> = {}) => ({
  id,
  object: 'charge',
  customer: customerId,
  payment_intent: paymentIntent,
  amount,
  amount_captured: status === 'succeeded' ? amount : 0,
  amount_refunded: 0,
  currency: 'usd',
  status,
  paid: status === 'succeeded',
  refunded: false,
  captured: status === 'succeeded',
  failure_code: status === 'failed' ? 'card_declined' : null,
  billing_details: { email: null, name: null },
  description: 'Subscription update',
  metadata: {},
  created,
  ...extra,
});

/** An invoice's common fields; each case adds the shape of its version. */
const invoice = (id: string, customerId: string, subtotal: number, total: number, paidAt: number, extra: Record<string, unknown>) => ({
  id,
  object: 'invoice',
  customer: customerId,
  status: 'paid',
  currency: 'usd',
  subtotal,
  total,
  amount_due: total,
  amount_paid: total,
  created: paidAt - 3600,
  status_transitions: { finalized_at: paidAt - 3600, paid_at: paidAt },
  ...extra,
});
/** The subscription link: at the top level before basil, under `parent` since. */
const acaciaSub = (sub: string) => ({ subscription: sub });
const dahliaSub = (sub: string) => ({ parent: { type: 'subscription_details', subscription_details: { subscription: sub, metadata: {} } }, subscription: null });
const payments = (...data: Record<string, unknown>[]) => ({ payments: { object: 'list', data, has_more: false, url: '/v1/invoices/x/payments' } });

const INVOICES = [
  // Before basil (and clover): the invoice names its charge and intent; its discount embeds the whole coupon.
  invoice('in_1', 'cus_A', 10000, 8000, T(1), {
    ...acaciaSub('sub_1'),
    charge: 'ch_1',
    payment_intent: 'pi_1',
    paid: true,
    paid_out_of_band: false,
    discounts: [{ id: 'di_1', object: 'discount', coupon: SPRING20, promotion_code: 'promo_1', customer: 'cus_A', subscription: 'sub_1', start: T(1) - 3600 }],
    total_discount_amounts: [{ amount: 2000, discount: 'di_1' }],
  }),
  // Since basil, read from an event: no payments; the charge (before basil) names it.
  invoice('in_2', 'cus_B', 5000, 4000, T(2), {
    ...dahliaSub('sub_2'),
    discounts: [{ id: 'di_2', object: 'discount', source: { coupon: 'TENOFF', type: 'coupon' }, promotion_code: null, customer: 'cus_B', subscription: 'sub_2', start: T(2) - 3600 }],
    total_discount_amounts: [{ amount: 1000, discount: 'di_2' }],
  }),
  invoice('in_3', 'cus_C', 3000, 3000, T(3), {
    ...dahliaSub('sub_3'),
    discounts: [],
    total_discount_amounts: [],
    ...payments({ id: 'inpay_3', object: 'invoice_payment', status: 'paid', amount_paid: 3000, payment: { type: 'charge', charge: 'ch_3' } }),
  }),
  invoice('in_4', 'cus_B', 5000, 4000, T(4), {
    ...dahliaSub('sub_4'),
    discounts: [{ id: 'di_4', object: 'discount', source: { coupon: 'SPRING20', type: 'coupon' }, promotion_code: 'promo_1', customer: 'cus_B', subscription: 'sub_4', start: T(4) - 3600 }],
    total_discount_amounts: [{ amount: 1000, discount: { id: 'di_4', object: 'discount', source: { coupon: 'SPRING20', type: 'coupon' }, promotion_code: 'promo_1' } }],
    ...payments({ id: 'inpay_4', object: 'invoice_payment', status: 'paid', amount_paid: 4000, payment: { type: 'payment_intent', payment_intent: 'pi_4' } }),
  }),
  // Emailed and paid outside Stripe: no charge, no payment intent.
  invoice('in_5', 'cus_C', 6000, 6000, T(5), {
    ...acaciaSub('sub_5'),
    collection_method: 'send_invoice',
    charge: null,
    payment_intent: null,
    paid: true,
    paid_out_of_band: true,
    discounts: [],
    total_discount_amounts: [],
  }),
  // A trial's invoice: paid, with nothing to pay.
  invoice('in_6', 'cus_C', 0, 0, T(6), { ...dahliaSub('sub_6'), discounts: [], total_discount_amounts: [], ...payments() }),
  invoice('in_8', 'cus_A', 2500, 2500, T(8), { ...dahliaSub('sub_8'), discounts: [], total_discount_amounts: [] }),
];

/** An event of the pinned version, written after the listing was read. */
const event = (n: number, type: string, object: Record<string, unknown>) => ({
  id: `evt_${n}`, object: 'event', api_version: '2026-07-29.dahlia', created: Date.parse('2026-04-11T00:00:00Z') / 1000 + n, livemode: true, type, data: { object },
});
const in4WithoutPayments = Object.fromEntries(Object.entries(INVOICES[3]!).filter(([key]) => key !== 'payments'));
const EVENTS = [
  event(1, 'invoice.updated', { ...in4WithoutPayments, metadata: { note: 'thanks' } }),
  event(2, 'invoice_payment.paid', {
    id: 'inpay_8', object: 'invoice_payment', invoice: 'in_8', status: 'paid', amount_paid: 2500, amount_requested: 2500, currency: 'usd', created: T(8) - 3600,
    is_default: true, livemode: true, payment: { type: 'payment_intent', payment_intent: 'pi_8' }, status_transitions: { canceled_at: null, paid_at: T(8) },
  }),
];

const CHARGES = [
  charge('ch_1', 'cus_A', 'pi_1', 8000, T(1)),
  // Before basil a charge named the invoice it paid.
  charge('ch_2', 'cus_B', 'pi_2', 4000, T(2), 'succeeded', { invoice: 'in_2' }),
  charge('ch_3', 'cus_C', null, 3000, T(3)),
  charge('ch_4a', 'cus_B', 'pi_4', 4000, T(4) - 240, 'failed'),
  charge('ch_4b', 'cus_B', 'pi_4', 4000, T(4)),
  charge('ch_7', 'cus_A', 'pi_7', 1500, T(7), 'succeeded', { description: 'Poster' }),
  charge('ch_8', 'cus_A', 'pi_8', 2500, T(8)),
];

let ws: ReturnType<typeof makeWorkspace>;
let config: LoadedConfig;
const sql = async (query: string) => (await queryWarehouse(config.layout.warehouse, query)).rows;

beforeAll(async () => {
  ws = makeWorkspace([{ id: 'pay', source: 'stripe', environment: 'live', base_url: 'https://api.stripe.com', credential_env: 'CDP_STRIPE' }], { reporting_currency: 'usd' });
  config = ws.config();
  const land = (stream: string, records: Record<string, unknown>[]) =>
    landRawRows(
      config,
      { source: 'stripe', stream, connection: 'pay', environment: 'live', syncId: 'by-hand', syncMode: 'historical', seq: 0 },
      records.map((r) => ({ primaryKey: String(r.id), cursorValue: null, syncedAt: new Date('2026-04-10T00:00:00Z'), payload: r })),
    );
  await land('customers', [customer('cus_A', 'a@shop.example'), customer('cus_B', 'b@shop.example'), customer('cus_C', 'c@shop.example')]);
  await land('coupons', [SPRING20, TENOFF]);
  await land('promotion_codes', [PROMO]);
  await land('invoices', INVOICES);
  await land('charges', CHARGES);
  await land('events', EVENTS);
  await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
}, 120_000);

afterAll(() => ws?.cleanup());

describe("Stripe invoices in the order story, in both of Stripe's shapes", () => {
  it('makes each invoice paid by a charge one order, the charge’s, with the invoice’s discount, code and subscription; an invoice paid outside Stripe its own', async () => {
    const rows = await sql(`select source_order_id as id, status, total_minor::int as total, discount_minor::int as discount, coupon_code as code,
        split_part(subscription_id, ':', 3) as sub, epoch(ordered_at)::bigint::int as at, is_discounted
      from core.orders where source = 'stripe' order by 1`);
    const order = (id: string, status: string, total: number, discount: number | null, code: string | null, sub: string | null, at: number) => ({
      id, status, total, discount, code, sub, at, is_discounted: (discount ?? 0) > 0 || code !== null,
    });
    expect(rows).toEqual([
      order('ch_1', 'paid', 8000, 2000, 'SPRING', 'sub_1', T(1)),
      order('ch_2', 'paid', 4000, 1000, null, 'sub_2', T(2)),
      order('ch_3', 'paid', 3000, 0, null, 'sub_3', T(3)),
      // The declined attempt was at paying in_4 too: a failed order of the same invoice, taking no money.
      order('ch_4a', 'failed', 4000, 1000, 'SPRING', 'sub_4', T(4) - 240),
      order('ch_4b', 'paid', 4000, 1000, 'SPRING', 'sub_4', T(4)),
      order('ch_7', 'paid', 1500, null, null, null, T(7)),
      // Linked by the invoice_payment event alone.
      order('ch_8', 'paid', 2500, 0, null, 'sub_8', T(8)),
      // Paid outside Stripe: the invoice is the order, at its payment time. in_6 (nothing to pay) is none.
      order('in_5', 'paid', 6000, 0, null, 'sub_5', T(5)),
    ]);
  });

  it("gives each customer the orders, revenue, discount and codes of the money taken", async () => {
    const rows = await sql(`select c.email, m.orders_count, m.net_revenue_minor::int as net, m.discounted_orders, m.discount_received_minor::int as discount, m.promo_codes_used
      from marts.customer_metrics as m join core.customers as c using (customer_id) order by 1`);
    expect(rows).toEqual([
      // ch_1, ch_7 and ch_8; ch_1 used SPRING.
      { email: 'a@shop.example', orders_count: 3, net: 8000 + 1500 + 2500, discounted_orders: 1, discount: 2000, promo_codes_used: 1 },
      // ch_2 (a coupon without a code) and ch_4b (SPRING); the declined ch_4a took nothing.
      { email: 'b@shop.example', orders_count: 2, net: 4000 + 4000, discounted_orders: 2, discount: 1000 + 1000, promo_codes_used: 1 },
      // ch_3 and the out-of-band in_5.
      { email: 'c@shop.example', orders_count: 2, net: 3000 + 6000, discounted_orders: 0, discount: 0, promo_codes_used: 0 },
    ]);
  });

  it('credits the promotion code and the coupons with the orders that took money with them', async () => {
    const codes = await sql('select source_promotion_code_id as id, code, orders_count, customers_count, discount_minor::int as discount from core.promotion_codes where source = \'stripe\'');
    expect(codes).toEqual([{ id: 'promo_1', code: 'SPRING', orders_count: 2, customers_count: 2, discount: 2000 + 1000 }]);
    const usage = await sql(`select kind, split_part(key, ':', 3) as key, orders_count, customers_count, discount_minor::int as discount, revenue_minor::int as revenue
      from core.coupon_usage order by 1, 2`);
    expect(usage).toEqual([
      { kind: 'coupon', key: 'SPRING20', orders_count: 2, customers_count: 2, discount: 3000, revenue: 8000 + 4000 },
      { kind: 'coupon', key: 'TENOFF', orders_count: 1, customers_count: 1, discount: 1000, revenue: 4000 },
      { kind: 'promotion_code', key: 'TENOFF', orders_count: 1, customers_count: 1, discount: 1000, revenue: 4000 },
      { kind: 'promotion_code', key: 'promo_1', orders_count: 2, customers_count: 2, discount: 3000, revenue: 8000 + 4000 },
    ]);
  });
});
