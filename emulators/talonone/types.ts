/**
 * Talon.One objects as the Management API v1 writes them (field names and casing from the published OpenAPI
 * documents: Application, ApplicationCustomer, ApplicationSession, CartItem, LoyaltyProgram,
 * LoyaltyProgramTransaction, Campaign, Coupon, Referral), plus the emulator's own bookkeeping around them.
 */

export type Environment = 'live' | 'sandbox';
export type SessionState = 'open' | 'closed' | 'partially_returned' | 'cancelled';

export interface T1CartItem {
  name: string;
  sku: string;
  quantity: number;
  returnedQuantity: number;
  remainingQuantity: number;
  /** Per unit, in the Application's currency (major units). */
  price: number;
  category: string;
  position: number;
  attributes: Record<string, unknown>;
}

/** GET /v1/applications/{id}/customers: one customer profile of the Application. */
export interface T1Profile {
  id: number;
  created: string;
  integrationId: string;
  attributes: Record<string, unknown>;
  accountId: number;
  closedSessions: number;
  totalSales: number;
  loyaltyMemberships: null;
  audienceMemberships: unknown[];
  lastActivity: string;
  sandbox: boolean;
  advocateIntegrationId?: string;
}

/** GET /v1/applications/{id}/sessions: one customer session (API v1 shape, `discounts` as a labelled map). */
export interface T1Session {
  id: number;
  created: string;
  integrationId: string;
  applicationId: number;
  profileId: number;
  profileintegrationid: string;
  coupon: string;
  referral: string;
  state: SessionState;
  cartItems: T1CartItem[];
  discounts: Record<string, number>;
  totalDiscounts: number;
  total: number;
  attributes: Record<string, unknown>;
}

export interface T1LoyaltyProgram {
  id: number;
  created: string;
  title: string;
  description: string;
  subscribedApplications: number[];
  defaultValidity: string;
  defaultPending: string;
  allowSubledger: boolean;
  sandbox: boolean;
  programJoinPolicy: 'not_join' | 'points_activated' | 'points_earned';
  returnPolicy: 'only_pending' | 'within_balance';
  accountID: number;
  name: string;
  tiers: T1LoyaltyTier[];
  timezone: string;
  cardBased: boolean;
  canUpdateTiers: boolean;
  canUpdateSubledgers: boolean;
}

export interface T1Application {
  id: number;
  created: string;
  modified: string;
  accountId: number;
  name: string;
  description: string;
  timezone: string;
  currency: string;
  caseSensitivity: 'sensitive' | 'insensitive-uppercase' | 'insensitive-lowercase';
  attributes: Record<string, unknown>;
  limits: unknown[];
  defaultDiscountScope: 'sessionTotal' | 'cartItems' | 'additionalCosts';
  enableCascadingDiscounts: boolean;
  enableFlattenedCartItems: boolean;
  sandbox: boolean;
  enablePartialDiscounts: boolean;
}

export interface T1Campaign {
  id: number;
  created: string;
  applicationId: number;
  userId: number;
  name: string;
  description: string;
  startTime?: string;
  endTime?: string;
  attributes: Record<string, unknown>;
  state: 'enabled' | 'disabled' | 'archived';
  tags: string[];
  reevaluateOnReturn: boolean;
  features: ('coupons' | 'referrals' | 'loyalty' | 'giveaways' | 'strikethrough' | 'achievements')[];
  limits: T1LimitConfig[];
  type: 'cartItem' | 'advanced';
  couponRedemptionCount: number;
  referralRedemptionCount: number;
  createdLoyaltyPointsCount: number;
  frontendState: 'expired' | 'scheduled' | 'running' | 'disabled' | 'archived';
  storesImported: boolean;
}

/** `LimitConfig`: a campaign budget; with `Profile` among its entities it counts per customer profile (and per coupon with `Coupon`). */
export interface T1LimitConfig {
  action: 'redeemCoupon' | 'redeemReferral' | 'setDiscount' | 'addLoyaltyPoints';
  limit: number;
  period?: 'daily' | 'weekly' | 'monthly' | 'yearly';
  entities: ('Coupon' | 'Referral' | 'Profile' | 'Identifier' | 'Store' | 'Session')[];
}

/** `Attribute`: a custom attribute the account defines, and the Applications it is available in. */
export interface T1Attribute {
  id: number;
  created: string;
  accountId: number;
  entity: 'CustomerProfile';
  name: string;
  title: string;
  type: 'string' | 'number' | 'boolean' | 'time';
  description: string;
  suggestions: string[];
  editable: boolean;
  subscribedApplicationsIds: number[];
}

