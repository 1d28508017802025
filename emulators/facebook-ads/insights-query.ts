import { addDays, daysBetween } from '../http/zoned-time.js';
import type { FlatQuery } from '../http/querystring.js';
import type { AdsData } from './ads-data.js';
import { invalidParameter, rangeTooOld } from './graph-errors.js';
import { parseFiltering, type InsightsFilter } from './insights-filtering.js';

/** How far back insights reach: a range may not start more than 37 months before the account's today. */
export const HISTORY_MONTHS = 37;

export type Increment = number | 'all_days' | 'monthly';

export type Level = 'account' | 'campaign' | 'adset' | 'ad';
const LEVELS: readonly Level[] = ['ad', 'adset', 'campaign', 'account'];

/** A parsed `/insights` request. */
export interface InsightsRequest {
  level: Level;
  fields: string[];
  since: string;
  until: string;
  increment: Increment;
  filters: InsightsFilter[];
}

export const INSIGHTS_FIELDS = new Set([
  'account_id', 'account_name', 'account_currency', 'campaign_id', 'campaign_name', 'objective',
  'adset_id', 'adset_name', 'ad_id', 'ad_name',
  'spend', 'impressions', 'clicks', 'cpc', 'cpm', 'ctr', 'date_start', 'date_stop',
  // Valid fields the emulated account has no data for (no pixel, no conversions): left out of rows, as the API does.
  'reach', 'frequency', 'actions', 'action_values', 'conversions', 'purchase_roas',
]);
/** What the API returns when `fields` is not given. */
const DEFAULT_FIELDS = ['impressions', 'spend'];
const DATE_RE = /^\d{4}-\d{2}-\d{2}$/;

/** The last value of a parameter. */
export function param(query: FlatQuery, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function validDate(text: unknown): text is string {
  return typeof text === 'string' && DATE_RE.test(text) && new Date(`${text}T00:00:00Z`).toISOString().startsWith(text);
}

function firstOfMonth(date: string): string {
  return `${date.slice(0, 7)}-01`;
}

const maxDate = (a: string, b: string): string => (a > b ? a : b);

/** The oldest day a range may start on: `today` less 37 calendar months (the month's last day where that day does not exist). */
export function earliestDate(today: string): string {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const months = y * 12 + (m - 1) - HISTORY_MONTHS;
  const year = Math.floor(months / 12);
  const month = (months % 12) + 1;
  const lastDay = new Date(Date.UTC(year, month, 0)).getUTCDate();
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(Math.min(d, lastDay)).padStart(2, '0')}`;
}

/** The [since, until] a `date_preset` names, relative to the account's today. */
function presetRange(preset: string, data: AdsData): [string, string] {
  const { today } = data;
  const lastN = /^last_(\d+)d$/.exec(preset);
  if (lastN && ['3', '7', '14', '28', '30', '90'].includes(lastN[1]!)) return [addDays(today, -Number(lastN[1])), addDays(today, -1)];
  switch (preset) {
    case 'today': return [today, today];
    case 'yesterday': return [addDays(today, -1), addDays(today, -1)];
    case 'this_month': return [firstOfMonth(today), today];
    case 'last_month': {
      const start = firstOfMonth(addDays(firstOfMonth(today), -1));
      return [start, addDays(firstOfMonth(today), -1)];
    }
    // The whole history the API keeps, not more: 37 months at most.
    case 'maximum': return [maxDate(data.settled[0]?.date ?? today, earliestDate(today)), today];
    default:
      throw invalidParameter(`date_preset must be one of the following values: today, yesterday, this_month, last_month, last_3d, last_7d, last_14d, last_28d, last_30d, last_90d, maximum`);
  }
}

function parseTimeRange(raw: string): [string, string] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidParameter('Param time_range must be a JSON object with since and until dates (YYYY-MM-DD)');
  }
  const { since, until } = (parsed ?? {}) as { since?: unknown; until?: unknown };
  if (!validDate(since) || !validDate(until)) throw invalidParameter('Param time_range must be a JSON object with since and until dates (YYYY-MM-DD)');
  if (since > until) throw invalidParameter('Param time_range: since must not be after until');
  return [since, until];
}

function parseIncrement(raw: string | undefined): Increment {
  if (raw === undefined || raw === 'all_days') return 'all_days';
  if (raw === 'monthly') return 'monthly';
  if (/^\d+$/.test(raw) && Number(raw) >= 1 && Number(raw) <= 90) return Number(raw);
  throw invalidParameter('time_increment must be an integer between 1 and 90, "monthly" or "all_days"');
}

/** Reads level, fields, time_range (or date_preset, default last_30d) and time_increment as the Insights API does. */
export function parseInsightsQuery(query: FlatQuery, data: AdsData): InsightsRequest {
  const level = (param(query, 'level') ?? 'account') as Level;
  if (!LEVELS.includes(level)) throw invalidParameter('level must be one of the following values: ad, adset, campaign, account');
  const rawFields = param(query, 'fields');
  const fields = rawFields === undefined || rawFields.trim() === '' ? DEFAULT_FIELDS : rawFields.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) {
    if (!INSIGHTS_FIELDS.has(f)) throw invalidParameter(`${f} is not valid for fields param. please check https://developers.facebook.com/docs/marketing-api/reference/ads-insights/ for all valid values`);
  }
  const rawRange = param(query, 'time_range');
  const [since, until] = rawRange !== undefined ? parseTimeRange(rawRange) : presetRange(param(query, 'date_preset') ?? 'last_30d', data);
  if (since < earliestDate(data.today)) throw rangeTooOld();
  return { level, fields, since, until, increment: parseIncrement(param(query, 'time_increment')), filters: parseFiltering(param(query, 'filtering')) };
}

/** The reporting buckets [start, stop] covering the range, oldest first. */
export function buckets(req: InsightsRequest): [string, string][] {
  const { since, until, increment } = req;
  if (increment === 'all_days') return [[since, until]];
  const out: [string, string][] = [];
  if (increment === 'monthly') {
    for (let start = since; start <= until; ) {
      const next = firstOfMonth(addDays(firstOfMonth(start), 32));
      const stop = addDays(next, -1) < until ? addDays(next, -1) : until;
      out.push([start, stop]);
      start = next;
    }
    return out;
  }
  for (let start = since; start <= until; start = addDays(start, increment)) {
    const stop = addDays(start, increment - 1);
    out.push([start, stop < until ? stop : until]);
  }
  return out;
}

/** Which bucket a date falls in (the date must lie in the range). */
export function bucketIndex(req: InsightsRequest, date: string): number {
  if (req.increment === 'all_days') return 0;
  if (req.increment === 'monthly') {
    const months = (s: string): number => Number(s.slice(0, 4)) * 12 + Number(s.slice(5, 7));
    return months(date) - months(req.since);
  }
  return Math.floor(daysBetween(req.since, date) / req.increment);
}
