import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildStripeData } from './build/build-stripe-data.js';
import { computeGroundTruth, type StripeGroundTruth } from './ground-truth.js';
import type { WaitRecord } from '../http/rate-limit-watch.js';
import { createStripeServer, type FaultSettings, type RequestStats } from './server.js';
import type { API_VERSIONS, ApiVersion } from './versions.js';

export interface StripeEmulatorOptions {
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
  /** Keys the emulator accepts; `sk_live_`/`rk_live_` keys see `livemode: true`. Default ['sk_test_cdp_emulator']. */
  apiKeys?: string[];
  /** Requests per second per key (burst the same). Default 25 for test keys, 100 for live keys, like Stripe; 0 turns limiting off. */
  rateLimitPerSecond?: number;
  /** Fraction of requests answered with a 500, chosen deterministically. Default 0. */
  failRate?: number;
  /**
   * The account's default API version: what a request without `Stripe-Version` gets, and what events
   * are written in. One of {@link API_VERSIONS}; default the newest.
   */
  apiVersion?: ApiVersion;
}

export interface StripeEmulator {
  /** Base URL without a trailing slash, e.g. http://127.0.0.1:54321. */
  url: string;
  /** The keys the emulator accepts. */
  apiKeys: readonly string[];
  close(): Promise<void>;
  truth(): StripeGroundTruth;
  setFaults(f: Partial<FaultSettings>): void;
  /** Requests served, 429s and injected failures so far. */
  stats(): RequestStats;
  /** Every 429 that named a wait (see `retryAfterSeconds`), with when the key's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_STRIPE_API_KEY = 'sk_test_cdp_emulator';

/** Generates the world, builds the Stripe account from it and serves it over HTTP. */
export async function startStripeEmulator(opts: StripeEmulatorOptions = {}): Promise<StripeEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const data = buildStripeData(world);
  const canonicalEmail = new Map(world.people.map((p) => [p.person_id, p.email] as const));
  const truth = computeGroundTruth(data, (personId) => canonicalEmail.get(personId) ?? '');
  const apiKeys = opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [DEFAULT_STRIPE_API_KEY];
  const server = createStripeServer({
    data,
    truth,
    apiKeys,
    faults: { failRate: opts.failRate ?? 0, rateLimitPerSecond: opts.rateLimitPerSecond ?? null },
    apiVersion: opts.apiVersion,
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    apiKeys,
    close,
    truth: () => structuredClone(truth),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
    setFaults: (f) => {
      server.setFaults(f);
    },
  };
}

export { buildStripeData } from './build/build-stripe-data.js';
export type { StripeData } from './build/stripe-data.js';
export { computeGroundTruth } from './ground-truth.js';
export type { StripeGroundTruth, AmountByCurrency, CountByStatus } from './ground-truth.js';
export { createStripeServer, STRIPE_API_VERSION, DEFAULT_RATE_LIMITS } from './server.js';
export { API_VERSIONS, LATEST_API_VERSION } from './versions.js';
export type { ApiVersion } from './versions.js';
export type { FaultSettings, RequestStats } from './server.js';
export { maskKey, keyMode } from './auth.js';
export type { StripeCustomer } from './objects/customer.js';
export type { StripeCharge } from './objects/charge.js';
export type { StripeRefund } from './objects/refund.js';
export type { StripeInvoice, StripeLineItem } from './objects/invoice.js';
export type { StripeInvoicePayment } from './objects/invoice-payment.js';
export type { StripeSubscription, StripeSubscriptionItem } from './objects/subscription.js';
export type { StripeCoupon, StripePromotionCode, StripeDiscount } from './objects/discounts.js';
export type { StripeProduct, StripePrice } from './objects/catalog.js';
