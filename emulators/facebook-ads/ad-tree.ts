import type { Ad, AdCampaign, AdDelivery, AdSet, DailyDelivery } from './ads-data.js';
import { digits, unit } from './draws.js';

/** One to three ad sets a campaign, one to three ads an ad set, with Meta-like numeric ids. */
export function buildAdTree(seed: number, campaigns: readonly AdCampaign[]): { adsets: AdSet[]; ads: Ad[] } {
  const adsets: AdSet[] = [];
  const ads: Ad[] = [];
  campaigns.forEach((c, ci) => {
    const setCount = 1 + Math.floor(unit(seed, 'fb-adsets', ci, 0) * 3);
    const sets = Array.from({ length: setCount }, (_, j) => ({ id: `1203${digits(seed, `fb-adset-${c.id}-${j}`, 14)}`, name: `${c.name} / audience ${j + 1}`, campaign: ci }));
    for (const set of sets.sort((a, b) => (a.id < b.id ? -1 : 1))) {
      const si = adsets.push(set) - 1;
      const adCount = 1 + Math.floor(unit(seed, 'fb-ads', si, 0) * 3);
      const own = Array.from({ length: adCount }, (_, k) => ({ id: `1204${digits(seed, `fb-ad-${set.id}-${k}`, 14)}`, name: `${set.name} / creative ${k + 1}`, adset: si, campaign: ci }));
      ads.push(...own.sort((a, b) => (a.id < b.id ? -1 : 1)));
    }
  });
  return { adsets, ads };
}

/** Splits `total` over `weights` by largest remainder: the parts are whole and add up to `total` exactly. */
function apportion(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((s, w) => s + w, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map(Math.floor);
  let left = total - parts.reduce((s, p) => s + p, 0);
  const order = exact.map((e, i) => [e - Math.floor(e), i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]);
  for (const [, i] of order) {
    if (left <= 0) break;
    parts[i]! += 1;
    left -= 1;
  }
  return parts;
}

/**
 * Spreads each campaign-day over the campaign's ads. Every ad that delivers gets at least one
 * impression, so the ad rows (and the ad-set rows they add up to) carry the campaign's spend,
 * impressions and clicks exactly, with no row dropped for having no impressions.
 */
export function adDelivery(seed: number, ads: readonly Ad[], delivery: readonly DailyDelivery[]): AdDelivery[] {
  const byCampaign = new Map<number, number[]>();
  ads.forEach((ad, i) => byCampaign.set(ad.campaign, [...(byCampaign.get(ad.campaign) ?? []), i]));
  const out: AdDelivery[] = [];
  for (const row of delivery) {
    const day = Date.parse(`${row.date}T00:00:00Z`) / 86_400_000;
    const own = (byCampaign.get(row.campaign) ?? []).slice(0, Math.max(1, row.impressions));
    const weights = own.map((ad) => 1 + Math.floor(unit(seed, 'fb-ad-share', ad, day) * 4));
    const spend = apportion(row.spendMinor, weights);
    const clicks = apportion(row.clicks, weights);
    // One impression each first, so no delivering ad ends with none.
    const extra = apportion(row.impressions - own.length, weights);
    own.forEach((ad, i) => {
      out.push({ date: row.date, campaign: row.campaign, adset: ads[ad]!.adset, ad, spendMinor: spend[i]!, impressions: 1 + extra[i]!, clicks: clicks[i]! });
    });
  }
  return out;
}
