import { addDays, daysBetween, zonedDate, zonedToMs } from '../http/zoned-time.js';
import { DAY_MS, type Campaign, type World } from '../world/index.js';
import { buildAdTree } from './ad-tree.js';
import { digits, unit } from './draws.js';
import type { AdCampaign, AdsData, DailyDelivery } from './ads-data.js';

/** Meta's own platforms: the world campaigns these sources name are the ones this ad account runs. */
const META_SOURCES = new Set(['facebook', 'instagram']);

interface CampaignProfile {
  objective: AdCampaign['objective'];
  /** Daily budget in cents at scale 1. */
  budgetMinor: number;
  /** Cost per thousand impressions, dollars. */
  cpm: number;
  /** Click-through rate, a fraction. */
  ctr: number;
}

const PROFILES: Readonly<Record<string, CampaignProfile>> = {
  prospecting_lookalike: { objective: 'OUTCOME_SALES', budgetMinor: 18_000, cpm: 9.5, ctr: 0.011 },
  hoodie_drop: { objective: 'OUTCOME_SALES', budgetMinor: 25_000, cpm: 12, ctr: 0.016 },
  retargeting_site_visitors: { objective: 'OUTCOME_TRAFFIC', budgetMinor: 4_500, cpm: 15.5, ctr: 0.024 },
};
const DEFAULT_PROFILE: CampaignProfile = { objective: 'OUTCOME_TRAFFIC', budgetMinor: 10_000, cpm: 11, ctr: 0.012 };

/**
 * An always-on retargeting campaign no UTM in the world names (retargeted visitors arrive untagged),
 * so the account still spends in the last days before the anchor, where restatements happen.
 */
const RETARGETING = { name: 'retargeting_site_visitors', startDaysBefore: 540 };

export { unit } from './draws.js';

function metaCampaigns(world: World): { name: string; startMs: number; stopMs: number | null; inWorld: boolean }[] {
  const anchorMs = Date.parse(world.anchor);
  const fromWorld = world.campaigns
    .filter((c: Campaign) => META_SOURCES.has(c.utm_source))
    .map((c) => ({ name: c.utm_campaign, startMs: Date.parse(c.starts_at), stopMs: Date.parse(c.ends_at), inWorld: true }));
  return [...fromWorld, { name: RETARGETING.name, startMs: anchorMs - RETARGETING.startDaysBefore * DAY_MS, stopMs: null, inWorld: false }];
}

/** The share of the local day `date` that lies inside [fromMs, toMs). */
function dayShare(date: string, timeZone: string, fromMs: number, toMs: number): number {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const start = zonedToMs(y, m, d, 0, 0, 0, timeZone);
  const [ny, nm, nd] = addDays(date, 1).split('-').map(Number) as [number, number, number];
  const end = zonedToMs(ny, nm, nd, 0, 0, 0, timeZone);
  return Math.max(0, Math.min(end, toMs) - Math.max(start, fromMs)) / (end - start);
}

/** Builds the ad account: Meta's campaigns from the world plus daily settled spend in the account's time zone up to the anchor. */
export function buildAdsData(world: World, account: { accountId?: string; timeZone: string }): AdsData {
  const anchorMs = Date.parse(world.anchor);
  const { timeZone } = account;
  const today = zonedDate(anchorMs - 1, timeZone);
  const campaigns: AdCampaign[] = metaCampaigns(world)
    .map((c, i) => {
      const profile = PROFILES[c.name] ?? DEFAULT_PROFILE;
      const createdMs = c.startMs - (2 + Math.floor(unit(world.seed, 'fb-created', i, 0) * 5)) * DAY_MS;
      return {
        // Meta ids grow over time: the creation second, then a few random digits.
        id: `1202${Math.floor(createdMs / 1000)}${digits(world.seed, `fb-campaign-${c.name}`, 4)}`,
        name: c.name,
        objective: profile.objective,
        status: c.stopMs === null || c.stopMs > anchorMs ? ('ACTIVE' as const) : ('PAUSED' as const),
        createdMs,
        startMs: c.startMs,
        stopMs: c.stopMs,
        updatedMs: Math.min(anchorMs - 1000, c.stopMs ?? createdMs + DAY_MS),
        dailyBudgetMinor: Math.max(500, Math.round(profile.budgetMinor * world.scale)),
        inWorld: c.inWorld,
      };
    })
    .sort((a, b) => (a.id < b.id ? -1 : 1));

  const settled: DailyDelivery[] = [];
  campaigns.forEach((c, ci) => {
    const profile = PROFILES[c.name] ?? DEFAULT_PROFILE;
    const endMs = Math.min(c.stopMs ?? anchorMs, anchorMs);
    const first = zonedDate(c.startMs, timeZone);
    const last = zonedDate(endMs - 1, timeZone);
    for (let date = first; date <= last; date = addDays(date, 1)) {
      const share = dayShare(date, timeZone, c.startMs, endMs);
      const day = daysBetween('2000-01-01', date);
      const weekday = new Date(`${date}T00:00:00Z`).getUTCDay();
      const weekendFactor = weekday === 0 || weekday === 6 ? 0.85 : 1;
      const spendMinor = Math.round(c.dailyBudgetMinor * share * weekendFactor * (0.8 + 0.35 * unit(world.seed, 'fb-spend', ci, day)));
      const cpm = profile.cpm * (0.85 + 0.3 * unit(world.seed, 'fb-cpm', ci, day));
      const impressions = Math.round((spendMinor / 100 / cpm) * 1000);
      const clicks = Math.round(impressions * profile.ctr * (0.8 + 0.4 * unit(world.seed, 'fb-ctr', ci, day)));
      if (impressions > 0) settled.push({ date, campaign: ci, spendMinor, impressions, clicks });
    }
  });
  settled.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.campaign - b.campaign));

  const { adsets, ads } = buildAdTree(world.seed, campaigns);
  return {
    seed: world.seed,
    scale: world.scale,
    anchor: world.anchor,
    accountId: account.accountId ?? `10${digits(world.seed, 'fb-account', 13)}`,
    accountName: 'CDP Demo Shop',
    timeZone,
    currency: 'USD',
    today,
    campaigns,
    adsets,
    ads,
    settled,
  };
}
