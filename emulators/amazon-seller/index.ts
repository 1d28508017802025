import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildSellerAccount } from './build-seller-account.js';
import type { AmazonSellerGroundTruth } from './ground-truth.js';
import { marketplaceOf } from './marketplaces.js';
import { createAmazonSellerServer, type AmazonSellerFaultSettings, type AmazonSellerStats } from './server.js';

export interface AmazonSellerEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people in the world, of whom some buy in the marketplace. Default 1. */
  scale?: number;
  /** The instant the data ends at. Default 2026-11-01T00:00:00Z. */
  anchor?: Date;
  /** The LWA access token the API accepts in `x-amz-access-token`. Default DEFAULT_AMAZON_SELLER_ACCESS_TOKEN. */
  accessToken?: string;
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
  accessToken: string;
  marketplaceId: string;
  close(): Promise<void>;
  /** Ground truth of the account as it is now: `POST /_emulator/mutate` changes it. */
  truth(): AmazonSellerGroundTruth;
  /** Requests, 429s, early retries, reports created by type and getReport polls. */
  stats(): AmazonSellerStats;
  setFaults(f: Partial<AmazonSellerFaultSettings>): AmazonSellerFaultSettings;
}

export const DEFAULT_AMAZON_SELLER_ACCESS_TOKEN = 'Atza|IwEBICdpEmulatorAccessToken0AmazonSellingPartnerApiLwaTokenForLocalTests';
export const DEFAULT_AMAZON_SELLER_MARKETPLACE_ID = 'ATVPDKIKX0DER';
export const DEFAULT_REPORT_PROCESSING_MS = 2_000;
export const DEFAULT_DOCUMENT_URL_TTL_MS = 300_000;

/** Generates the world, builds the seller's marketplace account from it and serves it as the Selling Partner API. */
export async function startAmazonSellerEmulator(opts: AmazonSellerEmulatorOptions = {}): Promise<AmazonSellerEmulator> {
  const marketplace = marketplaceOf(opts.marketplaceId ?? DEFAULT_AMAZON_SELLER_MARKETPLACE_ID);
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: opts.anchor });
  const accessToken = opts.accessToken ?? DEFAULT_AMAZON_SELLER_ACCESS_TOKEN;
  const rateScale = opts.rateScale ?? 1;
  if (!(rateScale >= 0)) throw new Error(`rateScale must be 0 or more; got ${rateScale}.`);
  const server = createAmazonSellerServer({
    account: buildSellerAccount(world, marketplace),
    accessToken,
    rateScale,
    reportProcessingMs: opts.reportProcessingMs ?? DEFAULT_REPORT_PROCESSING_MS,
    documentUrlTtlMs: opts.documentUrlTtlMs ?? DEFAULT_DOCUMENT_URL_TTL_MS,
    faults: { failRate: opts.failRate ?? 0 },
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    accessToken,
    marketplaceId: marketplace.id,
    close,
    truth: () => structuredClone(server.truth()),
    stats: () => server.stats(),
    setFaults: (f) => server.setFaults(f),
  };
}

export { buildSellerAccount } from './build-seller-account.js';
export { computeAmazonSellerTruth } from './ground-truth.js';
export type { AmazonSellerGroundTruth, TruthOrder } from './ground-truth.js';
export { createAmazonSellerServer } from './server.js';
export type { AmazonSellerFaultSettings, AmazonSellerStats } from './server.js';
export { amazonSellerMutationSchema, type AmazonSellerMutation } from './mutations.js';
export { MARKETPLACES, type Marketplace, type FeedbackDateStyle } from './marketplaces.js';
export { USAGE_PLANS, rateLimitHeader, type SpOperation } from './usage-plans.js';
export { RETURN_COLUMNS, type ReturnRow } from './returns-report.js';
export { FEEDBACK_REPORT_MAX_RATING, FEEDBACK_COLUMNS, feedbackDate, type FeedbackRow } from './feedback-report.js';
export { REPORT_TYPES, RETURNS_REPORT_TYPE, FEEDBACK_REPORT_TYPE, RETURNS_MAX_WINDOW_DAYS, type ProcessingStatus, type ReportType } from './reports.js';
export { ORDER_STATUSES, type OrderStatus, type SellerAccount } from './types.js';
