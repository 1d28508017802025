import { z } from 'zod';
import type { LoadedConfig } from '../lib/config';
import { ConfigError } from '../lib/errors';
import { GROUPINGS, MODELS, readAttributionReport, type AttributionReportData, type Grouping } from '../lib/report/attribution-data';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';

export const groupingSchema = z.enum(GROUPINGS);
/** A calendar day, YYYY-MM-DD. */
export const daySchema = z.iso.date();

/** Models from a comma-separated list (default: all of them), each checked against the list. */
export function parseModels(list: string | undefined): string[] {
  if (!list) return [...MODELS];
  const models = list.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = models.filter((m) => !(MODELS as readonly string[]).includes(m));
  if (unknown.length) throw new ConfigError(`cdp report attribution: --model: unknown model ${unknown.map((m) => `"${m}"`).join(', ')}; choose from ${MODELS.join(', ')}`);
  return models;
}

/** The environment a report is about: the one asked for, or live when any connection is live. */
export function reportEnvironment(config: LoadedConfig, asked?: string): string {
  return asked ?? (config.connections.some((c) => c.environment === 'live') || config.connections.length === 0 ? 'live' : 'sandbox');
}

function checkRange(q: { from?: string; to?: string }): void {
  if (q.from && q.to && q.from > q.to) throw new ConfigError(`cdp report: --from ${q.from} is after --to ${q.to}`);
}

/** The attribution report's numbers: per model and group, leads, customers, revenue, spend and their ratios, with the balance checks. */
export async function attributionReport(config: LoadedConfig, q: { environment: string; models: string[]; by: Grouping; from?: string; to?: string }): Promise<AttributionReportData> {
  checkRange(q);
  const { db, close } = await openWarehouseReadOnly(config);
  try {
    return await readAttributionReport(db, q);
  } finally {
    close();
  }
}

export interface OrdersReportQuery {
  environment: string;
  from?: string;
  to?: string;
  tag?: string;
  touchpoint?: { field: 'source' | 'medium' | 'campaign'; value: string };
}

export interface OrdersReport {
  currency: string;
  timezone: string;
  rows: Record<string, unknown>[];
}

/** Orders that took money, per day in the account's time zone, for people with a tag or a touch, as an order report filters them. */
export async function ordersReport(config: LoadedConfig, q: OrdersReportQuery): Promise<OrdersReport> {
  checkRange(q);
  const { db, close } = await openWarehouseReadOnly(config);
  try {
    const touchColumn = q.touchpoint?.field ?? 'source';
    const reader = await db.runAndReadAll(
      `with orders as (
           select c.*, timezone((select timezone from config.settings), c.converted_at)::date as date
           from attribution.conversions as c
           where c.kind = 'order' and c.environment = ?::VARCHAR
       )
       select date::varchar as date, count(*)::integer as orders, count(distinct customer_id)::integer as customers,
              sum(invoiced_minor)::bigint as invoiced_minor, sum(collected_minor)::bigint as collected_minor
       from orders
       where (?::DATE is null or date >= ?::DATE) and (?::DATE is null or date <= ?::DATE)
         and (?::VARCHAR is null or customer_id in (select customer_id from core.contact_tags where lower(trim(tag)) = lower(trim(?::VARCHAR))))
         and (?::VARCHAR is null or customer_id in (select customer_id from attribution.touches where lower(${touchColumn}) = lower(trim(?::VARCHAR))))
       group by date order by date`,
      [q.environment, q.from ?? null, q.from ?? null, q.to ?? null, q.to ?? null, q.tag ?? null, q.tag ?? null, q.touchpoint?.value ?? null, q.touchpoint?.value ?? null] as never,
    );
    const settings = (await db.runAndReadAll('select timezone, reporting_currency from config.settings')).getRowObjectsJS()[0]!;
    return { currency: String(settings.reporting_currency), timezone: String(settings.timezone), rows: reader.getRowObjectsJS() };
  } finally {
    close();
  }
}
