import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildThriveCartAccount } from './build-account.js';
import { cartProducts } from './cart-catalog.js';
import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import { computeThriveCartTruth, type ThriveCartGroundTruth } from './ground-truth.js';
import { createThriveCartServer, type ThriveCartFaultSettings } from './server.js';

export interface ThriveCartEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people in the world the account sells to. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /** The account's subdomain, echoed in /ping and X-ThriveCart-Account-Name. Default 'cdpemulator'. */
  accountName?: string;
  /** Bearer API keys the account accepts. Default ['tc_cdp_emulator_key']. */
  apiKeys?: string[];
  /** Requests per minute for the account, whichever key asks; 0 turns limiting off. Default 60. */
  rateLimitPerMinute?: number;
  /** Fraction of requests answered with a 500, chosen deterministically. Default 0. */
  failRate?: number;
}

export interface ThriveCartEmulator {
  /** Origin without a trailing slash, e.g. http://127.0.0.1:54321. */
  url: string;
  /** Where the API lives, standing in for https://thrivecart.com/api/external. */
  apiBaseUrl: string;
  apiKeys: readonly string[];
  close(): Promise<void>;
  /** Ground truth of the account as it is now: `POST /_emulator/mutate` changes it. */
  truth(): ThriveCartGroundTruth;
  setFaults(f: Partial<ThriveCartFaultSettings>): void;
  /** Requests, 429s and requests that came before their Retry-After was over. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_THRIVECART_ACCOUNT = 'cdpemulator';
export const DEFAULT_THRIVECART_API_KEY = 'tc_cdp_emulator_key';

/** Generates the world, builds the ThriveCart account's sales from it and serves them over HTTP. */
export async function startThriveCartEmulator(opts: ThriveCartEmulatorOptions = {}): Promise<ThriveCartEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const account = buildThriveCartAccount(world, opts.accountName ?? DEFAULT_THRIVECART_ACCOUNT);
  const apiKeys = opts.apiKeys && opts.apiKeys.length > 0 ? [...opts.apiKeys] : [DEFAULT_THRIVECART_API_KEY];
  const server = createThriveCartServer({
    account,
    products: cartProducts(world.catalog),
    computeTruth: () => computeThriveCartTruth(account, world),
    apiKeys,
    faults: { failRate: opts.failRate ?? 0, rateLimitPerMinute: opts.rateLimitPerMinute },
  });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    apiBaseUrl: `${url}/api/external`,
    apiKeys,
    close,
    truth: () => structuredClone(server.truth()),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
    setFaults: (f) => {
      server.setFaults(f);
    },
  };
}

export { buildThriveCartAccount } from './build-account.js';
export { deriveCartPurchases } from './cart-purchases.js';
export { computeThriveCartTruth } from './ground-truth.js';
export type { ThriveCartGroundTruth, AmountByCurrency } from './ground-truth.js';
export { createThriveCartServer, DEFAULT_REQUESTS_PER_MINUTE } from './server.js';
export type { ThriveCartFaultSettings } from './server.js';
export { tcMutationSchema, type TcMutation } from './mutations.js';
export { MAX_PER_PAGE, DEFAULT_PER_PAGE } from './transaction-query.js';
export type { TcTransaction, TcCustomerView, TcSubscription, TcPurchase, ThriveCartAccount, TransactionType } from './types.js';
