import { z } from 'zod';
import { DEFAULT_ACTIVECAMPAIGN_API_KEY, startActiveCampaignEmulator } from '../../emulators/activecampaign';
import { DEFAULT_AMAZON_SELLER_ACCESS_TOKEN, startAmazonSellerEmulator } from '../../emulators/amazon-seller';
import { DEFAULT_BIGCOMMERCE_ACCESS_TOKEN, DEFAULT_BIGCOMMERCE_STORE_HASH, startBigCommerceEmulator } from '../../emulators/bigcommerce';
import { DEFAULT_FACEBOOK_ACCESS_TOKEN, startFacebookAdsEmulator } from '../../emulators/facebook-ads';
import { DEFAULT_STRIPE_API_KEY, startStripeEmulator } from '../../emulators/stripe';
import { DEFAULT_TALONONE_API_KEYS, startTalonOneEmulator } from '../../emulators/talonone';
import { DEFAULT_THRIVECART_API_KEY, startThriveCartEmulator } from '../../emulators/thrivecart';
import type { Environment, SourceName } from '../../lib/config-schema';

/** The demo's ad account, fixed so cdp.config.yaml can name it. */
export const DEMO_AD_ACCOUNT = '1029384756';

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

interface EmulatorSettings {
  host: string;
  port: number;
  seed: number;
  scale: number;
  failRate: number;
}

/** Every source emulator: its default port, the key it accepts (a sandbox one where the source tells them apart) and how to start it from the shared world. */
export const EMULATORS: { source: SourceName; defaultPort: number; key: string; sandboxKey?: string; start(s: EmulatorSettings): Promise<RunningEmulator> }[] = [
  {
    source: 'stripe',
    defaultPort: 12111,
    key: DEFAULT_STRIPE_API_KEY,
    async start(s) {
      const e = await startStripeEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, failRate: s.failRate });
      const t = e.truth().streams;
      return { source: 'stripe', url: e.url, baseUrl: e.url, key: DEFAULT_STRIPE_API_KEY, summary: `${t.customers.count} customers, ${t.charges.count} charges`, close: e.close };
    },
  },
  {
    source: 'activecampaign',
    defaultPort: 12112,
    key: DEFAULT_ACTIVECAMPAIGN_API_KEY,
    async start(s) {
      const e = await startActiveCampaignEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, faults: { failRate: s.failRate } });
      const t = e.truth().streams;
      return { source: 'activecampaign', url: e.url, baseUrl: e.url, key: DEFAULT_ACTIVECAMPAIGN_API_KEY, summary: `${t.contacts.count} contacts, ${t.contactTags.count} contact tags`, close: e.close };
    },
  },
  {
    source: 'thrivecart',
    defaultPort: 12113,
    key: DEFAULT_THRIVECART_API_KEY,
    async start(s) {
      const e = await startThriveCartEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, failRate: s.failRate });
      return { source: 'thrivecart', url: e.url, baseUrl: e.apiBaseUrl, key: DEFAULT_THRIVECART_API_KEY, summary: `${e.truth().streams.transactions.count} transactions`, close: e.close };
    },
  },
  {
    source: 'bigcommerce',
    defaultPort: 12114,
    key: DEFAULT_BIGCOMMERCE_ACCESS_TOKEN,
    async start(s) {
      // A Pro-plan store: 450 requests per 30 s. Line items and coupons cost a request per order.
      const e = await startBigCommerceEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, failRate: s.failRate, storeHash: DEFAULT_BIGCOMMERCE_STORE_HASH, rateLimitQuota: 450 });
      const t = e.truth().streams;
      return { source: 'bigcommerce', url: e.url, baseUrl: e.apiBaseUrl, key: DEFAULT_BIGCOMMERCE_ACCESS_TOKEN, summary: `${t.orders.count} orders, ${t.customers.count} customers`, close: e.close };
    },
  },
  {
    source: 'facebook_ads',
    defaultPort: 12115,
    key: DEFAULT_FACEBOOK_ACCESS_TOKEN,
    async start(s) {
      const e = await startFacebookAdsEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, adAccountId: DEMO_AD_ACCOUNT, faults: { failRate: s.failRate } });
      return { source: 'facebook_ads', url: e.url, baseUrl: `${e.url}/v19.0/${e.adAccountId}`, key: DEFAULT_FACEBOOK_ACCESS_TOKEN, summary: `ad account ${e.adAccountId}`, close: e.close };
    },
  },
  {
    source: 'talonone',
    defaultPort: 12116,
    key: DEFAULT_TALONONE_API_KEYS.live,
    sandboxKey: DEFAULT_TALONONE_API_KEYS.sandbox,
    async start(s) {
      // Talon.One's own limit of 3 requests a second per endpoint.
      const e = await startTalonOneEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, failRate: s.failRate });
      const apps = e.truth().applications.map((a) => `${a.environment} Application ${a.id}: ${a.profiles.length} profiles, ${a.sessions.count} sessions`);
      return { source: 'talonone', url: e.url, baseUrl: e.url, key: e.apiKeys.live, summary: `${apps.join('; ')}; sandbox key ${e.apiKeys.sandbox}`, close: e.close };
    },
  },
  {
    source: 'amazon_seller',
    defaultPort: 12117,
    key: DEFAULT_AMAZON_SELLER_ACCESS_TOKEN,
    async start(s) {
      // Amazon's usage plans run 60 times faster here (one order list a second instead of a minute), so
      // the demo's backfill takes a minute; the connector follows the rate each answer announces.
      const e = await startAmazonSellerEmulator({ host: s.host, port: s.port, seed: s.seed, scale: s.scale, failRate: s.failRate, rateScale: 60 });
      const t = e.truth().counts;
      return { source: 'amazon_seller', url: e.url, baseUrl: e.url, key: e.accessToken, summary: `marketplace ${e.marketplaceId}: ${t.orders} orders, ${t.returns} returns, ${t.feedback} feedback`, close: e.close };
    },
  },
];

export const emulatorFlagsSchema = z.strictObject({
  host: z.string().default('127.0.0.1'),
  basePort: z.coerce.number().int().min(0).max(65530).default(12111),
  seed: z.coerce.number().int().default(42),
  scale: z.coerce.number().positive().max(20).default(1),
  failRate: z.coerce.number().min(0).max(1).default(0),
});
export type EmulatorFlags = z.infer<typeof emulatorFlagsSchema>;

/** Starts every source emulator from one seeded world, on consecutive ports from the base port (0: free ports). */
export async function startEmulators(flags: EmulatorFlags): Promise<RunningEmulator[]> {
  const started: RunningEmulator[] = [];
  try {
    for (const [i, emulator] of EMULATORS.entries()) {
      const port = flags.basePort === 0 ? 0 : flags.basePort + i;
      started.push(await emulator.start({ host: flags.host, port, seed: flags.seed, scale: flags.scale, failRate: flags.failRate }));
    }
  } catch (err) {
    await Promise.all(started.map((e) => e.close()));
    throw err;
  }
  return started;
}

/** The key a local emulator of this source accepts for a connection of this environment. */
export function emulatorKey(source: SourceName, environment: Environment): string | undefined {
  const emulator = EMULATORS.find((e) => e.source === source);
  return environment === 'sandbox' && emulator?.sandboxKey ? emulator.sandboxKey : emulator?.key;
}
