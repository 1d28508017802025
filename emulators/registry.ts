// Every source's emulator, keyed by the source table's names: how to start it from the shared world,
// the keys it accepts, the base URL a connection uses and one line of what it holds. `cdp emulators`,
// the demo and the tests all start emulators through it.
import { z } from 'zod';
import type { Environment } from '../lib/config-schema.js';
import { SOURCES, type SourceName } from '../lib/sources.js';
import { worldAnchor } from './http/account-clock.js';
import { DEFAULT_ACTIVECAMPAIGN_API_KEY, startActiveCampaignEmulator, type ActiveCampaignEmulator, type ActiveCampaignEmulatorOptions } from './activecampaign/index.js';
import { DEFAULT_AMAZON_SELLER_LWA, type LwaApplication, startAmazonSellerEmulator, type AmazonSellerEmulator, type AmazonSellerEmulatorOptions } from './amazon-seller/index.js';
import {
  DEFAULT_BIGCOMMERCE_ACCESS_TOKEN, DEFAULT_BIGCOMMERCE_STORE_HASH, startBigCommerceEmulator, type BigCommerceEmulator, type BigCommerceEmulatorOptions,
} from './bigcommerce/index.js';
import { DEFAULT_FACEBOOK_ACCESS_TOKEN, startFacebookAdsEmulator, type FacebookAdsEmulator, type FacebookAdsEmulatorOptions } from './facebook-ads/index.js';
import { DEFAULT_STRIPE_API_KEY, startStripeEmulator, type StripeEmulator, type StripeEmulatorOptions } from './stripe/index.js';
import { DEFAULT_TALONONE_API_KEYS, startTalonOneEmulator, type TalonOneEmulator, type TalonOneEmulatorOptions } from './talonone/index.js';
import { DEFAULT_THRIVECART_API_KEY, startThriveCartEmulator, type ThriveCartEmulator, type ThriveCartEmulatorOptions } from './thrivecart/index.js';

/** The demo's ad account, fixed so cdp.config.yaml can name it. */
export const DEMO_AD_ACCOUNT = '1029384756';

/** What every emulator is started with: where it listens and which world it serves. */
export interface EmulatorSettings {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  seed: number;
  scale: number;
  /**
   * The instant the world ends at, for a reproducible run (`cdp emulators --now`); cut to the second.
   * Default the emulator's start time: the world moves with the clock.
   */
  anchor?: Date;
  /** Fraction of requests answered with a server error. Default 0. */
  failRate?: number;
}

type Shared = 'host' | 'port' | 'seed' | 'scale' | 'anchor' | 'failRate';

/** How one source's emulator is started and described. */
export interface SourceEmulator<Options, Emulator extends { url: string; close(): Promise<void> }> {
  /** The key it accepts by default (the live one where the source tells live and sandbox apart). */
  key: string;
  /** The key of its sandbox, where the source has one apart from live. */
  sandboxKey?: string;
  /** The Login with Amazon application and refresh token it accepts, where connections sign in that way. */
  lwa?: LwaApplication;
  /** The source's own options as `cdp emulators` serves it: the demo's account, the real API's limits. */
  demo: Options;
  start(settings: EmulatorSettings, options: Options): Promise<Emulator>;
  /** The base URL a connection uses: the account, store or API path included. */
  baseUrl(emulator: Emulator): string;
  /** One line of what it holds. */
  summary(emulator: Emulator): string;
}

// Each source's emulator and the options of its own it takes beside the shared settings.
interface EmulatorTypes {
  stripe: [Omit<StripeEmulatorOptions, Shared>, StripeEmulator];
  activecampaign: [Omit<ActiveCampaignEmulatorOptions, Shared>, ActiveCampaignEmulator];
  thrivecart: [Omit<ThriveCartEmulatorOptions, Shared>, ThriveCartEmulator];
  bigcommerce: [Omit<BigCommerceEmulatorOptions, Shared>, BigCommerceEmulator];
  facebook_ads: [Omit<FacebookAdsEmulatorOptions, Shared>, FacebookAdsEmulator];
  talonone: [Omit<TalonOneEmulatorOptions, Shared>, TalonOneEmulator];
  amazon_seller: [Omit<AmazonSellerEmulatorOptions, Shared>, AmazonSellerEmulator];
}
/** A source's emulator options beyond the shared settings. */
export type EmulatorOptions<S extends SourceName> = EmulatorTypes[S][0];
/** A source's running emulator. */
export type EmulatorOf<S extends SourceName> = EmulatorTypes[S][1];

