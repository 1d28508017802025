import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { DependencyError } from '../errors';
import type { AttributionReportData } from './attribution-data';

// The attribution report as one HTML file that opens offline: Chart.js, the chart data and the
// script that draws them are all inlined, and a content security policy forbids any fetch.

type Unit = 'money' | 'ratio';

interface ChartSpec {
  type: 'bar' | 'line';
  /** How the y axis and the tooltips format values. */
  unit: Unit;
  labels: string[];
  datasets: { label: string; data: (number | null)[]; color: string; dashed?: boolean }[];
  /** A second tooltip line per label. */
  notes?: string[];
}

interface ChartSection {
  id: string;
  heading: string;
  /** Null when the report has nothing to draw: `note` says why instead. */
  chart: ChartSpec | null;
  note: string;
}

// Tableau 10: distinct in colour and in lightness, so models stay apart in print too.
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const SPEND_COLOR = '#555555';
const colorOf = (i: number) => PALETTE[i % PALETTE.length]!;

/** Digits of a currency's minor unit (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  try {
    return new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    return 2;
  }
}

const toMajor = (minor: number, currency: string) => Math.round(minor) / 10 ** minorDigits(currency);

/** Minor units as major with the currency's decimals and its code (`1,234.50 EUR`); empty for null. */
export function formatMoney(minor: number | null, currency: string): string {
  if (minor === null) return '';
  const digits = minorDigits(currency);
  return `${new Intl.NumberFormat('en', { minimumFractionDigits: digits, maximumFractionDigits: digits }).format(toMajor(minor, currency))} ${currency}`;
}

/** Leads, customers and credits: fractional under shared-credit models, so up to 2 decimals. */
export const formatCount = (n: number): string => new Intl.NumberFormat('en', { maximumFractionDigits: 2 }).format(n);
const formatRatio = (r: number | null) => (r === null ? '' : r.toFixed(2));

/** Text for HTML content and attribute values. */
export const escapeHtml = (text: string): string =>
  text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON that cannot end its <script> element, open an HTML comment, or break a line in older JS parsers. */
function jsonForScript(value: unknown): string {
  return JSON.stringify(value)
    .replace(/</g, '\\u003c')
    .replace(/>/g, '\\u003e')
    .replace(/&/g, '\\u0026')
    .replace(/\u2028/g, '\\u2028')
    .replace(/\u2029/g, '\\u2029');
}

/** Chart.js's minified UMD bundle, read from node_modules so the page needs no network. */
function chartLibrary(): string {
  // The package's exports map hides dist/, so resolve its main entry and take the bundle beside it.
  const main = createRequire(import.meta.url).resolve('chart.js');
  const bundle = fs.readFileSync(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
  if (/<\/script|<!--/i.test(bundle)) throw new DependencyError(`chart.js bundle beside ${main} contains "</script" or "<!--" and cannot be inlined; pin a chart.js version that does not`);
  return bundle;
}

/** Every day from the first to the last, as `YYYY-MM-DD`. */
function daysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  for (let ms = Date.parse(`${first}T00:00:00Z`); ms <= Date.parse(`${last}T00:00:00Z`); ms += 86_400_000) days.push(new Date(ms).toISOString().slice(0, 10));
  return days;
}

function spendAgainstRevenue(data: AttributionReportData): ChartSection {
  const model = data.models[0];
  const id = 'chart-spend-revenue';
  const heading = `Spend and collected revenue by ${data.by}${model ? ` (${model})` : ''}`;
  const rows = data.rows.filter((r) => r.model === model);
  if (!model || !rows.length) return { id, heading, chart: null, note: model ? `No ${data.by} has credits under ${model}.` : 'The report has no model.' };
  return {
    id,
    heading,
    note: `Spend and the collected revenue the first model, ${model}, credits to each ${data.by}.`,
    chart: {
      type: 'bar',
      unit: 'money',
      labels: rows.map((r) => r.group),
      datasets: [
        { label: 'Spend', data: rows.map((r) => (r.spendMinor === null ? null : toMajor(r.spendMinor, data.currency))), color: SPEND_COLOR },
        { label: 'Collected revenue', data: rows.map((r) => toMajor(r.collectedMinor, data.currency)), color: colorOf(0) },
      ],
    },
  };
}

function roasByModel(data: AttributionReportData): ChartSection {
  const id = 'chart-roas';
  const heading = `ROAS by ${data.by} and model`;
  const groups = [...new Set(data.rows.filter((r) => r.roas !== null).map((r) => r.group))];
  if (!groups.length) return { id, heading, chart: null, note: 'No row has spend, so there is no ROAS to compare.' };
  const roas = new Map(data.rows.map((r) => [`${r.model}\u0000${r.group}`, r.roas]));
  return {
    id,
    heading,
    note: 'Collected revenue per unit of spend, one bar per model.',
    chart: {
      type: 'bar',
      unit: 'ratio',
      labels: groups,
      datasets: data.models.map((model, i) => ({ label: model, data: groups.map((g) => roas.get(`${model}\u0000${g}`) ?? null), color: colorOf(i) })),
    },
  };
}

