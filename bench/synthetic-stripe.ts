// Synthetic raw Stripe data for the benchmarks: Parquet files laid out and enveloped the way file
// landing wrote them (the envelope columns and a JSON payload per record), imported into the lake's
// raw tables as `cdp lake import-files` imports them, and a config that builds them.
import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { importLakeFiles } from '../lib/lake/import-files';
import { closeLakes } from '../lib/lake/open-lake';
import type { StorageConfig } from '../lib/lake/storage-config';
import { dataLayout } from '../lib/paths';

const ROWS_PER_FILE = 1_000_000;

/** Writes `count` records of a stream as Parquet files of at most ROWS_PER_FILE rows, the payload made by `payloadSql` from `i`. */
async function writeStream(rawDir: string, stream: string, count: number, payloadSql: string): Promise<void> {
  const dir = path.join(rawDir, 'source=stripe', `stream=${stream}`, 'connection=bench', 'sync_id=bench-historical-1');
  fs.mkdirSync(dir, { recursive: true });
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    for (let start = 0, part = 0; start < count; start += ROWS_PER_FILE, part++) {
      const end = Math.min(count, start + ROWS_PER_FILE);
      const file = path.join(dir, `part-${String(part).padStart(6, '0')}.parquet`);
      await db.run(`COPY (
        SELECT 'stripe' AS source, '${stream}' AS stream, 'bench' AS connection, 'live' AS environment,
          p.payload->>'id' AS primary_key, p.payload->>'created' AS cursor_value,
          TIMESTAMPTZ '2026-11-01 00:00:00+00' AS synced_at, 'bench-historical-1' AS sync_id, 'historical' AS sync_mode,
          (i - ${start})::INTEGER AS record_index, p.payload
        FROM range(${start}, ${end}) AS r(i), LATERAL (SELECT (${payloadSql})::JSON AS payload) AS p
      ) TO '${file}' (FORMAT parquet, COMPRESSION zstd)`);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * Imports the synthetic Parquet of a bench folder into its embedded lake (`<dir>/data/lake.sqlite`
 * and `data/lake/`), or into the lake `storage` names, skipping what is there already: a folder
 * written before the lake moves in once. Returns the time it took.
 */
export async function importSyntheticIntoLake(dir: string, storage: StorageConfig = {}): Promise<number> {
  const startMs = Date.now();
  try {
    await importLakeFiles({ storage, layout: dataLayout(path.join(dir, 'data')) });
  } finally {
    await closeLakes();
  }
  return Date.now() - startMs;
}

/** The payload of charge number `i` (a SQL expression) among `customers` customers: the rules of `expectedStripeOrders`. */
export function chargePayloadSql(i: string, customers: number): string {
  return `json_object(
    'id', 'ch_' || lpad(${i}::VARCHAR, 12, '0'), 'object', 'charge', 'livemode', true,
    'customer', 'cus_' || lpad((hash(${i}) % ${customers})::VARCHAR, 10, '0'),
    'amount', 1000 + (${i} % 40) * 250, 'amount_captured', CASE WHEN ${i} % 20 = 0 THEN 0 ELSE 1000 + (${i} % 40) * 250 END,
    'amount_refunded', CASE WHEN ${i} % 37 = 0 THEN 500 ELSE 0 END,
    'currency', ['usd', 'eur', 'gbp'][1 + ${i} % 3], 'status', CASE WHEN ${i} % 20 = 0 THEN 'failed' ELSE 'succeeded' END,
    'paid', ${i} % 20 <> 0, 'captured', ${i} % 20 <> 0, 'refunded', false,
    'billing_details', json_object('email', NULL, 'name', 'Person'),
    'metadata', json_object('utm_source', 'facebook', 'utm_medium', 'cpc', 'utm_campaign', 'campaign_' || (${i} % 30)),
    'created', 1700000000 + ${i} * 3)`;
}

/**
 * Writes `customers` Stripe customers (`cus_<i>`, named `Person <i>`, 1 in 50 without an email) and
 * `orders` charges (every 20th failed, every 37th partly refunded, USD/EUR/GBP in turn, one every
 * 3 s from 2023-11-14) under `<dir>/data/raw`, each charge on a customer picked by hash, and imports
 * them into the folder's lake, or the one `storage` names.
 */
export async function writeSyntheticStripe(dir: string, orders: number, customers: number, storage: StorageConfig = {}): Promise<void> {
  const raw = path.join(dir, 'data', 'raw');
  await writeStream(raw, 'customers', customers, `json_object(
    'id', 'cus_' || lpad(i::VARCHAR, 10, '0'), 'object', 'customer', 'livemode', true,
    'email', CASE WHEN i % 50 = 0 THEN NULL ELSE ' Person' || i || '@Example.com ' END,
    'name', 'Person ' || i, 'phone', '+1555' || lpad((i % 10000000)::VARCHAR, 7, '0'),
    'address', json_object('city', 'City ' || (i % 500), 'country', 'US', 'postal_code', lpad((i % 99999)::VARCHAR, 5, '0')),
    'created', 1700000000 + i, 'metadata', json_object())`);
  await writeStream(raw, 'charges', orders, chargePayloadSql('i', customers));
  await importSyntheticIntoLake(dir, storage);
}

/** What `core.orders` holds once the charges of `writeSyntheticStripe` are built. */
export interface OrderFigures {
  count: number;
  totalMinor: number;
  refundedMinor: number;
  netMinor: number;
  failed: number;
  partlyRefunded: number;
  eur: number;
  campaigns: number;
  withoutCustomer: number;
}

/** The figures of `core.orders` that `writeSyntheticStripe`'s rules fix for `orders` charges, computed without DuckDB. */
export function expectedStripeOrders(orders: number, customers: number): OrderFigures {
  const f: OrderFigures = { count: orders, totalMinor: 0, refundedMinor: 0, netMinor: 0, failed: 0, partlyRefunded: 0, eur: 0, campaigns: Math.min(30, orders), withoutCustomer: customers > 0 ? 0 : orders };
  for (let i = 0; i < orders; i++) {
    const amount = 1000 + (i % 40) * 250;
    const refunded = i % 37 === 0 ? 500 : 0;
    f.totalMinor += amount;
    f.refundedMinor += refunded;
    if (i % 20 === 0) f.failed++;
    else {
      // A refund of 500 is always below the amount: the charge is partly refunded, and its net is what stayed.
      if (refunded > 0) f.partlyRefunded++;
      f.netMinor += amount - refunded;
    }
    if (i % 3 === 1) f.eur++;
  }
  return f;
}

/** DuckDB limits for the bench's builds, written to the config's `warehouse` section; unset keeps the config's defaults. */
export interface BenchWarehouseSettings {
  memory_limit?: string;
  threads?: number;
}

/**
 * Writes `<dir>/cdp.config.yaml`: one live Stripe connection `bench`, data under `<dir>/data`, the
 * lake embedded there or where `storage` says; returns its path.
 */
export function writeBenchConfig(dir: string, warehouse: BenchWarehouseSettings = {}, storage?: StorageConfig): string {
  const configFile = path.join(dir, 'cdp.config.yaml');
  const settings = Object.entries(warehouse).filter(([, v]) => v !== undefined).map(([k, v]) => `${k}: ${v}`);
  fs.writeFileSync(configFile, [
    'data_dir: data',
    'currency_rates: { EUR: 1.1, GBP: 1.25 }',
    ...(settings.length ? [`warehouse: { ${settings.join(', ')} }`] : []),
    // JSON is YAML.
    ...(storage ? [`storage: ${JSON.stringify(storage)}`] : []),
    'connections:',
    '  - { id: bench, source: stripe, environment: live, base_url: "https://api.stripe.com", credential_env: BENCH_KEY }',
    '',
  ].join('\n'));
  return configFile;
}

/** The figures of `core.orders` in a built warehouse, to compare with `expectedStripeOrders`. */
export async function readOrderFigures(db: DuckDBConnection): Promise<OrderFigures> {
  const o = (
    await db.runAndReadAll(`SELECT count(*) AS n, sum(total_minor) AS total, sum(refunded_minor) AS refunded, sum(net_minor) AS net,
        count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'partially_refunded') AS partly_refunded,
        count(*) FILTER (WHERE currency = 'EUR') AS eur, count(DISTINCT utm_campaign) AS campaigns, count(*) FILTER (WHERE customer_id IS NULL) AS no_customer
      FROM core.orders`)
  ).getRowObjectsJS()[0]!;
  return {
    count: Number(o.n), totalMinor: Number(o.total), refundedMinor: Number(o.refunded), netMinor: Number(o.net), failed: Number(o.failed),
    partlyRefunded: Number(o.partly_refunded), eur: Number(o.eur), campaigns: Number(o.campaigns), withoutCustomer: Number(o.no_customer),
  };
}