// The shared settings as the emulators' options spell them; ActiveCampaign and Facebook Ads keep the
// failure rate among their other faults.
const shared = (s: EmulatorSettings) => ({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, anchor: s.anchor });
const failRate = (s: EmulatorSettings) => s.failRate ?? 0;

/** Every source's emulator. */
export const SOURCE_EMULATORS: { [S in SourceName]: SourceEmulator<EmulatorOptions<S>, EmulatorOf<S>> } = {
  stripe: {
    key: DEFAULT_STRIPE_API_KEY,
    demo: {},
    start: (s, o) => startStripeEmulator({ ...o, ...shared(s), failRate: failRate(s) }),
    baseUrl: (e) => e.url,
    summary: (e) => {
      const t = e.truth().streams;
      return `${t.customers.count} customers, ${t.charges.count} charges`;
    },
  },
  activecampaign: {
    key: DEFAULT_ACTIVECAMPAIGN_API_KEY,
    demo: {},
    start: (s, o) => startActiveCampaignEmulator({ ...o, ...shared(s), faults: { ...o.faults, failRate: failRate(s) } }),
    baseUrl: (e) => e.url,
    summary: (e) => {
      const t = e.truth().streams;
      return `${t.contacts.count} contacts, ${t.contactTags.count} contact tags`;
    },
  },
  thrivecart: {
    key: DEFAULT_THRIVECART_API_KEY,
    demo: {},
    start: (s, o) => startThriveCartEmulator({ ...o, ...shared(s), failRate: failRate(s) }),
    baseUrl: (e) => e.apiBaseUrl,
    summary: (e) => `${e.truth().streams.transactions.count} transactions`,
  },
  bigcommerce: {
    key: DEFAULT_BIGCOMMERCE_ACCESS_TOKEN,
    // A Pro-plan store: 450 requests per 30 s. Line items and coupons cost a request per order.
    demo: { storeHash: DEFAULT_BIGCOMMERCE_STORE_HASH, rateLimitQuota: 450 },
    start: (s, o) => startBigCommerceEmulator({ ...o, ...shared(s), failRate: failRate(s) }),
    baseUrl: (e) => e.apiBaseUrl,
    summary: (e) => {
      const t = e.truth().streams;
      return `${t.orders.count} orders, ${t.customers.count} customers`;
    },
  },
  facebook_ads: {
    key: DEFAULT_FACEBOOK_ACCESS_TOKEN,
    demo: { adAccountId: DEMO_AD_ACCOUNT },
    start: (s, o) => startFacebookAdsEmulator({ ...o, ...shared(s), faults: { ...o.faults, failRate: failRate(s) } }),
    baseUrl: (e) => `${e.url}/v19.0/${e.adAccountId}`,
    summary: (e) => `ad account ${e.adAccountId}`,
  },
  talonone: {
    key: DEFAULT_TALONONE_API_KEYS.live,
    sandboxKey: DEFAULT_TALONONE_API_KEYS.sandbox,
    // Talon.One's own limit of 3 requests a second per endpoint.
    demo: {},
    start: (s, o) => startTalonOneEmulator({ ...o, ...shared(s), failRate: failRate(s) }),
    baseUrl: (e) => e.url,
    summary: (e) => {
      const apps = e.truth().applications.map((a) => `${a.environment} Application ${a.id}: ${a.profiles.length} profiles, ${a.sessions.count} sessions`);
      return `${apps.join('; ')}; sandbox key ${e.apiKeys.sandbox}`;
    },
  },
  amazon_seller: {
    // Its connections sign in with Login with Amazon: the refresh token stands for the key.
    key: DEFAULT_AMAZON_SELLER_LWA.refreshToken,
    lwa: DEFAULT_AMAZON_SELLER_LWA,
    // Amazon's usage plans run 60 times faster here (one order list a second instead of a minute), so
    // the demo's backfill takes a minute; the connector follows the rate each answer announces.
    demo: { rateScale: 60 },
    start: (s, o) => startAmazonSellerEmulator({ ...o, ...shared(s), failRate: failRate(s) }),
    baseUrl: (e) => e.url,
    summary: (e) => {
      const t = e.truth().counts;
      return `marketplace ${e.marketplaceId}: ${t.orders} orders, ${t.returns} returns, ${t.feedback} feedback; LWA token endpoint ${e.tokenUrl}, client id ${e.lwa.clientId}, client secret ${e.lwa.clientSecret}`;
    },
  },
};