function revenueOverTime(data: AttributionReportData): ChartSection {
  const id = 'chart-over-time';
  const heading = 'Collected revenue and spend per day';
  const dates = data.overTime.map((d) => d.date).sort();
  if (!dates.length) return { id, heading, chart: null, note: 'No day in the range has revenue or spend.' };
  const days = daysBetween(dates[0]!, dates[dates.length - 1]!);
  const byKey = new Map(data.overTime.map((d) => [`${d.model}\u0000${d.date}`, d]));
  // Spend is the same under every model (it is not credited), so the first model that has the day gives it.
  // A day without rows had neither spend nor revenue; a day whose spend is null had spend without a rate.
  const spend = days.map((day) => {
    const rows = data.models.flatMap((m) => byKey.get(`${m}\u0000${day}`) ?? []);
    const minor = rows.map((r) => r.spendMinor).find((s) => s !== null);
    return minor !== undefined ? toMajor(minor, data.currency) : rows.length ? null : 0;
  });
  const datasets: ChartSpec['datasets'] = data.models.map((model, i) => ({
    label: model,
    data: days.map((day) => toMajor(byKey.get(`${model}\u0000${day}`)?.collectedMinor ?? 0, data.currency)),
    color: colorOf(i),
  }));
  if (spend.some((s) => s !== null)) datasets.push({ label: 'Spend', data: spend, color: SPEND_COLOR, dashed: true });
  return { id, heading, note: `Days in ${data.timezone}; revenue as each model credits it.`, chart: { type: 'line', unit: 'money', labels: days, datasets } };
}

function ltvBySource(data: AttributionReportData): ChartSection {
  const id = 'chart-ltv';
  const heading = 'Average lifetime value by first-touch source';
  const bySource = new Map<string, { customers: number; lifetimeMinor: number }>();
  for (const r of data.ltvBySource) {
    const s = bySource.get(r.source) ?? { customers: 0, lifetimeMinor: 0 };
    bySource.set(r.source, { customers: s.customers + r.customers, lifetimeMinor: s.lifetimeMinor + r.lifetimeRevenueMinor });
  }
  const sources = [...bySource].filter(([, s]) => s.customers > 0).sort(([, a], [, b]) => b.lifetimeMinor / b.customers - a.lifetimeMinor / a.customers);
  if (!sources.length) return { id, heading, chart: null, note: 'No paying customer yet.' };
  const customers = (n: number) => `${formatCount(n)} customer${n === 1 ? '' : 's'}`;
  return {
    id,
    heading,
    note: 'Collected revenue per paying customer over their whole life, by the source of their first touch.',
    chart: {
      type: 'bar',
      unit: 'money',
      labels: sources.map(([source, s]) => `${source} (${customers(s.customers)})`),
      datasets: [{ label: 'Average LTV', data: sources.map(([, s]) => toMajor(s.lifetimeMinor / s.customers, data.currency)), color: colorOf(4) }],
      notes: sources.map(([, s]) => `${customers(s.customers)}, ${formatMoney(s.lifetimeMinor, data.currency)} lifetime`),
    },
  };
}

function table(id: string, head: string[], numeric: boolean[], cells: string[][]): string {
  const th = head.map((h, i) => `<th${numeric[i] ? ' class="num"' : ''}>${escapeHtml(h)}</th>`).join('');
  const tr = cells.map((row) => `<tr>${row.map((c, i) => `<td${numeric[i] ? ' class="num"' : ''}>${escapeHtml(c)}</td>`).join('')}</tr>`).join('\n');
  return `<table id="${id}"><thead><tr>${th}</tr></thead><tbody>\n${tr}\n</tbody></table>`;
}

function rowsTable(data: AttributionReportData): string {
  const money = (minor: number | null) => formatMoney(minor, data.currency);
  return table(
    'attribution-rows',
    ['Model', data.by[0]!.toUpperCase() + data.by.slice(1), 'Leads', 'Customers', 'Invoiced', 'Collected', 'Spend', 'CPL', 'CPA', 'ROAS'],
    [false, false, true, true, true, true, true, true, true, true],
    data.rows.map((r) => [r.model, r.group, formatCount(r.leads), formatCount(r.customers), money(r.invoicedMinor), money(r.collectedMinor), money(r.spendMinor), money(r.costPerLeadMinor), money(r.costPerAcquisitionMinor), formatRatio(r.roas)]),
  );
}

function checksSection(data: AttributionReportData): string {
  const unbalanced = data.checks.filter((c) => !c.balanced);
  const summary = !data.checks.length
    ? 'No credit check for these models.'
    : unbalanced.length
      ? `Not balanced: ${unbalanced.map((c) => `${c.model} ${c.kind} (${formatCount(c.credited)} credited for ${formatCount(c.conversions)})`).join('; ')}.`
      : 'Every model balances: each conversion is credited exactly once and revenue totals equal the real totals.';
  return `<p id="credit-check-summary" class="${unbalanced.length ? 'bad' : 'good'}">${escapeHtml(summary)}</p>
${table('credit-checks', ['Model', 'Kind', 'Conversions', 'Credited', 'Balanced'], [false, false, true, true, false], data.checks.map((c) => [c.model, c.kind, formatCount(c.conversions), formatCount(c.credited), c.balanced ? 'yes' : 'no']))}`;
}

