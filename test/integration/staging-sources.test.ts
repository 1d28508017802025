import type { TestWorkflowEnvironment } from '@temporalio/testing';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeLandedFile } from '../../activities/landing/lake';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { allSourceSpecs } from '../../activities/sources/registry';
import { readPath } from '../../activities/sources/read-path';
import { queryWarehouse } from '../../app/query';
import { runBuild } from '../../app/builds';
import { startSync, waitForSync } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { expectedRows, startSourceEmulators, type SourceEmulators } from '../support/source-emulators';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// The staging models were written from the APIs' documentation and official examples; the
// emulators were written apart from them. After two full historical syncs (so raw holds every
// record twice) the staging views must hold each record once, typed, with the emulator's own sums.

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let emulators: SourceEmulators;
let expected: Record<string, Record<string, number>>;

const CONNECTIONS = ['stripe', 'crm', 'cart', 'store', 'ads'] as const;

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
];

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
};

beforeAll(async () => {
  [env, emulators] = await Promise.all([startDevServer(), startSourceEmulators(3, 0.1)]);
  Object.assign(process.env, emulators.env);
  ws = makeWorkspace(emulators.connections);
  expected = await expectedRows(emulators);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
  // Twice over, so every record lands two versions that staging must fold into one.
  for (let round = 0; round < 2; round++) await Promise.all(CONNECTIONS.map(historical));
  await runBuild(env.client);
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await emulators?.close();
  ws?.cleanup();
});

async function historical(connectionId: string): Promise<void> {
  const handle = await startSync(env.client, findConnection(ws.config(), connectionId), { mode: 'historical' });
  await waitForSync(handle, () => {});
}

const sql = async (query: string) => (await queryWarehouse(ws.config().layout.warehouse, query)).rows;

/** Rows of `key, n` as a record of numbers (sums travel as text: BIGINT exceeds JSON's safe range in general). */
const asRecord = (rows: Record<string, unknown>[]) => Object.fromEntries(rows.map((r) => [String(r.key), Number(r.n)]));

/** A decimal string ("123.4500", "18.4") in minor units, rounded half away from zero, without floating point. */
function decimalToMinor(decimal: string): number {
  const negative = decimal.startsWith('-');
  const [whole, fraction = ''] = decimal.replace(/^-/, '').split('.');
  const tenThousandths = Number(whole) * 10_000 + Number(`${fraction}0000`.slice(0, 4));
  const minor = Math.floor(tenThousandths / 100) + (tenThousandths % 100 >= 50 ? 1 : 0);
  return negative ? -minor : minor;
}

async function getJson<T>(url: string, headers: Record<string, string> = {}): Promise<T> {
  const response = await fetch(url, { headers: { accept: 'application/json', ...headers } });
  expect(response.status, url).toBe(200);
  return (await response.json()) as T;
}

