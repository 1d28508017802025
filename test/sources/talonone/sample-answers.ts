// Sample Talon.One Management API answers, written after the response examples and models of the
// Management API reference (https://docs.talon.one/management-api), one per stream, with the values
// of one small webshop: Application 132, customer cust-1001 referred by cust-0999, loyalty program 139.
// Times are RFC 3339 as the API writes them, with and without fractions and offsets.

/** GET /v1/applications/{applicationId}/customers, https://docs.talon.one/management-api#tag/Customer-data/operation/getApplicationCustomers */
export const customersAnswer = {
  hasMore: false,
  data: [
    {
      id: 6,
      created: '2024-03-02T09:15:22Z',
      integrationId: 'cust-1001',
      attributes: { Email: 'ada@example.com', Name: 'Ada Lovelace', ShippingCountry: 'DE' },
      accountId: 31,
      closedSessions: 3,
      totalSales: 299.99,
      // Deprecated: always null.
      loyaltyMemberships: null,
      audienceMemberships: [{ id: 2, name: 'Newsletter' }],
      lastActivity: '2024-03-09T14:15:20Z',
      sandbox: false,
      advocateIntegrationId: 'cust-0999',
    },
  ],
};

/** GET /v1/applications/{applicationId}/sessions, https://docs.talon.one/management-api#tag/Customer-data/operation/getApplicationSessions */
export const sessionsAnswer = {
  hasMore: false,
  data: [
    {
      id: 41,
      created: '2024-03-09T14:15:20.412Z',
      integrationId: 'order-5001',
      storeIntegrationId: 'STORE-001',
      applicationId: 132,
      profileId: 6,
      profileintegrationid: 'cust-1001',
      coupon: 'SPRING-10',
      referral: '',
      state: 'closed',
      cartItems: [{ name: 'Air Glide', sku: 'SKU1241028', quantity: 1, price: 99.99, category: 'shoes', returnedQuantity: 0, remainingQuantity: 1 }],
      discounts: {},
      totalDiscounts: 10,
      total: 99.99,
      attributes: {},
    },
  ],
};

const program = (id: number, subscribedApplications: number[]) => ({
  id,
  created: '2023-06-10T09:05:27.993483Z',
  title: 'Point collection',
  description: 'Customers collect 10 points per 1$ spent',
  subscribedApplications,
  defaultValidity: 'unlimited',
  defaultPending: 'immediate',
  allowSubledger: true,
  usersPerCardLimit: 0,
  sandbox: false,
  programJoinPolicy: 'points_earned',
  tiersExpirationPolicy: 'tier_start_date',
  tiersExpireIn: '27W_U',
  tiersDowngradePolicy: 'one_down',
  returnPolicy: 'only_pending',
  accountID: 31,
  name: `points_${id}`,
  tiers: [
    { id: 1, created: '2023-06-10T09:04:39.355258Z', programID: id, name: 'Bronze', minPoints: 100 },
    { id: 2, created: '2023-06-10T09:04:59.355258Z', programID: id, name: 'Silver', minPoints: 300 },
  ],
  timezone: 'Europe/Berlin',
  cardBased: false,
  canUpdateTiers: true,
  canUpdateSubledgers: false,
});

/** GET /v1/loyalty_programs, https://docs.talon.one/management-api#tag/Loyalty/operation/getLoyaltyPrograms: one program of Application 132, one of another. */
export const loyaltyProgramsAnswer = { totalResultSize: 2, data: [program(139, [132, 97]), program(140, [97])] };

/** GET /v1/loyalty_programs/{loyaltyProgramId}/transactions, https://docs.talon.one/management-api#tag/Loyalty/operation/getLoyaltyProgramTransactions */
export const loyaltyTransactionsAnswer = {
  hasMore: false,
  data: [
    {
      id: 123,
      transactionUUID: 'ce59f12a-f53b-4014-a745-636d93f2bd3f',
      programId: 139,
      campaignId: 4,
      created: '2024-03-09T14:15:21.000+00:00',
      type: 'addition',
      amount: 10,
      name: 'Reward 10 points for each $100 purchase',
      startDate: 'immediate',
      expiryDate: 'unlimited',
      customerProfileId: 'cust-1001',
      subledgerId: '',
      customerSessionId: 'order-5001',
      rulesetId: 11,
      ruleName: '10 points for every $100 spent',
      flags: { createsNegativeBalance: false },
    },
    {
      id: 124,
      transactionUUID: '0b1f3f1e-6a5c-4c39-9f0e-3f2f2b8d9a10',
      programId: 139,
      created: '2024-03-10T08:00:00+01:00',
      type: 'subtraction',
      amount: 5,
      name: 'Manual correction',
      startDate: 'immediate',
      expiryDate: '2025-03-10T07:00:00Z',
      customerProfileId: 'cust-1001',
      subledgerId: 'store-credit',
      userId: 5,
      userEmail: 'john.doe@example.com',
      importId: null,
    },
  ],
};

