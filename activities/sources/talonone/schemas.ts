import { z } from 'zod';

// Schemas check the fields cdp's models read and let every other field through: the raw lake keeps
// the whole payload. The shapes are the Management API's models (CustomerProfile as listed per
// Application, ApplicationSession, LoyaltyProgram, LoyaltyProgramTransaction, LoyaltyBalancesWithTiers,
// Campaign, Coupon, Referral) in Talon.One's OpenAPI document, https://docs.talon.one/management-api.
// Money and points are JSON numbers in the Application's currency; times are RFC 3339. Optional
// fields may come back null. States are plain strings where Talon.One may add values; a ledger
// entry's `type` is checked, since it gives its amount a sign.

const id = z.number().int().nonnegative();
const rfc3339 = z.string().regex(/^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/, 'an RFC 3339 date-time');
const optional = <T extends z.ZodType>(schema: T) => schema.nullish();

/** A customer profile as `/v1/applications/{applicationId}/customers` lists it. */
export const customerSchema = z.looseObject({
  id,
  integrationId: z.string().min(1),
  created: rfc3339,
  lastActivity: rfc3339,
  accountId: id,
  closedSessions: z.number().int().nonnegative(),
  totalSales: z.number(),
  attributes: z.record(z.string(), z.unknown()),
  sandbox: optional(z.boolean()),
  advocateIntegrationId: optional(z.string()),
  audienceMemberships: optional(z.array(z.looseObject({ id, name: z.string() }))),
});

const cartItemSchema = z.looseObject({
  sku: z.string(),
  quantity: z.number().int(),
  price: optional(z.number()),
  name: optional(z.string()),
  category: optional(z.string()),
  returnedQuantity: optional(z.number().int()),
});

/** A customer session as `/v1/applications/{applicationId}/sessions` lists it. */
export const sessionSchema = z.looseObject({
  id,
  integrationId: z.string().min(1),
  created: rfc3339,
  applicationId: id,
  // Lower-case in the API itself: the integration id of the session's customer, absent for anonymous sessions.
  profileintegrationid: optional(z.string()),
  profileId: optional(id),
  storeIntegrationId: optional(z.string()),
  state: z.string().min(1),
  coupon: z.string(),
  referral: z.string(),
  total: z.number(),
  totalDiscounts: z.number(),
  cartItems: z.array(cartItemSchema),
});

/** A loyalty program as `/v1/loyalty_programs` lists it. */
export const loyaltyProgramSchema = z.looseObject({
  id,
  created: rfc3339,
  name: z.string().min(1),
  title: z.string(),
  accountID: id,
  sandbox: z.boolean(),
  subscribedApplications: z.array(id),
  cardBased: z.boolean(),
  allowSubledger: z.boolean(),
  timezone: z.string().min(1),
  defaultValidity: z.string(),
  defaultPending: z.string(),
  tiers: optional(z.array(z.looseObject({ id, name: z.string(), minPoints: z.number() }))),
});

/** An entry of a loyalty program's ledger, as `/v1/loyalty_programs/{loyaltyProgramId}/transactions` lists it. */
export const loyaltyTransactionSchema = z.looseObject({
  id,
  transactionUUID: z.string().min(1),
  programId: id,
  created: rfc3339,
  type: z.enum(['addition', 'subtraction']),
  amount: z.number(),
  name: z.string(),
  subledgerId: z.string(),
  // `immediate`, `on_action` or a time; `unlimited` or a time. Kept as the API writes them.
  startDate: z.string(),
  expiryDate: z.string(),
  customerProfileId: optional(z.string()),
  cardIdentifier: optional(z.string()),
  customerSessionId: optional(z.string()),
  campaignId: optional(id),
});

const balanceSchema = z.looseObject({
  activePoints: optional(z.number()),
  pendingPoints: optional(z.number()),
  spentPoints: optional(z.number()),
  expiredPoints: optional(z.number()),
  negativePoints: optional(z.number()),
  currentTier: optional(z.looseObject({ id, name: z.string() })),
});

/**
 * A profile's balances in one program (`/v1/loyalty_programs/{loyaltyProgramId}/profile/{integrationId}/ledger_balances`).
 * The answer names neither; the pager adds them as `cdp_parent`, taken from the request's path.
 */
export const loyaltyBalanceSchema = z.looseObject({
  cdp_parent: z.looseObject({ loyaltyProgramId: z.string().regex(/^\d+$/, 'a loyalty program id'), integrationId: z.string().min(1) }),
  balance: optional(balanceSchema),
  subledgerBalances: optional(z.record(z.string(), balanceSchema)),
});