describe('staging after two historical syncs of every connection', () => {
  it('raw holds every landed record twice', async () => {
    for (const connection of CONNECTIONS) {
      if (connection === 'stripe') continue;
      for (const [stream, n] of Object.entries(expected[connection]!)) {
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
      want[model] = streams.reduce((n, s) => n + expected[connection]![s]!, 0);
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

describe('BigCommerce staging', () => {
  const bc = () => ({ base: emulators.bigcommerce.apiBaseUrl, headers: { 'x-auth-token': emulators.env.CDP_T_BC! } });

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
    const truth = emulators.bigcommerce.truth().streams.orders;
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
    expect(row!.n).toBe(expected.store!.order_products);
  });
});

describe('ActiveCampaign staging', () => {
  const ac = () => ({ base: `${emulators.activecampaign.url}/api/3`, headers: { 'api-token': emulators.env.CDP_T_AC! } });

  it('keeps exact values of individual contacts, times moved from the account offset to UTC', async () => {
    const { base, headers } = ac();
    const { contacts } = await getJson<{ contacts: { id: string; email: string; cdate: string; udate: string }[] }>(`${base}/contacts?limit=5`, headers);
    expect(contacts).toHaveLength(5);
    for (const contact of contacts) {
      expect(contact.cdate).toMatch(/T\d{2}:\d{2}:\d{2}[+-]\d{2}:\d{2}$/);
      const rows = await sql(`select email_raw, email, epoch_ms(created_at)::varchar as created_ms, epoch_ms(updated_at)::varchar as updated_ms
        from staging.stg_activecampaign__contacts where contact_id = ${Number(contact.id)}`);
      expect(rows).toEqual([
        { email_raw: contact.email, email: contact.email.trim().toLowerCase(), created_ms: String(Date.parse(contact.cdate)), updated_ms: String(Date.parse(contact.udate)) },
      ]);
    }
  });

  it('normalizes contact emails as the account ground truth counts them', async () => {
    const { people } = emulators.activecampaign.truth();
    const [row] = await sql(`select count(distinct email)::int as distinct_emails, count(*) filter (where email <> email_raw)::int as unnormalized
      from staging.stg_activecampaign__contacts`);
    expect(row).toEqual({ distinct_emails: people.distinct_normalized_contact_emails, unnormalized: people.contacts_with_unnormalized_email });
  });

  it('sums Deep Data orders per currency and state to the account ground truth', async () => {
    const { ecom } = emulators.activecampaign.truth();
    const totals = asRecord(await sql('select lower(currency) as key, sum(total_minor)::varchar as n from staging.stg_activecampaign__ecom_orders group by 1'));
    expect(totals).toEqual(ecom.order_total_by_currency);
    const completed = asRecord(await sql(`select lower(currency) as key, sum(total_minor)::varchar as n from staging.stg_activecampaign__ecom_orders
      where source_status = '1' group by 1`));
    expect(completed).toEqual(ecom.completed_total_by_currency);
    expect(asRecord(await sql('select source_status as key, count(*)::int as n from staging.stg_activecampaign__ecom_orders group by 1'))).toEqual(ecom.orders_by_state);
  });

  it('links tags and custom field values to their tags and fields as the account does', async () => {
    const truth = emulators.activecampaign.truth();
    const byTag = asRecord(await sql(`select t.tag_name as key, count(ct.contact_tag_id)::int as n from staging.stg_activecampaign__tags t
      left join staging.stg_activecampaign__contact_tags ct using (environment, connection, tag_id) group by 1`));
    expect(byTag).toEqual(truth.tags.contacts_by_tag);
    const byField = asRecord(await sql(`select f.title as key, count(v.field_value_id)::int as n from staging.stg_activecampaign__fields f
      left join staging.stg_activecampaign__field_values v using (environment, connection, field_id) group by 1`));
    expect(byField).toEqual(truth.fields.values_by_field);
  });
});

describe('ThriveCart staging', () => {
  it('keeps exact values of individual transactions', async () => {
    const { transactions } = await getJson<{ transactions: { event_id: string; timestamp: number; transaction_type: string; amount: number; currency: string; customer: { email: string } }[] }>(
      `${emulators.thrivecart.apiBaseUrl}/transactions?page=1&perPage=5&transactionType=any`,
      { authorization: `Bearer ${emulators.env.CDP_T_TC!}` },
    );
    expect(transactions).toHaveLength(5);
    for (const t of transactions) {
      const rows = await sql(`select transaction_type, amount_minor::int as amount, currency, customer_email, epoch_ms(occurred_at)::varchar as occurred_ms
        from staging.stg_thrivecart__transactions where transaction_id = ${Number(t.event_id)}`);
      expect(rows).toEqual([
        { transaction_type: t.transaction_type, amount: t.amount, currency: t.currency.toUpperCase(), customer_email: t.customer.email.trim().toLowerCase(), occurred_ms: String(t.timestamp * 1000) },
      ]);
    }
  });

  it('sums amounts per transaction type and currency to the account ground truth', async () => {
    const truth = emulators.thrivecart.truth().streams.transactions;
    const rows = await sql(`select transaction_type, lower(currency) as currency, sum(amount_minor)::varchar as n, count(*)::int as events
      from staging.stg_thrivecart__transactions group by all`);
    const sums: Record<string, Record<string, number>> = Object.fromEntries(Object.keys(truth.amount_sum_by_type).map((type) => [type, {}]));
    const counts: Record<string, number> = Object.fromEntries(Object.keys(truth.count_by_type).map((type) => [type, 0]));
    for (const r of rows) {
      (sums[String(r.transaction_type)] ??= {})[String(r.currency)] = Number(r.n);
      counts[String(r.transaction_type)] = (counts[String(r.transaction_type)] ?? 0) + Number(r.events);
    }
    expect(sums).toEqual(truth.amount_sum_by_type);
    expect(counts).toEqual(truth.count_by_type);
  });
});

describe('Facebook Ads staging', () => {
  const graph = () => ({ base: `${emulators.facebook.url}/v19.0/${emulators.facebook.adAccountId}`, token: emulators.env.CDP_T_FB! });

  it('keeps exact values of individual campaign-days: spend in minor units on the account\'s day', async () => {
    const { base, token } = graph();
    const params = new URLSearchParams({
      level: 'campaign',
      time_increment: '1',
      date_preset: 'maximum',
      fields: 'campaign_id,date_start,spend,impressions,clicks,account_currency',
      limit: '5',
      access_token: token,
    });
    const { data } = await getJson<{ data: { campaign_id: string; date_start: string; spend: string; impressions: string; clicks: string; account_currency: string }[] }>(`${base}/insights?${params}`);
    expect(data).toHaveLength(5);
    for (const row of data) {
      const rows = await sql(`select spend_minor::varchar as spend, impressions::varchar as impressions, clicks::varchar as clicks, currency
        from staging.stg_facebook_ads__insights where campaign_id = '${row.campaign_id}' and spend_date = date '${row.date_start}'`);
      expect(rows).toEqual([{ spend: String(decimalToMinor(row.spend)), impressions: row.impressions, clicks: row.clicks, currency: row.account_currency }]);
    }
  });

  it('sums spend, impressions and clicks, in total and per campaign, to the ad account ground truth', async () => {
    const truth = emulators.facebook.truth();
    const [totals] = await sql(`select sum(spend_minor)::varchar as spend_minor, sum(impressions)::varchar as impressions, sum(clicks)::varchar as clicks,
        count(*)::int as row_count, lower(any_value(currency)) as currency, count(distinct currency)::int as currencies
      from staging.stg_facebook_ads__insights`);
    expect(totals).toEqual({
      spend_minor: String(truth.totals.spend_minor),
      impressions: String(truth.totals.impressions),
      clicks: String(truth.totals.clicks),
      row_count: truth.totals.row_count,
      currency: truth.ad_account.currency.toLowerCase(),
      currencies: 1,
    });
    const byCampaign = asRecord(await sql('select campaign_id as key, sum(spend_minor)::varchar as n from staging.stg_facebook_ads__insights group by 1'));
    const want = Object.fromEntries(truth.campaigns.filter((c) => c.row_count > 0).map((c) => [c.id, c.spend_minor]));
    expect(byCampaign).toEqual(want);
  });

  it('reads campaign times with colon-less offsets to the right UTC instant', async () => {
    const { base, token } = graph();
    const params = new URLSearchParams({ fields: 'id,name,status,updated_time,created_time', access_token: token });
    const { data } = await getJson<{ data: { id: string; name: string; status: string; updated_time: string; created_time: string }[] }>(`${base}/campaigns?${params}`);
    expect(data.length).toBeGreaterThan(0);
    // "2025-09-06T17:00:00-0700" is not ECMAScript's date format; give the offset its colon first.
    const instant = (graphTime: string) => String(Date.parse(graphTime.replace(/([+-]\d{2})(\d{2})$/, '$1:$2')));
    for (const c of data) {
      expect(c.updated_time).toMatch(/[+-]\d{4}$/);
      const rows = await sql(`select campaign_name, source_status, epoch_ms(updated_at)::varchar as updated_ms, epoch_ms(created_at)::varchar as created_ms
        from staging.stg_facebook_ads__campaigns where campaign_id = '${c.id}'`);
      expect(rows).toEqual([{ campaign_name: c.name, source_status: c.status, updated_ms: instant(c.updated_time), created_ms: instant(c.created_time) }]);
    }
  });
});

describe('the staging models over the official example responses', () => {
  let warehouse: string;
  let fixtureWs: ReturnType<typeof makeWorkspace>;

  beforeAll(async () => {
    fixtureWs = makeWorkspace([]);
    const config = fixtureWs.config();
    // Only staging: the examples are not a coherent business, and core models are not under test here.
    const modelsDir = path.join(fixtureWs.dir, 'models');
    fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
    for (const f of fs.readdirSync(path.join(PROJECT_ROOT, 'models', 'staging'))) fs.copyFileSync(path.join(PROJECT_ROOT, 'models', 'staging', f), path.join(modelsDir, 'staging', f));
    const folders: Record<string, string> = { activecampaign: 'activecampaign', thrivecart: 'thrivecart', bigcommerce: 'bigcommerce', facebook_ads: 'facebook-ads' };
    for (const source of allSourceSpecs()) {
      const folder = folders[source.name];
      if (!folder) continue;
      for (const stream of source.streams) {
        const file = path.join(PROJECT_ROOT, 'test', 'fixtures', folder, `${stream.name}.json`);
        if (!fs.existsSync(file)) continue;
        const body = JSON.parse(fs.readFileSync(file, 'utf8')) as unknown;
        const records = (stream.recordsPath ? readPath(body, stream.recordsPath) : body) as Record<string, unknown>[];
        const target = { source: source.name, stream: stream.name, connection: 'examples', environment: 'live', syncId: 'examples', syncMode: 'historical', seq: 0 };
        await writeLandedFile(
          config.layout.raw,
          target,
          records.map((r) => ({ primaryKey: String(readPath(r, stream.primaryKey) ?? ''), cursorValue: null, syncedAt: new Date('2026-01-01T00:00:00Z'), payload: r })),
        );
      }
    }
    warehouse = (await buildWarehouse(config, { modelsDir })).warehouse;
  });

  afterAll(() => fixtureWs?.cleanup());

  const one = async (query: string) => {
    const { rows } = await queryWarehouse(warehouse, query);
    expect(rows).toHaveLength(1);
    return rows[0]!;
  };

  it('BigCommerce: a v2 order\'s decimal strings become minor units and its RFC 2822 dates UTC instants', async () => {
    // orders.json: "total_inc_tax": "361.9500", "date_created": "Wed, 10 Jan 2018 21:05:30 +0000".
    expect(await one(`select total_inc_tax_minor::int as total, subtotal_ex_tax_minor::int as subtotal, currency, status_id, source_status, billing_email,
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
    expect(await one('select discount_minor::int as discount, coupon_value::double as value, coupon_type from staging.stg_bigcommerce__order_coupons')).toEqual({ discount: 500, value: 5, coupon_type: 2 });
    expect(await one(`select total_inc_tax_minor::int as total, quantity::int as quantity from staging.stg_bigcommerce__order_products where order_product_id = 65`)).toEqual({ total: 6523, quantity: 1 });
    expect(await one(`select strftime(updated_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as updated from staging.stg_bigcommerce__products`)).toEqual({ updated: '2018-09-05T20:42:07Z' });
  });

  it('ActiveCampaign: offsets become UTC, cents arrive as strings or numbers, emails are normalized', async () => {
    // contacts.json: "cdate": "2017-07-24T12:09:52-05:00".
    expect(await one(`select strftime(created_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as created, email from staging.stg_activecampaign__contacts where contact_id = 1`)).toEqual({
      created: '2017-07-24T17:09:52Z',
      email: 'johndoe@example.com',
    });
    // ecom_orders.json holds two versions of order 1 ("1000" as a string, then 9111 as a number); the later one wins.
    expect(await one('select total_minor::int as total, currency from staging.stg_activecampaign__ecom_orders')).toEqual({ total: 9111, currency: 'USD' });
    expect(await one('select price_minor::int as price, currency from staging.stg_activecampaign__ecom_order_products')).toEqual({ price: 5000, currency: 'USD' });
    expect(await one(`select contact_id::int as contact_id, tag_id::int as tag_id, strftime(tagged_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as tagged from staging.stg_activecampaign__contact_tags`)).toEqual({
      contact_id: 1,
      tag_id: 20,
      tagged: '2017-06-08T21:11:53Z',
    });
  });

  it('ThriveCart: unix seconds become UTC instants and amounts stay minor units', async () => {
    // transactions.json: event 446660, "timestamp": 1605459703 ("2020-11-15 17:01:43"), "amount": 10000.
    expect(await one(`select amount_minor::int as amount, currency, transaction_type, customer_email, strftime(occurred_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as occurred
      from staging.stg_thrivecart__transactions where transaction_id = 446660`)).toEqual({
      amount: 10000,
      currency: 'USD',
      transaction_type: 'rebill',
      customer_email: 'demo@thrivecart.com',
      occurred: '2020-11-15T17:01:43Z',
    });
  });

  it('Facebook Ads: spend strings become minor units, days stay days, colon-less offsets become UTC', async () => {
    // insights.json: "spend": "5339.5", "impressions": "361324", "date_start": "2025-03-14".
    expect(await one(`select spend_minor::int as spend, impressions::int as impressions, spend_date::varchar as day from staging.stg_facebook_ads__insights`)).toEqual({
      spend: 533950,
      impressions: 361324,
      day: '2025-03-14',
    });
    // campaigns.json: "updated_time": "2025-04-12T08:30:00-0700", "daily_budget": "1000".
    expect(await one(`select strftime(updated_at at time zone 'UTC', '%Y-%m-%dT%H:%M:%SZ') as updated, daily_budget_minor::int as budget from staging.stg_facebook_ads__campaigns`)).toEqual({
      updated: '2025-04-12T15:30:00Z',
      budget: 1000,
    });
  });
});
