import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { OrdersReport } from '../../app/reports';
import type { AttributionReportData } from '../../lib/report/attribution-data';
import { minorDigits, renderAttributionHtml } from '../../lib/report/attribution-html';
import { compactTable } from './table';

export const reportFormatSchema = z.enum(['table', 'csv', 'json', 'html']);
export type ReportFormat = z.infer<typeof reportFormatSchema>;

/** An amount in minor units as major units with the currency's digits; empty when unknown. */
export const major = (minor: number | null, currency: string): string => (minor === null ? '' : (minor / 10 ** minorDigits(currency)).toFixed(minorDigits(currency)));
const count = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(2));

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

/** The attribution report as a table with its balance check, CSV, JSON or the self-contained HTML page. */
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
      const table = compactTable(ATTRIBUTION_COLUMNS.map((c) => c.replaceAll('_', ' ')));
      for (const row of attributionCells(data)) table.push(row);
      const unbalanced = data.checks.filter((c) => !c.balanced);
      const check = unbalanced.length
        ? `CHECK FAILED: ${unbalanced.map((c) => `${c.model} ${c.kind}: ${c.credited} credited for ${c.conversions}`).join('; ')}`
        : `check: every model credits each conversion exactly once (${[...new Set(data.checks.map((c) => c.model))].length} models, totals equal the real totals)`;
      return `Attribution by ${data.by}, ${data.environment}, ${range} (${data.timezone}), money in ${data.currency}\n${table.toString()}\n${check}\n`;
    }
  }
}

/** The orders report as a table with its totals, CSV or JSON. */
export function renderOrdersReport(report: OrdersReport, format: Exclude<ReportFormat, 'html'>): string {
  const columns = ['date', 'orders', 'customers', 'invoiced', 'collected'];
  const cells = report.rows.map((r) => [String(r.date), String(r.orders), String(r.customers), major(Number(r.invoiced_minor), report.currency), major(Number(r.collected_minor), report.currency)]);
  if (format === 'json') return `${JSON.stringify(report.rows.map((r) => ({ ...r, invoiced_minor: Number(r.invoiced_minor), collected_minor: Number(r.collected_minor) })), null, 2)}\n`;
  if (format === 'csv') return stringify([columns, ...cells]);
  const table = compactTable(columns);
  for (const row of cells) table.push(row);
  const total = (k: string) => report.rows.reduce((s, r) => s + Number(r[k]), 0);
  return `Orders by day (${report.timezone}), money in ${report.currency}\n${table.toString()}\n${report.rows.length} days, ${total('orders')} orders, ${major(total('invoiced_minor'), report.currency)} invoiced, ${major(total('collected_minor'), report.currency)} collected\n`;
}
