import { addDays } from '../http/zoned-time.js';
import type { AdDelivery, AdsData, DailyDelivery } from './ads-data.js';
import { adDelivery } from './ad-tree.js';
import { unit } from './build-ads-data.js';

/** Days (today and the two before it) whose numbers are still preliminary and move between reads. */
export const RESTATED_DAYS = 3;

/** The account-local dates currently subject to restatement, oldest first. */
export function restatedDates(data: AdsData): string[] {
  return Array.from({ length: RESTATED_DAYS }, (_, i) => addDays(data.today, i - (RESTATED_DAYS - 1)));
}

/**
 * Delivery as the API reports it under a restatement version: settled days never change, while each
 * trailing day is scaled by a factor drawn from (seed, version, campaign, day), as late conversions,
 * invalid-traffic credits and attribution updates land. Bumping the version is "time passing".
 */
export function deliveryAt(data: AdsData, version: number): DailyDelivery[] {
  const trailing = new Set(restatedDates(data));
  return data.settled.map((row) => {
    if (!trailing.has(row.date)) return row;
    const day = Date.parse(`${row.date}T00:00:00Z`) / 86_400_000;
    const factor = 0.85 + 0.25 * unit(data.seed, `fb-restate-${version}`, row.campaign, day);
    return {
      date: row.date,
      campaign: row.campaign,
      spendMinor: Math.round(row.spendMinor * factor),
      impressions: Math.round(row.impressions * factor),
      clicks: Math.round(row.clicks * factor),
    };
  });
}

const adRows = new WeakMap<AdsData, Map<number, AdDelivery[]>>();

/** Delivery under a restatement version spread over the ads (see `adDelivery`), computed once per version. */
export function adDeliveryAt(data: AdsData, version: number): AdDelivery[] {
  const versions = adRows.get(data) ?? new Map<number, AdDelivery[]>();
  adRows.set(data, versions);
  let rows = versions.get(version);
  if (!rows) {
    rows = adDelivery(data.seed, data.ads, deliveryAt(data, version));
    versions.set(version, rows);
  }
  return rows;
}