/** Starts one source's emulator from the shared world; without options, as `cdp emulators` serves it. */
export function startSourceEmulator<S extends SourceName>(source: S, settings: EmulatorSettings, options?: EmulatorOptions<S>): Promise<EmulatorOf<S>> {
  const emulator: SourceEmulator<EmulatorOptions<S>, EmulatorOf<S>> = SOURCE_EMULATORS[source];
  return emulator.start(settings, options ?? emulator.demo);
}

/** The base URL a connection to this running emulator uses. */
export function emulatorBaseUrl<S extends SourceName>(source: S, emulator: EmulatorOf<S>): string {
  const entry: SourceEmulator<EmulatorOptions<S>, EmulatorOf<S>> = SOURCE_EMULATORS[source];
  return entry.baseUrl(emulator);
}

/** A running emulator as `cdp emulators` lists it. */
export interface RunningEmulator {
  source: SourceName;
  /** Where the emulator listens. */
  url: string;
  /** The base URL a connection uses (account, store or API path included). */
  baseUrl: string;
  key: string;
  /** One line of what the emulator holds. */
  summary: string;
  close(): Promise<void>;
}

/** The emulators `cdp emulators` serves, and the instant their one world ends at. */
export interface RunningEmulators {
  /** ISO instant, to the second: `--now` with it serves the same world again. */
  anchor: string;
  emulators: RunningEmulator[];
}

async function runEmulator<S extends SourceName>(source: S, settings: EmulatorSettings): Promise<RunningEmulator> {
  const entry: SourceEmulator<EmulatorOptions<S>, EmulatorOf<S>> = SOURCE_EMULATORS[source];
  const e = await entry.start(settings, entry.demo);
  return { source, url: e.url, baseUrl: entry.baseUrl(e), key: entry.key, summary: entry.summary(e), close: () => e.close() };
}

/** Every source's emulator in port order: its default port under `cdp emulators` and the keys it accepts. */
export const EMULATORS: readonly { source: SourceName; defaultPort: number; key: string; sandboxKey?: string }[] = SOURCES.map((s) => ({
  source: s.name,
  defaultPort: s.emulator.defaultPort,
  key: SOURCE_EMULATORS[s.name].key,
  sandboxKey: SOURCE_EMULATORS[s.name].sandboxKey,
})).sort((a, b) => a.defaultPort - b.defaultPort);

export const emulatorFlagsSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  basePort: z.coerce.number().int().min(0).max(65530).default(EMULATORS[0]!.defaultPort),
  seed: z.coerce.number().int().default(42),
  scale: z.coerce.number().positive().max(20).default(1),
  failRate: z.coerce.number().min(0).max(1).default(0),
  // An ISO instant with its offset (2026-11-01T00:00:00Z); without it the world ends at the start time.
  now: z.iso.datetime({ offset: true, error: 'expected an ISO 8601 instant with its offset, such as 2026-11-01T00:00:00Z' }).transform((s) => new Date(s)).optional(),
});
export type EmulatorFlags = z.infer<typeof emulatorFlagsSchema>;

/**
 * Starts every source emulator from one seeded world, on consecutive ports from the base port (0: free
 * ports). The world ends at `--now`, or at the start time read once here, so every source tells of
 * the same people at the same instants.
 */
export async function startEmulators(flags: EmulatorFlags): Promise<RunningEmulators> {
  const anchor = worldAnchor(flags.now);
  const started: RunningEmulator[] = [];
  try {
    for (const [i, emulator] of EMULATORS.entries()) {
      const port = flags.basePort === 0 ? 0 : flags.basePort + i;
      started.push(await runEmulator(emulator.source, { host: flags.host, port, seed: flags.seed, scale: flags.scale, anchor, failRate: flags.failRate }));
    }
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
  return { anchor: anchor.toISOString().replace('.000Z', 'Z'), emulators: started };
}

/** The Login with Amazon secrets a local emulator of this source accepts, where its connections sign in that way. */
export function emulatorLwa(source: SourceName): LwaApplication | undefined {
  return SOURCE_EMULATORS[source].lwa;
}

/** The key a local emulator of this source accepts for a connection of this environment. */
export function emulatorKey(source: SourceName, environment: Environment): string {
  const emulator = SOURCE_EMULATORS[source];
  return environment === 'sandbox' && emulator.sandboxKey ? emulator.sandboxKey : emulator.key;
}