/** GET /v1/loyalty_programs/{loyaltyProgramId}/profile/{integrationId}/ledger_balances, https://docs.talon.one/management-api#operation/getLoyaltyLedgerBalances */
export const loyaltyBalancesAnswer = {
  balance: {
    activePoints: 286,
    pendingPoints: 50,
    spentPoints: 150,
    expiredPoints: 25,
    negativePoints: 0,
    currentTier: { id: 1, name: 'Bronze', startDate: '2024-01-23T04:56:07.000+01:00', expiryDate: '2024-07-23T04:56:07.000+02:00', downgradePolicy: 'one_down' },
    pointsToNextTier: 14,
    nextTierName: 'Silver',
  },
  subledgerBalances: { 'store-credit': { activePoints: 20, pendingPoints: 0, spentPoints: 5, expiredPoints: 0, negativePoints: 0 } },
};

/** GET /v1/applications/{applicationId}/campaigns, https://docs.talon.one/management-api#operation/getCampaigns */
export const campaignsAnswer = {
  totalResultSize: 1,
  data: [
    {
      id: 4,
      created: '2024-02-10T09:05:27.993483Z',
      applicationId: 132,
      userId: 388,
      name: 'Spring promotions',
      description: 'Coupons, referrals and points for spring 2024',
      startTime: '2024-03-01T00:00:00Z',
      endTime: '2024-05-31T22:00:00Z',
      attributes: {},
      state: 'enabled',
      activeRulesetId: 6,
      tags: ['spring'],
      features: ['coupons', 'referrals', 'loyalty'],
      couponSettings: { couponPattern: 'SPRING-####', validCharacters: ['A', 'B', '1', '2'] },
      limits: [{ action: 'redeemCoupon', limit: 1000, entities: ['Coupon'] }],
      campaignGroups: [1],
      type: 'advanced',
      budgets: [{ action: 'redeemCoupon', limit: 1000, counter: 42 }],
      lastActivity: '2024-03-09T14:15:20Z',
      updated: '2024-02-11T10:00:00Z',
      createdBy: 'John Doe',
      updatedBy: 'Jane Doe',
      frontendState: 'running',
      storesImported: false,
      reevaluateOnReturn: false,
    },
  ],
};

/** GET /v1/applications/{applicationId}/campaigns/{campaignId}/coupons/no_total, https://docs.talon.one/management-api#tag/Coupons/operation/getCouponsWithoutTotalCount */
export const couponsAnswer = {
  hasMore: false,
  data: [
    {
      id: 61,
      created: '2024-02-10T09:06:00Z',
      campaignId: 4,
      value: 'SPRING-10',
      usageLimit: 100,
      discountLimit: 30,
      reservationLimit: 45,
      startDate: '2024-03-01T00:00:00Z',
      expiryDate: '2024-05-31T22:00:00Z',
      usageCounter: 10,
      discountCounter: 10,
      discountRemainder: 20,
      reservationCounter: 1,
      attributes: {},
      recipientIntegrationId: 'cust-1001',
      batchId: '32535-43255',
      reservation: false,
      implicitlyReserved: false,
    },
  ],
};

/** GET /v1/applications/{applicationId}/campaigns/{campaignId}/referrals/no_total, https://docs.talon.one/management-api#operation/getReferralsWithoutTotalCount */
export const referralsAnswer = {
  hasMore: false,
  data: [
    {
      id: 7,
      created: '2024-02-20T10:00:00Z',
      startDate: '2024-03-01T00:00:00Z',
      expiryDate: '2024-11-10T23:00:00Z',
      usageLimit: 1,
      campaignId: 4,
      advocateProfileIntegrationId: 'cust-0999',
      friendProfileIntegrationId: 'cust-1001',
      attributes: { channel: 'web' },
      code: '27G47Y54VH9L',
      usageCounter: 1,
      batchId: 'tqyrgahe',
    },
  ],
};

/** GET /v1/applications/{applicationId}, https://docs.talon.one/management-api#operation/getApplication: a sandbox Application. */
export const applicationAnswer = {
  id: 132,
  created: '2023-06-10T09:05:27.993483Z',
  modified: '2024-01-12T10:12:42Z',
  accountId: 31,
  name: 'Webshop (test)',
  description: 'Staging webshop',
  timezone: 'Europe/Berlin',
  currency: 'EUR',
  caseSensitivity: 'sensitive',
  attributes: {},
  enableCascadingDiscounts: true,
  enableFlattenedCartItems: false,
  sandbox: true,
  loyaltyPrograms: [],
};

