import { worldAnchor } from '../http/account-clock.js';
import type { WaitRecord } from '../http/rate-limit-watch.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildSellerAccount } from './build-seller-account.js';
import type { AmazonSellerGroundTruth } from './ground-truth.js';
import { marketplaceOf } from './marketplaces.js';
import type { LwaApplication } from './lwa.js';
import { createAmazonSellerServer, LWA_TOKEN_PATH, type AmazonSellerFaultSettings, type AmazonSellerStats } from './server.js';

export interface AmazonSellerEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people in the world, of whom some buy in the marketplace. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /**
   * An LWA access token taken as minted when the emulator starts: it works in `x-amz-access-token`
   * until it expires like any other. Default DEFAULT_AMAZON_SELLER_ACCESS_TOKEN.
   */
  accessToken?: string;
  /** The application's client id and secret and the seller's refresh token the token endpoint accepts. Default DEFAULT_AMAZON_SELLER_LWA. */
  lwa?: LwaApplication;
  /** How long an access token works, in seconds. Default 3,600, Amazon's hour. */
  accessTokenTtlSeconds?: number;
  /** The clock access tokens are issued and expire by (never before the anchor), in ms since the epoch. Default the real one. */
  now?: () => number;
  /** The seller's marketplace. Default DEFAULT_AMAZON_SELLER_MARKETPLACE_ID (amazon.com). */
  marketplaceId?: string;
  /** Multiplies every operation's documented rate (the burst stays); 0 turns limiting off. Default 1, the real limits. */
  rateScale?: number;
  /** How long a report stays IN_QUEUE and then IN_PROGRESS (half each) before it ends. Default 2,000 ms. */
  reportProcessingMs?: number;
  /** How long a report document's pre-signed URL works. Default 300,000 ms, Amazon's five minutes. */
  documentUrlTtlMs?: number;
  /** Fraction of operation requests answered with a 500, chosen deterministically. Default 0. */
  failRate?: number;
}

export interface AmazonSellerEmulator {
  /** Stands for https://sellingpartnerapi-na.amazon.com (or -eu): operations live at `${url}/orders/v0/...`, `${url}/reports/2021-06-30/...`. */
  url: string;
  /** Stands for https://api.amazon.com/auth/o2/token, LWA's token endpoint. */
  tokenUrl: string;
  accessToken: string;
  lwa: LwaApplication;
  marketplaceId: string;
  close(): Promise<void>;
  /** Ground truth of the account as it is now: `POST /_emulator/mutate` changes it. */
  truth(): AmazonSellerGroundTruth;
  /** Requests, 429s, early retries, reports created by type and getReport polls. */
  stats(): AmazonSellerStats;
  /** Every throttled request, with the time its operation's bucket would next hold a token as the wait, and when the next request came. */
  announcedWaits(): WaitRecord[];
  setFaults(f: Partial<AmazonSellerFaultSettings>): AmazonSellerFaultSettings;
}

export const DEFAULT_AMAZON_SELLER_ACCESS_TOKEN = 'Atza|IwEBICdpEmulatorAccessToken0AmazonSellingPartnerApiLwaTokenForLocalTests';
export const DEFAULT_AMAZON_SELLER_MARKETPLACE_ID = 'ATVPDKIKX0DER';
/** The demo's application and seller authorization, shaped like LWA's own identifiers. */
export const DEFAULT_AMAZON_SELLER_LWA: LwaApplication = {
  clientId: 'amzn1.application-oa2-client.cdpemulator0000000000000000000000',
  clientSecret: 'amzn1.oa2-cs.v1.cdpEmulatorClientSecret0000000000000000000000000000',
  refreshToken: 'Atzr|IwEBIcdpEmulatorRefreshToken0AmazonSellingPartnerApiLwaRefreshTokenForLocalTests',
};
/** Amazon's access tokens last an hour. */
export const DEFAULT_ACCESS_TOKEN_TTL_SECONDS = 3_600;
export const DEFAULT_REPORT_PROCESSING_MS = 2_000;
export const DEFAULT_DOCUMENT_URL_TTL_MS = 300_000;

/** Generates the world, builds the seller's marketplace account from it and serves it as the Selling Partner API. */
export async function startAmazonSellerEmulator(opts: AmazonSellerEmulatorOptions = {}): Promise<AmazonSellerEmulator> {
  const marketplace = marketplaceOf(opts.marketplaceId ?? DEFAULT_AMAZON_SELLER_MARKETPLACE_ID);
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const accessToken = opts.accessToken ?? DEFAULT_AMAZON_SELLER_ACCESS_TOKEN;
  const rateScale = opts.rateScale ?? 1;
  if (!(rateScale >= 0)) throw new Error(`rateScale must be 0 or more; got ${rateScale}.`);
  const lwa = opts.lwa ?? DEFAULT_AMAZON_SELLER_LWA;
  const accessTokenTtlSeconds = opts.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TOKEN_TTL_SECONDS;
  if (!(accessTokenTtlSeconds > 0)) throw new Error(`accessTokenTtlSeconds must be more than 0; got ${accessTokenTtlSeconds}.`);
  const server = createAmazonSellerServer({
    account: buildSellerAccount(world, marketplace),
    accessToken,
    lwa,
    accessTokenTtlSeconds,
    now: opts.now,
    rateScale,
    reportProcessingMs: opts.reportProcessingMs ?? DEFAULT_REPORT_PROCESSING_MS,
    documentUrlTtlMs: opts.documentUrlTtlMs ?? DEFAULT_DOCUMENT_URL_TTL_MS,
    faults: { failRate: opts.failRate ?? 0 },
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    tokenUrl: `${url}${LWA_TOKEN_PATH}`,
    accessToken,
    lwa,
    marketplaceId: marketplace.id,
    close,
    truth: () => structuredClone(server.truth()),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
    setFaults: (f) => server.setFaults(f),
  };
}

export { buildSellerAccount } from './build-seller-account.js';
export { computeAmazonSellerTruth } from './ground-truth.js';
export type { AmazonSellerGroundTruth, TruthOrder } from './ground-truth.js';
export { createAmazonSellerServer, LWA_TOKEN_PATH } from './server.js';
export type { LwaApplication, LwaStats } from './lwa.js';
export type { AmazonSellerFaultSettings, AmazonSellerStats } from './server.js';
export { amazonSellerMutationSchema, type AmazonSellerMutation } from './mutations.js';
export { MARKETPLACES, type Marketplace, type FeedbackDateStyle } from './marketplaces.js';
export { USAGE_PLANS, rateLimitHeader, type SpOperation } from './usage-plans.js';
export { RETURN_COLUMNS, type ReturnRow } from './returns-report.js';
export { FEEDBACK_REPORT_MAX_RATING, FEEDBACK_COLUMNS, feedbackDate, type FeedbackRow } from './feedback-report.js';
export { REPORT_TYPES, RETURNS_REPORT_TYPE, FEEDBACK_REPORT_TYPE, RETURNS_MAX_WINDOW_DAYS, type ProcessingStatus, type ReportType } from './reports.js';
export { ORDER_STATUSES, type OrderStatus, type SellerAccount } from './types.js';
