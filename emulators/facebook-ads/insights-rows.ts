import type { AdDelivery, AdsData } from './ads-data.js';
import { passes, type FilterField } from './insights-filtering.js';
import { bucketIndex, buckets, type InsightsRequest } from './insights-query.js';

/**
 * Cents as the decimal string the API prints amounts in: at most two decimals, trailing zeros dropped
 * ("5339.5", "12", "0.07"), as the Insights reference example shows. For integer cents the shortest
 * round-trip form of minor/100 is exactly that decimal.
 */
export function money(minor: number): string {
  return String(minor / 100);
}

/** A ratio with at most six decimals, trailing zeros dropped, as insights prints cpc/cpm/ctr. */
function ratio(value: number): string {
  return String(Number(value.toFixed(6)));
}

interface Sum {
  bucket: number;
  /** The index of the row's object at the request's level (campaign, ad set or ad); null for the account. */
  object: number | null;
  spendMinor: number;
  impressions: number;
  clicks: number;
}

/** The level's object of an ad-level row, and its id for ordering. */
function objectOf(level: InsightsRequest['level'], row: AdDelivery): number | null {
  if (level === 'campaign') return row.campaign;
  if (level === 'adset') return row.adset;
  if (level === 'ad') return row.ad;
  return null;
}

function idOf(data: AdsData, level: InsightsRequest['level'], object: number): string {
  if (level === 'campaign') return data.campaigns[object]!.id;
  if (level === 'adset') return data.adsets[object]!.id;
  return data.ads[object]!.id;
}

/** What a filter field reads on an ad-level row. */
function filterValue(data: AdsData, row: AdDelivery, field: FilterField): string | number {
  const campaign = data.campaigns[row.campaign]!;
  const adset = data.adsets[row.adset]!;
  const ad = data.ads[row.ad]!;
  switch (field) {
    case 'campaign.id': return campaign.id;
    case 'campaign.name': return campaign.name;
    case 'adset.id': return adset.id;
    case 'adset.name': return adset.name;
    case 'ad.id': return ad.id;
    case 'ad.name': return ad.name;
    // Ad sets and ads deliver as their campaign does.
    case 'campaign.effective_status':
    case 'adset.effective_status':
    case 'ad.effective_status': return campaign.status;
    case 'ad.impressions': return row.impressions;
  }
}

/**
 * The insights rows for a request over ad-level delivery, ordered by bucket then object id; the
 * request's filters apply to the ad rows before they are summed to its level. Like the real API, an
 * object with no impressions in a bucket has no row; every value is a string.
 */
export function insightsRows(data: AdsData, delivery: readonly AdDelivery[], req: InsightsRequest): Record<string, string>[] {
  const ranges = buckets(req);
  const sums = new Map<string, Sum>();
  for (const row of delivery) {
    if (row.date < req.since || row.date > req.until) continue;
    if (req.filters.length > 0 && !passes(req.filters, (field) => filterValue(data, row, field))) continue;
    const bucket = bucketIndex(req, row.date);
    const object = objectOf(req.level, row);
    const key = `${bucket}|${object}`;
    const sum = sums.get(key) ?? { bucket, object, spendMinor: 0, impressions: 0, clicks: 0 };
    sum.spendMinor += row.spendMinor;
    sum.impressions += row.impressions;
    sum.clicks += row.clicks;
    sums.set(key, sum);
  }
  const ordered = [...sums.values()]
    .filter((s) => s.impressions > 0)
    .sort((a, b) => a.bucket - b.bucket || (a.object === null || b.object === null ? 0 : idOf(data, req.level, a.object) < idOf(data, req.level, b.object) ? -1 : 1));

  return ordered.map((s) => {
    const ad = req.level === 'ad' && s.object !== null ? data.ads[s.object]! : null;
    const adset = req.level === 'adset' && s.object !== null ? data.adsets[s.object]! : ad ? data.adsets[ad.adset]! : null;
    const campaignIndex = req.level === 'campaign' ? s.object : adset ? adset.campaign : null;
    const campaign = campaignIndex === null ? null : data.campaigns[campaignIndex]!;
    const [start, stop] = ranges[s.bucket]!;
    const values: Record<string, string | undefined> = {
      account_id: data.accountId,
      account_name: data.accountName,
      account_currency: data.currency,
      campaign_id: campaign?.id,
      campaign_name: campaign?.name,
      objective: campaign?.objective,
      adset_id: adset?.id,
      adset_name: adset?.name,
      ad_id: ad?.id,
      ad_name: ad?.name,
      spend: money(s.spendMinor),
      impressions: String(s.impressions),
      clicks: String(s.clicks),
      cpc: s.clicks > 0 ? ratio(s.spendMinor / 100 / s.clicks) : undefined,
      cpm: ratio((s.spendMinor / 100 / s.impressions) * 1000),
      ctr: ratio((s.clicks / s.impressions) * 100),
      date_start: start,
      date_stop: stop,
    };
    const out: Record<string, string> = {};
    for (const f of [...req.fields, 'date_start', 'date_stop']) {
      const v = values[f];
      if (v !== undefined && !(f in out)) out[f] = v;
    }
    return out;
  });
}
