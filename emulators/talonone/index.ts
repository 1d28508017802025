import type { RateLimitStats, WaitRecord } from '../http/rate-limit-watch.js';
import { worldAnchor } from '../http/account-clock.js';
import { listen } from '../http/listen.js';
import { generateWorld } from '../world/index.js';
import { buildTalonOneAccount } from './build-account.js';
import type { TalonOneGroundTruth } from './ground-truth.js';
import { createTalonOneServer, type TalonOneFaultSettings } from './server.js';
import type { Environment } from './types.js';

export interface TalonOneEmulatorOptions {
  /** Default 127.0.0.1. */
  host?: string;
  /** 0 picks a free port. Default 0. */
  port?: number;
  /** Default 42. */
  seed?: number;
  /** 1 is about 3,000 people, of whom the buyers become the live Application's profiles. Default 1. */
  scale?: number;
  /** The instant the data ends at ("now" for the world), cut to the second. Default the emulator's start time. */
  anchor?: Date;
  /** The management key of each Application. Default DEFAULT_TALONONE_API_KEYS. */
  apiKeys?: Partial<Record<Environment, string>>;
  /** The loyalty programs' and Applications' time zone. Default Europe/Berlin. */
  timeZone?: string;
  /** Requests per second each endpoint takes; 0 turns limiting off. Default 3, like Talon.One. */
  rateLimitPerSecond?: number;
  /** Fraction of requests answered with a 500, chosen deterministically. Default 0. */
  failRate?: number;
}

/** One Application of the account, as a connector is configured with it. */
export interface TalonOneApplicationInfo {
  id: number;
  name: string;
  environment: Environment;
  sandbox: boolean;
  apiKey: string;
  loyaltyProgramId: number;
  campaignIds: number[];
}

export interface TalonOneEmulator {
  /** The deployment's base URL, standing in for https://yourbaseurl.talon.one (requests go to `${url}/v1/...`). */
  url: string;
  apiKeys: Readonly<Record<Environment, string>>;
  applications: TalonOneApplicationInfo[];
  close(): Promise<void>;
  /** Ground truth of the account as it is now: `POST /_emulator/mutate` changes it. */
  truth(): TalonOneGroundTruth;
  setFaults(f: Partial<TalonOneFaultSettings>): TalonOneFaultSettings;
  /** Requests, 429s and requests that came before their endpoint's one-second window was over. */
  stats(): RateLimitStats;
  /** Every refusal that named a wait, with when the credential's next request came. */
  announcedWaits(): WaitRecord[];
}

export const DEFAULT_TALONONE_API_KEYS: Readonly<Record<Environment, string>> = {
  live: '7d3f0c5a9e1b4d2f8a6c0e4b2d9f7a1c3e5b8d0f',
  sandbox: 'e2a4c6b8d0f1e3a5c7b9d2f4a6c8e0b1d3f5a7c9',
};
export const DEFAULT_TALONONE_TIME_ZONE = 'Europe/Berlin';

/** Generates the world, builds the Talon.One account from it and serves it over HTTP. */
export async function startTalonOneEmulator(opts: TalonOneEmulatorOptions = {}): Promise<TalonOneEmulator> {
  const world = generateWorld({ seed: opts.seed ?? 42, scale: opts.scale ?? 1, anchor: worldAnchor(opts.anchor) });
  const account = buildTalonOneAccount(world, opts.timeZone ?? DEFAULT_TALONONE_TIME_ZONE);
  const apiKeys = { ...DEFAULT_TALONONE_API_KEYS, ...opts.apiKeys };
  if (apiKeys.live === apiKeys.sandbox) throw new Error('The live and sandbox Applications need different management keys.');
  const server = createTalonOneServer({ account, apiKeys, faults: { failRate: opts.failRate ?? 0, rateLimitPerSecond: opts.rateLimitPerSecond } });
  const { url, close } = await listen(server.app, opts);
  return {
    url,
    apiKeys,
    applications: account.applications.map((a) => ({
      id: a.application.id,
      name: a.application.name,
      environment: a.environment,
      sandbox: a.application.sandbox,
      apiKey: apiKeys[a.environment],
      loyaltyProgramId: a.programId,
      campaignIds: a.campaigns.map((c) => c.id),
    })),
    close,
    truth: () => structuredClone(server.truth()),
    setFaults: (f) => server.setFaults(f),
    stats: () => server.stats(),
    announcedWaits: () => server.announcedWaits(),
  };
}

export { buildTalonOneAccount, TALONONE_IDS } from './build-account.js';
export { computeTalonOneTruth, EXPIRY_WINDOW_MS } from './ground-truth.js';
export type { TalonOneGroundTruth, TruthApplication, TruthProgram, TruthProfile, TruthExpiring, TruthAchievementProgress, TruthLoyaltyCard, TruthCardProgram } from './ground-truth.js';
export type { ProfileBudget } from './profile-tabs.js';
export { createTalonOneServer, TALONONE_RATE_LIMIT_PER_SECOND } from './server.js';
export type { TalonOneFaultSettings } from './server.js';
export { t1MutationSchema, type T1Mutation } from './mutations.js';
export { applyLoyaltyDuration, parseLoyaltyDuration, pointsStart, pointsExpiry, LoyaltyDurationError } from './loyalty-dates.js';
export { ledgerBalance, replayLedger, expiringLots, type LedgerEntry, type LedgerBalance } from './loyalty-ledger.js';
export { MAX_PAGE_SIZE, DEFAULT_PAGE_SIZE, DEFAULT_TRANSACTION_PAGE_SIZE } from './list-query.js';
export type { BalancesView, BalanceView } from './loyalty-views.js';
export type {
  Environment, SessionState, T1Application, T1Profile, T1Session, T1CartItem, T1LoyaltyProgram, T1Campaign, T1Coupon, T1Referral, TalonOneAccount,
} from './types.js';
