import { describe, expect, it } from 'vitest';
import { syncTwiceAndBuildBeforeAll } from '../support/synced-staging';

// Every staging model of the emulated sources, side by side: each holds each record once after
// two historical syncs, and every source types its keys, times and money the same way.

/** Each staging model of these sources, the connection that feeds it and the streams it holds. */
const MODELS: { model: string; connection: string; streams: string[] }[] = [
  { model: 'stg_activecampaign__contacts', connection: 'crm', streams: ['contacts'] },
  { model: 'stg_activecampaign__tags', connection: 'crm', streams: ['tags'] },
  { model: 'stg_activecampaign__contact_tags', connection: 'crm', streams: ['contact_tags'] },
  { model: 'stg_activecampaign__fields', connection: 'crm', streams: ['fields'] },
  { model: 'stg_activecampaign__field_values', connection: 'crm', streams: ['field_values'] },
  { model: 'stg_activecampaign__ecom_customers', connection: 'crm', streams: ['ecom_customers'] },
  { model: 'stg_activecampaign__ecom_orders', connection: 'crm', streams: ['ecom_orders'] },
  { model: 'stg_activecampaign__ecom_order_products', connection: 'crm', streams: ['ecom_order_products'] },
  { model: 'stg_activecampaign__connections', connection: 'crm', streams: ['connections'] },
  { model: 'stg_thrivecart__transactions', connection: 'cart', streams: ['transactions'] },
  { model: 'stg_bigcommerce__orders', connection: 'store', streams: ['orders', 'incomplete_orders'] },
  { model: 'stg_bigcommerce__order_products', connection: 'store', streams: ['order_products'] },
  { model: 'stg_bigcommerce__order_coupons', connection: 'store', streams: ['order_coupons'] },
  { model: 'stg_bigcommerce__customers', connection: 'store', streams: ['customers'] },
  { model: 'stg_bigcommerce__products', connection: 'store', streams: ['products'] },
  { model: 'stg_facebook_ads__insights', connection: 'ads', streams: ['insights'] },
  { model: 'stg_facebook_ads__campaigns', connection: 'ads', streams: ['campaigns'] },
  { model: 'stg_facebook_ads__ad_account', connection: 'ads', streams: ['ad_account'] },
];

/** The connections synced here, and the source each one reads. */
const SOURCE_OF_CONNECTION: Record<string, string> = { crm: 'activecampaign', cart: 'thrivecart', store: 'bigcommerce', ads: 'facebook_ads' };

/** Typed columns every record of the emulated sources fills: keys, times, money and currencies. */
const ALWAYS_FILLED: Record<string, string[]> = {
  stg_activecampaign__contacts: ['contact_id', 'email_raw', 'email', 'created_at', 'updated_at'],
  stg_activecampaign__tags: ['tag_id', 'tag_name', 'created_at'],
  stg_activecampaign__contact_tags: ['contact_tag_id', 'contact_id', 'tag_id', 'tagged_at'],
  stg_activecampaign__fields: ['field_id', 'title', 'created_at', 'updated_at'],
  stg_activecampaign__field_values: ['field_value_id', 'contact_id', 'field_id', 'created_at', 'updated_at'],
  stg_activecampaign__ecom_customers: ['ecom_customer_id', 'ecom_connection_id', 'email', 'updated_at'],
  stg_activecampaign__ecom_orders: ['ecom_order_id', 'ecom_customer_id', 'total_minor', 'discount_minor', 'shipping_minor', 'tax_minor', 'currency', 'ordered_at', 'created_at', 'updated_at'],
  stg_activecampaign__ecom_order_products: ['ecom_order_product_id', 'ecom_order_id', 'price_minor', 'quantity', 'currency', 'created_at', 'updated_at'],
  stg_activecampaign__connections: ['ecom_connection_id', 'created_at', 'updated_at'],
  stg_thrivecart__transactions: ['transaction_id', 'transaction_type', 'amount_minor', 'currency', 'occurred_at', 'customer_email'],
  stg_bigcommerce__orders: [
    'order_id', 'status_id', 'source_status', 'currency', 'billing_email', 'created_at', 'updated_at', 'subtotal_ex_tax_minor', 'subtotal_inc_tax_minor',
    'shipping_cost_inc_tax_minor', 'total_ex_tax_minor', 'total_tax_minor', 'total_inc_tax_minor', 'discount_minor', 'coupon_discount_minor', 'refunded_minor',
  ],
  stg_bigcommerce__order_products: ['order_product_id', 'order_id', 'product_id', 'quantity', 'currency', 'base_price_minor', 'price_inc_tax_minor', 'total_inc_tax_minor'],
  stg_bigcommerce__order_coupons: ['order_coupon_id', 'order_id', 'coupon_id', 'code', 'coupon_value', 'discount_minor', 'currency'],
  stg_bigcommerce__customers: ['customer_id', 'email', 'created_at', 'updated_at'],
  stg_bigcommerce__products: ['product_id', 'product_name', 'created_at', 'updated_at'],
  stg_facebook_ads__insights: ['campaign_id', 'spend_date', 'campaign_name', 'spend_minor', 'currency', 'impressions', 'clicks'],
  stg_facebook_ads__campaigns: ['campaign_id', 'campaign_name', 'source_status', 'currency', 'created_at', 'updated_at'],
  stg_facebook_ads__ad_account: ['ad_account_id', 'ad_account_name', 'currency', 'time_zone', 'utc_offset_hours', 'account_status'],
};

