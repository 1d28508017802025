import { formatZoned } from '../http/zoned-time.js';
import type { AdCampaign, AdsData } from './ads-data.js';
import { invalidParameter } from './graph-errors.js';

export const CAMPAIGN_FIELDS = new Set([
  'id', 'name', 'account_id', 'objective', 'status', 'configured_status', 'effective_status', 'buying_type', 'daily_budget',
  'special_ad_categories', 'created_time', 'start_time', 'stop_time', 'updated_time',
  // Valid on Campaign but unset here (campaigns run on daily budgets): omitted from answers.
  'lifetime_budget', 'budget_remaining', 'bid_strategy',
]);

/** The `fields` of a `/campaigns` request; the Graph API returns only `id` when none are asked for. */
export function campaignFieldsOf(raw: string | undefined): string[] {
  const fields = raw === undefined || raw.trim() === '' ? ['id'] : raw.split(',').map((f) => f.trim()).filter(Boolean);
  for (const f of fields) if (!CAMPAIGN_FIELDS.has(f)) throw invalidParameter(`Tried accessing nonexisting field (${f}) on node type (Campaign)`);
  return fields;
}

/** One campaign with the requested fields (plus `id`, which the Graph API always includes); times in the account's zone as `2024-01-15T10:20:30-0800`. */
export function campaignObject(c: AdCampaign, data: AdsData, fields: readonly string[]): Record<string, unknown> {
  const time = (ms: number): string => formatZoned(ms, data.timeZone, false);
  const values: Record<string, unknown> = {
    id: c.id,
    name: c.name,
    account_id: data.accountId,
    objective: c.objective,
    status: c.status,
    configured_status: c.status,
    effective_status: c.status,
    buying_type: 'AUCTION',
    daily_budget: String(c.dailyBudgetMinor),
    special_ad_categories: [],
    created_time: time(c.createdMs),
    start_time: time(c.startMs),
    stop_time: c.stopMs === null ? undefined : time(c.stopMs),
    updated_time: time(c.updatedMs),
  };
  const out: Record<string, unknown> = {};
  for (const f of [...fields.filter((f) => f !== 'id'), 'id']) if (values[f] !== undefined) out[f] = values[f];
  return out;
}
