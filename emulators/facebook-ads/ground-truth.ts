import type { AdsData } from './ads-data.js';
import { money } from './insights-rows.js';
import { adDeliveryAt, deliveryAt, restatedDates } from './restatement.js';

/** Spend, impressions and clicks summed over some rows; spend both in cents and as the API's decimal string. */
export interface DeliveryTotals {
  spend_minor: number;
  spend: string;
  impressions: number;
  clicks: number;
  /** Insights rows at level=campaign, time_increment=1 (campaign-days with impressions). */
  row_count: number;
}

/** Facts about the served ad account for a date range, at the current restatement version. */
export interface FbGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  ad_account: { id: string; name: string; currency: string; time_zone: string; today: string };
  restatement_version: number;
  /** The trailing dates whose numbers change when the version is bumped. */
  restated_dates: string[];
  range: { since: string; until: string };
  campaigns: ({ id: string; name: string; status: string; in_world: boolean } & DeliveryTotals)[];
  /** Every campaign-day with impressions in the range, ordered by date then campaign id. */
  daily: { date: string; campaign_id: string; campaign_name: string; spend_minor: number; spend: string; impressions: number; clicks: number }[];
  totals: DeliveryTotals;
  /** Every ad set with its campaign and its delivery in the range (row_count: ad-set-days at level=adset, time_increment=1). */
  adsets: ({ id: string; name: string; campaign_id: string } & DeliveryTotals)[];
  /** Every ad with its ad set and campaign and its delivery in the range (row_count: ad-days at level=ad, time_increment=1). */
  ads: ({ id: string; name: string; adset_id: string; campaign_id: string } & DeliveryTotals)[];
  /** Totals per insights level at time_increment=1: the same money, more rows the finer the level. */
  levels: { campaign: DeliveryTotals; adset: DeliveryTotals; ad: DeliveryTotals };
}

function totalsOf(rows: readonly { spend_minor: number; impressions: number; clicks: number }[]): DeliveryTotals {
  const spendMinor = rows.reduce((s, r) => s + r.spend_minor, 0);
  return {
    spend_minor: spendMinor,
    spend: money(spendMinor),
    impressions: rows.reduce((s, r) => s + r.impressions, 0),
    clicks: rows.reduce((s, r) => s + r.clicks, 0),
    row_count: rows.length,
  };
}

/** Computes the ground truth for [since, until] (default: the whole history up to today) at a restatement version. */
export function computeFbGroundTruth(data: AdsData, version: number, range: { since?: string; until?: string } = {}): FbGroundTruth {
  const since = range.since ?? data.settled[0]?.date ?? data.today;
  const until = range.until ?? data.today;
  const daily = deliveryAt(data, version)
    .filter((r) => r.date >= since && r.date <= until)
    .map((r) => {
      const c = data.campaigns[r.campaign]!;
      return { date: r.date, campaign_id: c.id, campaign_name: c.name, spend_minor: r.spendMinor, spend: money(r.spendMinor), impressions: r.impressions, clicks: r.clicks };
    });
  const adDaily = adDeliveryAt(data, version)
    .filter((r) => r.date >= since && r.date <= until)
    .map((r) => ({ ...r, spend_minor: r.spendMinor }));
  const adsetDays = new Map<string, { spend_minor: number; impressions: number; clicks: number; adset: number }>();
  for (const r of adDaily) {
    const key = `${r.adset}|${r.date}`;
    const sum = adsetDays.get(key) ?? { spend_minor: 0, impressions: 0, clicks: 0, adset: r.adset };
    sum.spend_minor += r.spend_minor;
    sum.impressions += r.impressions;
    sum.clicks += r.clicks;
    adsetDays.set(key, sum);
  }
  const adsetRows = [...adsetDays.values()];
  const totals = totalsOf(daily);
  return {
    seed: data.seed,
    scale: data.scale,
    anchor: data.anchor,
    ad_account: { id: `act_${data.accountId}`, name: data.accountName, currency: data.currency, time_zone: data.timeZone, today: data.today },
    restatement_version: version,
    restated_dates: restatedDates(data),
    range: { since, until },
    campaigns: data.campaigns.map((c) => ({
      id: c.id,
      name: c.name,
      status: c.status,
      in_world: c.inWorld,
      ...totalsOf(daily.filter((d) => d.campaign_id === c.id)),
    })),
    daily,
    totals,
    adsets: data.adsets.map((a, i) => ({
      id: a.id,
      name: a.name,
      campaign_id: data.campaigns[a.campaign]!.id,
      ...totalsOf(adsetRows.filter((r) => r.adset === i)),
    })),
    ads: data.ads.map((a, i) => ({
      id: a.id,
      name: a.name,
      adset_id: data.adsets[a.adset]!.id,
      campaign_id: data.campaigns[a.campaign]!.id,
      ...totalsOf(adDaily.filter((r) => r.ad === i)),
    })),
    levels: { campaign: totals, adset: totalsOf(adsetRows), ad: totalsOf(adDaily) },
  };
}
