import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildAcData } from './build/build-ac-data.js';
import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import type { AcGroundTruth } from './ground-truth.js';
import { createAcServer, type AcFaultSettings } from './server.js';

export interface ActiveCampaignEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /** Api-Token values the emulator accepts. Default [DEFAULT_ACTIVECAMPAIGN_API_KEY]. */
  apiKeys?: string[];
  /** The `<account>` of `https://<account>.api-us1.com`, printed in every `links` URL. Default 'cdpdemo'. */
  accountName?: string;
  /** The account's time zone, used for every timestamp and for date filters. Default America/Chicago. */
  timeZone?: string;
  /** Requests per second for the whole account (burst the same). Default 5, like ActiveCampaign; 0 turns limiting off. */
  rateLimitPerSecond?: number;
  /** Initial fault settings (see AcFaultSettings). */
  faults?: Partial<Omit<AcFaultSettings, 'rateLimitPerSecond'>>;
  /** The clock outage windows are checked against. Default Date.now. */
  now?: () => number;
}

export interface ActiveCampaignEmulator {
  /** The account's API URL, e.g. http://127.0.0.1:54321 (requests go to `${url}/api/3/...`). */
  url: string;
  apiKeys: readonly string[];
  close(): Promise<void>;
  /** Ground truth of the account as it is now: `POST /_emulator/mutate` changes it. */
  truth(): AcGroundTruth;
  setFaults(f: Partial<AcFaultSettings>): AcFaultSettings;
  /** Requests, 429s and requests that came before their Retry-After was over. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_ACTIVECAMPAIGN_API_KEY = 'ac0e6d1f2c3b4a5968778695a4b3c2d1e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3';
export const DEFAULT_AC_ACCOUNT = 'cdpdemo';
export const DEFAULT_AC_TIME_ZONE = 'America/Chicago';

/** Generates the world, builds the ActiveCampaign account from it and serves it over HTTP. */
export async function startActiveCampaignEmulator(opts: ActiveCampaignEmulatorOptions = {}): Promise<ActiveCampaignEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const data = buildAcData(world, { accountName: opts.accountName ?? DEFAULT_AC_ACCOUNT, timeZone: opts.timeZone ?? DEFAULT_AC_TIME_ZONE });
  const apiKeys = opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [DEFAULT_ACTIVECAMPAIGN_API_KEY];
  const server = createAcServer({
    data,
    apiKeys,
    faults: { ...opts.faults, rateLimitPerSecond: opts.rateLimitPerSecond ?? null },
    now: opts.now,
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    apiKeys,
    close,
    truth: () => structuredClone(server.truth()),
    setFaults: (f) => server.setFaults(f),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
  };
}

export { buildAcData } from './build/build-ac-data.js';
export type { AcData, AcRecord, AcContact, AcTag, AcContactTag, AcField, AcFieldValue, AcConnection, AcEcomCustomer, AcEcomOrder, AcEcomOrderProduct } from './build/ac-data.js';
export { computeAcGroundTruth, AC_STREAMS } from './ground-truth.js';
export type { AcGroundTruth, AcStream, AmountByCurrency } from './ground-truth.js';
export { createAcServer, AC_RATE_LIMIT_PER_SECOND } from './server.js';
export { acMutationSchema, type AcMutation } from './mutations.js';
export type { AcFaultSettings } from './server.js';
export { CUSTOMER_TAG, PURCHASE_TAG_PREFIX } from './build/build-tags.js';
export { UTM_FIELDS } from './build/build-fields.js';
export type { GateFaults } from '../http/fault-gate.js';