const staged = syncTwiceAndBuildBeforeAll(Object.keys(SOURCE_OF_CONNECTION));
const { sql } = staged;

describe('staging after two historical syncs of every connection', () => {
  it('raw holds every landed record twice', async () => {
    for (const connection of Object.keys(SOURCE_OF_CONNECTION)) {
      for (const [stream, n] of Object.entries(staged.expected[connection]!)) {
        const [row] = await sql(`select count(*)::int as n from raw.${SOURCE_OF_CONNECTION[connection]}__${stream}`);
        expect(row!.n, `raw.${SOURCE_OF_CONNECTION[connection]}__${stream}`).toBe(2 * n);
      }
    }
  });

  it('each staging model holds each source record once', async () => {
    const counts: Record<string, number> = {};
    const want: Record<string, number> = {};
    for (const { model, connection, streams } of MODELS) {
      const [row] = await sql(`select count(*)::int as n from staging.${model}`);
      counts[model] = row!.n as number;
      want[model] = streams.reduce((n, s) => n + staged.expected[connection]![s]!, 0);
    }
    expect(counts).toEqual(want);
    expect(Object.values(want).every((n) => n > 0)).toBe(true);
  });

  it('typed keys, times, money and currencies are never NULL where the source always sends them', async () => {
    const nulls: Record<string, number> = {};
    for (const [model, columns] of Object.entries(ALWAYS_FILLED)) {
      const [row] = await sql(`select ${columns.map((c) => `count(*) filter (where ${c} is null)::int as ${c}`).join(', ')} from staging.${model}`);
      for (const c of columns) nulls[`${model}.${c}`] = row![c] as number;
    }
    expect(Object.entries(nulls).filter(([, n]) => n > 0)).toEqual([]);
  });

  it('money and times are typed: BIGINT minor units, TIMESTAMPTZ, DATE', async () => {
    const rows = await sql(`select table_name, column_name, data_type from information_schema.columns
      where table_schema = 'staging' and table_name not like 'stg_stripe%'
        and (column_name like '%\\_minor' escape '\\' or column_name like '%\\_at' escape '\\' or column_name = 'spend_date')`);
    expect(rows.length).toBeGreaterThan(40);
    for (const r of rows) {
      const want = r.column_name === 'spend_date' ? 'DATE' : String(r.column_name).endsWith('_minor') ? 'BIGINT' : 'TIMESTAMP WITH TIME ZONE';
      expect(`${r.table_name}.${r.column_name} ${r.data_type}`).toBe(`${r.table_name}.${r.column_name} ${want}`);
    }
  });
});
