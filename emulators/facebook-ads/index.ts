import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildAdsData } from './build-ads-data.js';
import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import type { FbGroundTruth } from './ground-truth.js';
import { createFbServer, type FbFaultSettings } from './server.js';
import type { UsageLimit } from './usage-meter.js';

export interface FacebookAdsEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people; budgets scale with it. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /** Access tokens the emulator accepts. Default [DEFAULT_FACEBOOK_ACCESS_TOKEN]. */
  accessTokens?: string[];
  /** Digits of the ad account (served as `act_<digits>`). Default derived from the seed. */
  adAccountId?: string;
  /** The ad account's time zone: insights dates are its calendar days. Default America/Los_Angeles. */
  timeZone?: string;
  /** Calls per rolling window per ad account and use case; null turns throttling off. Default 600 per 3600 s. */
  rateLimit?: UsageLimit | null;
  /** Initial fault, throttling and restatement settings. */
  faults?: Partial<Omit<FbFaultSettings, 'rateLimit'>>;
  /** The clock outage windows are checked against. Default Date.now. */
  now?: () => number;
}

export interface FacebookAdsEmulator {
  /** Base URL standing in for https://graph.facebook.com, e.g. http://127.0.0.1:54321. */
  url: string;
  /** `act_<digits>`. */
  adAccountId: string;
  accessTokens: readonly string[];
  close(): Promise<void>;
  /** Ground truth at the current restatement version, for the whole history or a date range. */
  truth(range?: { since?: string; until?: string }): FbGroundTruth;
  setFaults(f: Partial<FbFaultSettings>): FbFaultSettings;
  /** Requests, throttled calls and calls that came before the announced wait was over. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_FACEBOOK_ACCESS_TOKEN = 'EAAcdpEmulatorAccessTokenZBZCZD';
export const DEFAULT_FB_TIME_ZONE = 'America/Los_Angeles';

/** Generates the world, builds the ad account from it and serves its insights and campaigns over HTTP. */
export async function startFacebookAdsEmulator(opts: FacebookAdsEmulatorOptions = {}): Promise<FacebookAdsEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const data = buildAdsData(world, { accountId: opts.adAccountId, timeZone: opts.timeZone ?? DEFAULT_FB_TIME_ZONE });
  const accessTokens = opts.accessTokens && opts.accessTokens.length > 0 ? [...opts.accessTokens] : [DEFAULT_FACEBOOK_ACCESS_TOKEN];
  const server = createFbServer({
    data,
    accessTokens,
    faults: { ...opts.faults, ...(opts.rateLimit !== undefined ? { rateLimit: opts.rateLimit } : {}) },
    now: opts.now,
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    adAccountId: `act_${data.accountId}`,
    accessTokens,
    close,
    truth: (range) => server.truth(range),
    setFaults: (f) => server.setFaults(f),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
  };
}

export { buildAdsData } from './build-ads-data.js';
export type { AdsData, AdCampaign, DailyDelivery } from './ads-data.js';
export { computeFbGroundTruth } from './ground-truth.js';
export type { FbGroundTruth, DeliveryTotals } from './ground-truth.js';
export { createFbServer, DEFAULT_FB_RATE_LIMIT } from './server.js';
export type { FbFaultSettings } from './server.js';
export { RESTATED_DAYS, restatedDates, deliveryAt } from './restatement.js';
export { encodeCursor, decodeCursor } from './cursors.js';
export type { ThrottleCode, GraphErrorBody } from './graph-errors.js';
export type { UsageLimit } from './usage-meter.js';