/** `Achievement`: a goal of a campaign, counted per customer profile between its fixed start and end. */
export interface T1Achievement {
  id: number;
  created: string;
  name: string;
  title: string;
  description: string;
  target: number;
  period: string;
  recurrencePolicy: 'no_recurrence' | 'on_expiration' | 'on_completion';
  activationPolicy: 'user_action' | 'fixed_schedule';
  fixedStartDate: string;
  endDate: string;
  campaignId: number;
  userId: number;
  createdBy: string;
  hasProgress: boolean;
  status: 'inprogress' | 'expired' | 'not_started' | 'completed';
  /** What the emulator counts toward the target (not served): closed sessions, or their totals. */
  counts: 'sessions' | 'spend';
}

/** `LoyaltyTier`: a level of a program, reached at `minPoints` active points. */
export interface T1LoyaltyTier {
  id: number;
  created: string;
  programID: number;
  programName: string;
  programTitle: string;
  name: string;
  minPoints: number;
}

/** `LoyaltyCard` of a card-based program, with its ledger (`LedgerInfo`). */
export interface T1LoyaltyCard {
  id: number;
  created: string;
  programID: number;
  programName: string;
  programTitle: string;
  status: 'active' | 'inactive' | 'blocked';
  blockReason?: string;
  identifier: string;
  usersPerCardLimit: number;
  profiles: { integrationId: string; timestamp: string }[];
  ledger: { currentBalance: number; pendingBalance: number; negativeBalance: number; expiredBalance: number; spentBalance: number; tentativeCurrentBalance: number };
  subledgers: Record<string, never>;
  modified: string;
  batchId: string;
}

export interface CardProgramState {
  program: T1LoyaltyProgram;
  cards: T1LoyaltyCard[];
}

export interface T1Coupon {
  id: number;
  created: string;
  campaignId: number;
  value: string;
  usageLimit: number;
  startDate?: string;
  expiryDate?: string;
  usageCounter: number;
  attributes: Record<string, unknown>;
  referralId?: number;
  recipientIntegrationId?: string;
  batchId?: string;
  reservation: boolean;
  isReservationMandatory: boolean;
  implicitlyReserved: boolean;
}

export interface T1Referral {
  id: number;
  created: string;
  startDate?: string;
  expiryDate?: string;
  usageLimit: number;
  campaignId: number;
  advocateProfileIntegrationId: string;
  friendProfileIntegrationId?: string;
  attributes: Record<string, unknown>;
  code: string;
  usageCounter: number;
}

/** How points of an addition start: Talon.One prints `immediate`, `on_action` or a timestamp. */
export type TxStart = { kind: 'immediate' } | { kind: 'at'; ms: number } | { kind: 'on_action' };

/** One loyalty ledger transaction as the emulator keeps it; amounts in hundredths of a point. */
export interface LedgerTx {
  id: number;
  transactionUUID: string;
  programId: number;
  campaignId?: number;
  createdMs: number;
  type: 'addition' | 'subtraction';
  amountHundredths: number;
  name: string;
  start: TxStart;
  /** Null for `unlimited`. */
  expiryMs: number | null;
  /** Set on points that wait for an action: how long they last once activated. */
  validityDuration?: string;
  customerProfileId: string;
  /** '' is the main ledger. */
  subledgerId: string;
  customerSessionId?: string;
  userId?: number;
  userEmail?: string;
  rulesetId?: number;
  ruleName?: string;
  createsNegativeBalance?: boolean;
  source: 'session' | 'manual' | 'import';
  /** The addition a rollback takes back (not served; it decides which points a return removes). */
  rollbackOf?: number;
}

export interface ProgramState {
  program: T1LoyaltyProgram;
  /** In id (= creation) order. */
  transactions: LedgerTx[];
}

export interface ApplicationState {
  application: T1Application;
  environment: Environment;
  programId: number;
  /** In id order. */
  profiles: T1Profile[];
  sessions: T1Session[];
  campaigns: T1Campaign[];
  coupons: T1Coupon[];
  referrals: T1Referral[];
  /** Achievements of the Application's campaigns. */
  achievements: T1Achievement[];
  /** The world person behind each profile id. */
  personOfProfile: Map<number, string>;
}

/** Everything one emulated Talon.One account holds. */
export interface TalonOneAccount {
  seed: number;
  scale: number;
  anchor: string;
  accountId: number;
  /** The account's "now": the anchor, moved forward by every change a test makes. */
  clockMs: number;
  applications: ApplicationState[];
  programs: ProgramState[];
  /** Card-based programs: points live on cards, which profiles register. */
  cardPrograms: CardProgramState[];
  /** Custom attributes of the account (`/v1/attributes`). */
  attributes: T1Attribute[];
  nextId: { profile: number; session: number; transaction: number; coupon: number; referral: number };
}
