import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildBigCommerceStore } from './build-store.js';
import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import { computeBigCommerceTruth, type BigCommerceGroundTruth } from './ground-truth.js';
import { createBigCommerceServer, type BigCommerceFaultSettings } from './server.js';

export interface BigCommerceEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people in the world the store sells to. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /** The store hash in every path, /stores/{storeHash}/…. Default 'cdpemu01'. */
  storeHash?: string;
  /** X-Auth-Token values the store accepts. Default ['bc_cdp_emulator_token']. */
  accessTokens?: string[];
  /** Requests per window for the whole store; 0 turns limiting off. Default 150. */
  rateLimitQuota?: number;
  /** Length of the rate-limit window. Default 30,000 ms. */
  rateLimitWindowMs?: number;
  /** Fraction of requests answered with a 500, chosen deterministically. Default 0. */
  failRate?: number;
}

export interface BigCommerceEmulator {
  /** Base URL without a trailing slash; the API lives under `${url}/stores/${storeHash}/v2|v3`. */
  url: string;
  /** `${url}/stores/${storeHash}`, standing in for https://api.bigcommerce.com/stores/{store_hash}. */
  apiBaseUrl: string;
  storeHash: string;
  accessTokens: readonly string[];
  close(): Promise<void>;
  /** Ground truth of the store as it is now: `POST /_emulator/mutate` changes it. */
  truth(): BigCommerceGroundTruth;
  setFaults(f: Partial<BigCommerceFaultSettings>): void;
  /** Requests, 429s and requests that came before their X-Rate-Limit-Time-Reset-Ms was over. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_BIGCOMMERCE_STORE_HASH = 'cdpemu01';
export const DEFAULT_BIGCOMMERCE_ACCESS_TOKEN = 'bc_cdp_emulator_token';

/** Generates the world, builds the BigCommerce store's purchases from it and serves them over HTTP. */
export async function startBigCommerceEmulator(opts: BigCommerceEmulatorOptions = {}): Promise<BigCommerceEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const storeHash = opts.storeHash ?? DEFAULT_BIGCOMMERCE_STORE_HASH;
  const store = buildBigCommerceStore(world, storeHash);
  const accessTokens = opts.accessTokens && opts.accessTokens.length > 0 ? [...opts.accessTokens] : [DEFAULT_BIGCOMMERCE_ACCESS_TOKEN];
  const server = createBigCommerceServer({
    store,
    computeTruth: () => computeBigCommerceTruth(store, world),
    accessTokens,
    faults: { failRate: opts.failRate ?? 0, rateLimitQuota: opts.rateLimitQuota, rateLimitWindowMs: opts.rateLimitWindowMs },
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    apiBaseUrl: `${url}/stores/${storeHash}`,
    storeHash,
    accessTokens,
    close,
    truth: () => structuredClone(server.truth()),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
    setFaults: (f) => {
      server.setFaults(f);
    },
  };
}

export { buildBigCommerceStore } from './build-store.js';
export { deriveStorePurchases, buysInStripe } from './store-purchases.js';
export { computeBigCommerceTruth } from './ground-truth.js';
export type { BigCommerceGroundTruth, AmountByCurrency } from './ground-truth.js';
export { createBigCommerceServer, DEFAULT_RATE_LIMIT } from './server.js';
export type { BigCommerceFaultSettings } from './server.js';
export { bcMutationSchema, type BcMutation } from './mutations.js';
export { ORDER_STATUSES, type OrderStatusId } from './order-status.js';
export type { BigCommerceStore, BcOrder, BcOrderProduct, BcOrderCoupon, BcCustomer, BcProduct } from './types.js';