/** GET /v1/attributes, https://docs.talon.one/management-api#tag/Attributes/operation/getAttributes: one custom profile attribute. */
export const attributesAnswer = {
  totalResultSize: 1,
  data: [
    {
      id: 6,
      created: '2020-06-10T09:05:27.993483Z',
      accountId: 31,
      entity: 'CustomerProfile',
      name: 'Gender',
      title: 'Gender',
      type: 'string',
      description: 'As the customer gave it.',
      suggestions: ['female', 'male', 'diverse'],
      hasAllowedList: false,
      restrictedBySuggestions: false,
      editable: true,
      subscribedApplicationsIds: [132],
    },
  ],
};

/** GET /v1/applications/{applicationId}/campaigns/{campaignId}/achievements, https://docs.talon.one/management-api#tag/Achievements/operation/listAchievements */
export const achievementsAnswer = {
  hasMore: false,
  data: [
    {
      id: 3,
      created: '2020-06-10T09:05:27.993483Z',
      name: 'Order30Discount',
      title: '50% off on 50th purchase.',
      description: '50% off for every 50th purchase in a year.',
      target: 50,
      period: '1Y',
      recurrencePolicy: 'no_recurrence',
      activationPolicy: 'fixed_schedule',
      fixedStartDate: '2024-01-01T00:00:00Z',
      endDate: '2024-12-31T23:59:59Z',
      allowRollbackAfterCompletion: false,
      campaignId: 1,
      userId: 1234,
      createdBy: 'John Doe',
      hasProgress: true,
      status: 'inprogress',
    },
  ],
};

/** GET /v1/applications/{applicationId}/achievement_progress/{integrationId}, https://docs.talon.one/management-api#tag/Achievements/operation/getCustomerProfileAchievementProgress */
export const achievementProgressAnswer = {
  hasMore: false,
  data: [
    {
      status: 'completed',
      progress: 50,
      startDate: '2024-01-01T00:00:00Z',
      completionDate: '2024-03-09T14:15:20Z',
      endDate: '2024-12-31T23:59:59Z',
      achievementId: 3,
      name: 'Order30Discount',
      title: '50% off on 50th purchase.',
      description: '50% off for every 50th purchase in a year.',
      campaignId: 1,
      target: 50,
      achievementRecurrencePolicy: 'no_recurrence',
      achievementActivationPolicy: 'fixed_schedule',
      achievementFixedStartDate: '2024-01-01T00:00:00Z',
      achievementEndDate: '2024-12-31T23:59:59Z',
      achievementAllowRollbackAfterCompletion: false,
    },
  ],
};

/** GET /v1/loyalty_programs/{loyaltyProgramId}/cards, https://docs.talon.one/management-api#tag/Loyalty-cards/operation/getLoyaltyCards */
export const loyaltyCardsAnswer = {
  hasMore: false,
  data: [
    {
      id: 6,
      created: '2020-06-10T09:05:27.993483Z',
      programID: 125,
      programName: 'Loyalty_program',
      programTitle: 'Loyalty program',
      status: 'blocked',
      blockReason: 'Current card lost. Customer needs a new card.',
      identifier: 'summer-loyalty-card-0543',
      usersPerCardLimit: 1,
      profiles: [{ integrationId: 'cust-1001', timestamp: '2021-09-12T10:12:42Z' }],
      ledger: { currentBalance: 100, pendingBalance: 10, negativeBalance: 0, expiredBalance: 0, spentBalance: 0, tentativeCurrentBalance: 100, currentTier: { id: 11, name: 'bronze' } },
      subledgers: {},
      modified: '2021-09-12T10:12:42Z',
      batchId: 'wdefpov',
    },
  ],
};

/** Each stream's sample answer, by stream name. */
export const SAMPLE_ANSWERS: Record<string, unknown> = {
  customers: customersAnswer,
  sessions: sessionsAnswer,
  loyalty_programs: loyaltyProgramsAnswer,
  loyalty_transactions: loyaltyTransactionsAnswer,
  loyalty_balances: loyaltyBalancesAnswer,
  campaigns: campaignsAnswer,
  coupons: couponsAnswer,
  referrals: referralsAnswer,
  applications: applicationAnswer,
  attributes: attributesAnswer,
  achievements: achievementsAnswer,
  achievement_progress: achievementProgressAnswer,
  loyalty_cards: loyaltyCardsAnswer,
};
