import { formatZoned } from '../http/zoned-time.js';
import type { AdCampaign, AdsData } from './ads-data.js';
import { invalidParameter } from './graph-errors.js';
import { jsonArrayParam } from './insights-filtering.js';

export const CAMPAIGN_FIELDS = new Set([
  'id', 'name', 'account_id', 'objective', 'status', 'configured_status', 'effective_status', 'buying_type', 'daily_budget',
  'special_ad_categories', 'created_time', 'start_time', 'stop_time', 'updated_time',
  // Valid on Campaign (https://developers.facebook.com/docs/marketing-api/reference/ad-campaign-group) but
  // unset on these campaigns (daily budgets, no labels, no spend cap): omitted from answers, as the API omits unset fields.
  'lifetime_budget', 'budget_remaining', 'bid_strategy', 'adlabels', 'boosted_object_id', 'budget_rebalance_flag',
  'can_create_brand_lift_study', 'can_use_spend_cap', 'has_secondary_skadnetwork_reporting', 'is_skadnetwork_attribution',
  'issues_info', 'last_budget_toggling_time', 'pacing_type', 'primary_attribution', 'promoted_object', 'recommendations',
  'smart_promotion_type', 'source_campaign', 'source_campaign_id', 'special_ad_category', 'special_ad_category_country',
  'spend_cap', 'topline_id',
]);

/** The delivery statuses the `effective_status` parameter takes. */
const EFFECTIVE_STATUSES = new Set(['ACTIVE', 'PAUSED', 'DELETED', 'PENDING_REVIEW', 'DISAPPROVED', 'PREAPPROVED', 'PENDING_BILLING_INFO', 'CAMPAIGN_PAUSED', 'ARCHIVED', 'ADSET_PAUSED', 'IN_PROCESS', 'WITH_ISSUES']);
/** Without `effective_status` the edge leaves deleted and archived campaigns out. */
const DEFAULT_EFFECTIVE = [...EFFECTIVE_STATUSES].filter((s) => s !== 'DELETED' && s !== 'ARCHIVED');

/** The statuses a `/campaigns` request asks for: a JSON array (`["ACTIVE","PAUSED"]`), or the default. */
export function effectiveStatusesOf(raw: string | undefined): Set<string> {
  if (raw === undefined || raw.trim() === '') return new Set(DEFAULT_EFFECTIVE);
  const parsed = jsonArrayParam(raw, 'Param effective_status must be an array of statuses');
  for (const s of parsed) {
    if (typeof s !== 'string' || !EFFECTIVE_STATUSES.has(s)) {
      throw invalidParameter(`Param effective_status[] must be one of {${[...EFFECTIVE_STATUSES].join(', ')}}`);
    }
  }
  return new Set(parsed as string[]);
}

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
