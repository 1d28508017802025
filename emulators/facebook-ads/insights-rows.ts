import type { AdsData, DailyDelivery } from './ads-data.js';
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
  campaign: number | null;
  spendMinor: number;
  impressions: number;
  clicks: number;
}

/**
 * The insights rows for a request over the given delivery, ordered by bucket then campaign id.
 * Like the real API, a campaign with no impressions in a bucket has no row; every value is a string.
 */
export function insightsRows(data: AdsData, delivery: readonly DailyDelivery[], req: InsightsRequest): Record<string, string>[] {
  const ranges = buckets(req);
  const sums = new Map<string, Sum>();
  for (const row of delivery) {
    if (row.date < req.since || row.date > req.until) continue;
    const bucket = bucketIndex(req, row.date);
    const campaign = req.level === 'campaign' ? row.campaign : null;
    const key = `${bucket}|${campaign}`;
    const sum = sums.get(key) ?? { bucket, campaign, spendMinor: 0, impressions: 0, clicks: 0 };
    sum.spendMinor += row.spendMinor;
    sum.impressions += row.impressions;
    sum.clicks += row.clicks;
    sums.set(key, sum);
  }
  const ordered = [...sums.values()]
    .filter((s) => s.impressions > 0)
    .sort((a, b) => a.bucket - b.bucket || (a.campaign === null || b.campaign === null ? 0 : data.campaigns[a.campaign]!.id < data.campaigns[b.campaign]!.id ? -1 : 1));

  return ordered.map((s) => {
    const campaign = s.campaign === null ? null : data.campaigns[s.campaign]!;
    const [start, stop] = ranges[s.bucket]!;
    const values: Record<string, string | undefined> = {
      account_id: data.accountId,
      account_name: data.accountName,
      account_currency: data.currency,
      campaign_id: campaign?.id,
      campaign_name: campaign?.name,
      objective: campaign?.objective,
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