// Runs in the page: draws each chart spec with animation off, so a screenshot taken right after shows it.
const DRAW_SCRIPT = `(function () {
  'use strict';
  var report = JSON.parse(document.getElementById('report-data').textContent);
  var digits = new Intl.NumberFormat('en', { minimumFractionDigits: report.minorDigits, maximumFractionDigits: report.minorDigits });
  var whole = new Intl.NumberFormat('en', { maximumFractionDigits: 2 });
  function format(unit, v) {
    if (v === null || v === undefined) return 'n/a';
    return unit === 'money' ? digits.format(v) + ' ' + report.currency : v.toFixed(2);
  }
  // Axis ticks without the trailing zeros, so the scale reads at a glance.
  function tick(unit, v) { return whole.format(v) + (unit === 'money' ? ' ' + report.currency : ''); }
  function shorten(label) { return label.length > 28 ? label.slice(0, 27) + '\\u2026' : label; }
  Chart.defaults.animation = false;
  Chart.defaults.font.family = 'system-ui, "DejaVu Sans", sans-serif';
  var drawn = 0;
  report.charts.forEach(function (spec) {
    try {
      new Chart(document.getElementById(spec.id), {
        type: spec.type,
        data: {
          labels: spec.labels,
          datasets: spec.datasets.map(function (d) {
            return { label: d.label, data: d.data, backgroundColor: d.color, borderColor: d.color, borderDash: d.dashed ? [6, 4] : [], pointRadius: 2, borderWidth: 2 };
          })
        },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          interaction: { mode: 'index', intersect: false },
          scales: {
            x: { ticks: { callback: function (value) { return shorten(String(this.getLabelForValue(value))); } } },
            y: { beginAtZero: true, ticks: { callback: function (value) { return tick(spec.unit, value); } } }
          },
          plugins: {
            tooltip: {
              callbacks: {
                label: function (ctx) { return ctx.dataset.label + ': ' + format(spec.unit, ctx.parsed.y); },
                footer: function (items) { return spec.notes && items.length ? spec.notes[items[0].dataIndex] : ''; }
              }
            }
          }
        }
      });
      drawn++;
    } catch (e) {
      console.error('chart ' + spec.id + ' could not be drawn: ' + (e && e.message));
    }
  });
  document.body.dataset.chartsRendered = String(drawn);
})();`;

const STYLE = `
  body { font: 14px/1.45 system-ui, "DejaVu Sans", sans-serif; color: #1f2328; margin: 2rem auto; max-width: 1100px; padding: 0 1rem; }
  h1 { font-size: 1.5rem; margin-bottom: .25rem; }
  h2 { font-size: 1.15rem; margin: 2rem 0 .25rem; }
  .meta, .note { color: #59636e; margin-top: 0; }
  .chart { position: relative; height: 340px; }
  table { border-collapse: collapse; width: 100%; font-size: 13px; }
  th, td { border-bottom: 1px solid #d1d9e0; padding: .3rem .5rem; text-align: left; }
  th { background: #f6f8fa; }
  .num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
  .good { color: #1a7f37; } .bad { color: #d1242f; font-weight: 600; }`;

/** The attribution report as a self-contained HTML page: four charts, the numbers table and the credit check. */
export function renderAttributionHtml(data: AttributionReportData): string {
  const sections = [spendAgainstRevenue(data), roasByModel(data), revenueOverTime(data), ltvBySource(data)];
  const range = data.from || data.to ? `${data.from ?? 'the beginning'} to ${data.to ?? 'today'}` : 'all time';
  const charts = sections.flatMap((s) => (s.chart ? [{ id: s.id, ...s.chart }] : []));
  const sectionHtml = sections
    .map((s) => `<section><h2>${escapeHtml(s.heading)}</h2><p class="note">${escapeHtml(s.note)}</p>${s.chart ? `<div class="chart"><canvas id="${s.id}" role="img" aria-label="${escapeHtml(s.heading)}"></canvas></div>` : ''}</section>`)
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(`Attribution report, ${data.environment}, ${range}`)}</title>
<style>${STYLE}
</style>
</head>
<body>
<h1>${escapeHtml(`Attribution report: ${data.environment}`)}</h1>
<p class="meta">${escapeHtml(`${range}, time zone ${data.timezone}, money in ${data.currency}, grouped by ${data.by}; models: ${data.models.join(', ') || 'none'}`)}</p>
${sectionHtml}
<section><h2>${escapeHtml(`Credits by ${data.by}`)}</h2>
${rowsTable(data)}
</section>
<section><h2>Credit check</h2>
${checksSection(data)}
</section>
<script>${chartLibrary()}</script>
<script type="application/json" id="report-data">${jsonForScript({ currency: data.currency, minorDigits: minorDigits(data.currency), charts })}</script>
<script>${DRAW_SCRIPT}</script>
</body>
</html>
`;
}