/** A campaign as `/v1/applications/{applicationId}/campaigns` lists it. */
export const campaignSchema = z.looseObject({
  id,
  applicationId: id,
  created: rfc3339,
  name: z.string(),
  state: z.string().min(1),
  type: z.string().min(1),
  features: z.array(z.string()),
  tags: z.array(z.string()),
  startTime: optional(rfc3339),
  endTime: optional(rfc3339),
  updated: optional(rfc3339),
});

/** A coupon as `/v1/applications/{applicationId}/campaigns/{campaignId}/coupons/no_total` lists it. */
export const couponSchema = z.looseObject({
  id,
  campaignId: id,
  value: z.string().min(1),
  created: rfc3339,
  usageCounter: z.number().int().nonnegative(),
  usageLimit: z.number().int().nonnegative(),
  startDate: optional(rfc3339),
  expiryDate: optional(rfc3339),
  recipientIntegrationId: optional(z.string()),
  referralId: optional(id),
  batchId: optional(z.string()),
});

/** A referral as `/v1/applications/{applicationId}/campaigns/{campaignId}/referrals/no_total` lists it. */
export const referralSchema = z.looseObject({
  id,
  campaignId: id,
  code: z.string().min(1),
  created: rfc3339,
  usageCounter: z.number().int().nonnegative(),
  usageLimit: z.number().int().nonnegative(),
  advocateProfileIntegrationId: z.string().min(1),
  friendProfileIntegrationId: optional(z.string()),
  startDate: optional(rfc3339),
  expiryDate: optional(rfc3339),
});

/** A custom attribute as `/v1/attributes` lists it. */
export const attributeSchema = z.looseObject({
  id,
  created: rfc3339,
  entity: z.string().min(1),
  name: z.string().min(1),
  title: z.string(),
  // `string`, `number`, `boolean`, `time`, lists and locations: a plain string, Talon.One adds types.
  type: z.string().min(1),
  subscribedApplicationsIds: optional(z.array(id)),
});

/** An achievement as `/v1/applications/{applicationId}/campaigns/{campaignId}/achievements` lists it. */
export const achievementSchema = z.looseObject({
  id,
  created: rfc3339,
  campaignId: id,
  name: z.string().min(1),
  title: z.string(),
  target: z.number(),
  period: optional(z.string()),
  status: optional(z.string()),
  fixedStartDate: optional(rfc3339),
  endDate: optional(rfc3339),
});

/**
 * A profile's progress on an achievement (`/v1/applications/{applicationId}/achievement_progress/{integrationId}`).
 * The answer does not name the profile; the pager adds it as `cdp_parent`, taken from the request's path.
 */
export const achievementProgressSchema = z.looseObject({
  cdp_parent: z.looseObject({ integrationId: z.string().min(1) }),
  achievementId: id,
  campaignId: id,
  name: z.string().min(1),
  title: z.string(),
  status: z.string().min(1),
  progress: z.number(),
  target: optional(z.number()),
  startDate: optional(rfc3339),
  endDate: optional(rfc3339),
  completionDate: optional(rfc3339),
});

const ledgerInfoSchema = z.looseObject({
  currentBalance: z.number(),
  pendingBalance: z.number(),
  expiredBalance: z.number(),
  spentBalance: z.number(),
  negativeBalance: optional(z.number()),
  currentTier: optional(z.looseObject({ id, name: z.string() })),
});

/** A loyalty card as `/v1/loyalty_programs/{loyaltyProgramId}/cards` lists it. */
export const loyaltyCardSchema = z.looseObject({
  id,
  created: rfc3339,
  programID: id,
  identifier: z.string().min(1),
  status: z.string().min(1),
  usersPerCardLimit: z.number().int().nonnegative(),
  profiles: optional(z.array(z.looseObject({ integrationId: z.string().min(1), timestamp: rfc3339 }))),
  ledger: optional(ledgerInfoSchema),
  blockReason: optional(z.string()),
});

/** The connection's Application, as `/v1/applications/{applicationId}` answers it. */
export const applicationSchema = z.looseObject({
  id,
  created: rfc3339,
  modified: rfc3339,
  name: z.string().min(1),
  timezone: z.string().min(1),
  currency: z.string().min(1),
  sandbox: optional(z.boolean()),
});
