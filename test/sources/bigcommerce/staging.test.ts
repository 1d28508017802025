import { describe, expect, it } from 'vitest';
import { buildExamplesBeforeAll } from '../../support/example-staging';
import { syncTwiceAndBuildBeforeAll } from '../../support/synced-staging';
import { asRecord, decimalToMinor, getJson } from '../../support/staging-values';

// The staging models against the store emulator after two historical syncs of the `store`
// connection, and against the official example responses of the API reference.

describe('BigCommerce staging', () => {
  const staged = syncTwiceAndBuildBeforeAll(['store']);
  const { sql } = staged;
  const bc = () => ({ base: staged.emulators.bigcommerce.apiBaseUrl, headers: { 'x-auth-token': staged.emulators.env.CDP_T_BC! } });

  interface V2Order {
    id: number;
    customer_id: number;
    date_created: string;
    date_modified: string;
    status_id: number;
    status: string;
    currency_code: string;
    total_inc_tax: string;
    total_ex_tax: string;
    subtotal_ex_tax: string;
    refunded_amount: string;
    billing_address: { email: string };
  }

  it('keeps exact values of individual orders, incomplete ones included, as the v2 API serves them', async () => {
    const { base, headers } = bc();
    const listed = await getJson<V2Order[]>(`${base}/v2/orders?limit=4`, headers);
    const incomplete = await getJson<V2Order[]>(`${base}/v2/orders?status_id=0&limit=1`, headers);
    expect(listed).toHaveLength(4);
    expect(incomplete).toHaveLength(1);
    for (const order of [...listed, ...incomplete]) {
      // RFC 2822 with an offset; the instant must survive into UTC.
      expect(order.date_created).toMatch(/^[A-Z][a-z]{2}, \d{2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2} [+-]\d{4}$/);
      const rows = await sql(`select customer_id::int as customer_id, is_guest, status_id, source_status, is_incomplete, currency, billing_email,
          total_inc_tax_minor::varchar as total_inc_tax, total_ex_tax_minor::varchar as total_ex_tax, subtotal_ex_tax_minor::varchar as subtotal_ex_tax,
          refunded_minor::varchar as refunded, epoch_ms(created_at)::varchar as created_ms, epoch_ms(updated_at)::varchar as updated_ms
        from staging.stg_bigcommerce__orders where order_id = ${order.id}`);
      expect(rows).toEqual([
        {
          customer_id: order.customer_id === 0 ? null : order.customer_id,
          is_guest: order.customer_id === 0,
          status_id: order.status_id,
          source_status: order.status,
          is_incomplete: order.status_id === 0,
          currency: order.currency_code,
          billing_email: order.billing_address.email.trim().toLowerCase(),
          total_inc_tax: String(decimalToMinor(order.total_inc_tax)),
          total_ex_tax: String(decimalToMinor(order.total_ex_tax)),
          subtotal_ex_tax: String(decimalToMinor(order.subtotal_ex_tax)),
          refunded: String(decimalToMinor(order.refunded_amount)),
          created_ms: String(Date.parse(order.date_created)),
          updated_ms: String(Date.parse(order.date_modified)),
        },
      ]);
    }
  });

  it('sums order money per currency to the store ground truth', async () => {
    const truth = staged.emulators.bigcommerce.truth().streams.orders;
    const sums = async (column: string) =>
      asRecord(await sql(`select lower(currency) as key, sum(${column})::varchar as n from staging.stg_bigcommerce__orders group by 1`));
    expect(await sums('total_inc_tax_minor')).toEqual(truth.total_inc_tax_sum_by_currency);
    expect(await sums('total_ex_tax_minor')).toEqual(truth.total_ex_tax_sum_by_currency);
    expect(await sums('subtotal_ex_tax_minor')).toEqual(truth.subtotal_ex_tax_sum_by_currency);
    expect(await sums('coupon_discount_minor')).toEqual(truth.coupon_discount_sum_by_currency);
    expect(await sums('discount_minor')).toEqual(truth.discount_amount_sum_by_currency);
    expect(await sums('refunded_minor')).toEqual(truth.refunded_amount_sum_by_currency);
    expect(asRecord(await sql('select status_id as key, count(*)::int as n from staging.stg_bigcommerce__orders group by 1'))).toEqual(truth.count_by_status_id);
    const [flags] = await sql(`select count(*) filter (where is_guest)::int as guests, count(*) filter (where is_incomplete)::int as incomplete
      from staging.stg_bigcommerce__orders`);
    expect(flags).toEqual({ guests: truth.guest_count, incomplete: truth.count_by_status_id['0'] ?? 0 });
  });

  it('gives every order line and coupon its order\'s currency', async () => {
    const [row] = await sql(`select count(*)::int as n from staging.stg_bigcommerce__order_products p
      join staging.stg_bigcommerce__orders o using (environment, connection, order_id) where p.currency = o.currency`);
    expect(row!.n).toBe(staged.expected.store!.order_products);
  });
});

describe('the staging models over the official example responses', () => {
  const examples = buildExamplesBeforeAll('bigcommerce');

  it('BigCommerce: a v2 order\'s decimal strings become minor units and its RFC 2822 dates UTC instants', async () => {
    // orders.json: "total_inc_tax": "361.9500", "date_created": "Wed, 10 Jan 2018 21:05:30 +0000".
    expect(await examples.one(`select total_inc_tax_minor::int as total, subtotal_ex_tax_minor::int as subtotal, currency, status_id, source_status, billing_email,
        customer_id::int as customer_id, is_incomplete, strftime(created_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as created, shipped_at
      from staging.stg_bigcommerce__orders where order_id = 100`)).toEqual({
      total: 36195,
      subtotal: 33632,
      currency: 'USD',
      status_id: 11,
      source_status: 'Awaiting Fulfillment',
      billing_email: 'janedoe@example.com',
      customer_id: 20,
      is_incomplete: false,
      created: '2018-01-10T21:05:30Z',
      shipped_at: null,
    });
    // order_coupons.json sends JSON numbers: "amount": 5, "discount": 5.
    expect(await examples.one('select discount_minor::int as discount, coupon_value::double as value, coupon_type from staging.stg_bigcommerce__order_coupons')).toEqual({ discount: 500, value: 5, coupon_type: 2 });
    expect(await examples.one(`select total_inc_tax_minor::int as total, quantity::int as quantity from staging.stg_bigcommerce__order_products where order_product_id = 65`)).toEqual({ total: 6523, quantity: 1 });
    expect(await examples.one(`select strftime(updated_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as updated from staging.stg_bigcommerce__products`)).toEqual({ updated: '2018-09-05T20:42:07Z' });
  });
});
