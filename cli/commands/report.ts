import Table from 'cli-table3';
import { stringify } from 'csv-stringify/sync';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { openWarehouseReadOnly } from '../../lib/warehouse/open-read-only';
import type { LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { GROUPINGS, MODELS, readAttributionReport, type AttributionReportData, type Grouping } from '../../lib/report/attribution-data';
import { minorDigits, renderAttributionHtml } from '../../lib/report/attribution-html';
import { COMPACT } from './query';

export const reportFormatSchema = z.enum(['table', 'csv', 'json', 'html']);
export type ReportFormat = z.infer<typeof reportFormatSchema>;
export const groupingSchema = z.enum(GROUPINGS);
export const dayFlag = z.iso.date();

export const major = (minor: number | null, currency: string): string => (minor === null ? '' : (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency)));
const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

/** Models from `--model a,b` or `--all` (default: all of them), each checked against the list. */
export function parseModels(flag: string | undefined): string[] {
  if (!flag) return [...MODELS];
  const models = flag.split(',').map((m) => m.trim()).filter(Boolean);
  const unknown = models.filter((m) => !(MODELS as readonly string[]).includes(m));
  if (unknown.length) throw new ConfigError(`cdp report attribution: --model: unknown model ${unknown.map((m) => `"${m}"`).join(', ')}; choose from ${MODELS.join(', ')}`);
  return models;
}

/** The environment a report is about: the flag, or live when any connection is live. */
export function reportEnvironment(config: LoadedConfig, flag?: string): string {
  return flag ?? (config.connections.some((c) => c.environment === 'live') || config.connections.length === 0 ? 'live' : 'sandbox');
}

export async function attributionReport(config: LoadedConfig, q: { environment: string; models: string[]; by: Grouping; from?: string; to?: string }): Promise<AttributionReportData> {
  if (q.from && q.to && q.from > q.to) throw new ConfigError(`cdp report: --from ${q.from} is after --to ${q.to}`);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    return await readAttributionReport(db, q);
  } finally {
    close();
  }
}

const ATTRIBUTION_COLUMNS = ['model', 'group', 'leads', 'customers', 'invoiced', 'collected', 'spend', 'cost_per_lead', 'cost_per_acquisition', 'roas'];

function attributionCells(data: AttributionReportData): string[][] {
  return data.rows.map((r) => [
    r.model,
    r.group,
    count(r.leads),
    count(r.customers),
    major(r.invoicedMinor, data.currency),
    major(r.collectedMinor, data.currency),
    major(r.spendMinor, data.currency),
    major(r.costPerLeadMinor === null ? null : Math.round(r.costPerLeadMinor), data.currency),
    major(r.costPerAcquisitionMinor === null ? null : Math.round(r.costPerAcquisitionMinor), data.currency),
    r.roas === null ? '' : r.roas.toFixed(2),
  ]);
}

export function renderAttributionReport(data: AttributionReportData, format: ReportFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(data, null, 2)}\n`;
    case 'csv':
      return stringify([ATTRIBUTION_COLUMNS, ...attributionCells(data)]);
    case 'html':
      return renderAttributionHtml(data);
    case 'table': {
      const range = data.from || data.to ? `${data.from ?? 'the beginning'} to ${data.to ?? 'today'}` : 'all time';
      const table = new Table({ head: ATTRIBUTION_COLUMNS.map((c) => c.replaceAll('_', ' ')), style: { head: [], border: [] }, chars: COMPACT });
      for (const row of attributionCells(data)) table.push(row);
      const unbalanced = data.checks.filter((c) => !c.balanced);
      const check = unbalanced.length
        ? `CHECK FAILED: ${unbalanced.map((c) => `${c.model} ${c.kind}: ${c.credited} credited for ${c.conversions}`).join('; ')}`
        : `check: every model credits each conversion exactly once (${[...new Set(data.checks.map((c) => c.model))].length} models, totals equal the real totals)`;
      return `Attribution by ${data.by}, ${data.environment}, ${range} (${data.timezone}), money in ${data.currency}\n${table.toString()}\n${check}\n`;
    }
  }
}

export interface OrdersReportQuery {
  environment: string;
  from?: string;
  to?: string;
  tag?: string;
  touchpoint?: { field: 'source' | 'medium' | 'campaign'; value: string };
}

/** Orders that took money, per day in the account's time zone, for people with a tag or a touch, as an order report filters them. */
export async function ordersReport(config: LoadedConfig, q: OrdersReportQuery): Promise<{ currency: string; timezone: string; rows: Record<string, unknown>[] }> {
  if (q.from && q.to && q.from > q.to) throw new ConfigError(`cdp report: --from ${q.from} is after --to ${q.to}`);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
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

export function renderOrdersReport(report: Awaited<ReturnType<typeof ordersReport>>, format: Exclude<ReportFormat, 'html'>): string {
  const columns = ['date', 'orders', 'customers', 'invoiced', 'collected'];
  const cells = report.rows.map((r) => [String(r.date), String(r.orders), String(r.customers), major(Number(r.invoiced_minor), report.currency), major(Number(r.collected_minor), report.currency)]);
  if (format === 'json') return `${JSON.stringify(report.rows.map((r) => ({ ...r, invoiced_minor: Number(r.invoiced_minor), collected_minor: Number(r.collected_minor) })), null, 2)}\n`;
  if (format === 'csv') return stringify([columns, ...cells]);
  const table = new Table({ head: columns, style: { head: [], border: [] }, chars: COMPACT });
  for (const row of cells) table.push(row);
  const total = (k: string) => report.rows.reduce((s, r) => s + Number(r[k]), 0);
  return `Orders by day (${report.timezone}), money in ${report.currency}\n${table.toString()}\n${report.rows.length} days, ${total('orders')} orders, ${major(total('invoiced_minor'), report.currency)} invoiced, ${major(total('collected_minor'), report.currency)} collected\n`;
}

/** Writes a report to `--out` (through a temporary file), or returns it for stdout. */
export function writeReport(text: string, out?: string): string | undefined {
  if (!out) return text;
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, text);
  fs.renameSync(tmp, out);
  return undefined;
}
