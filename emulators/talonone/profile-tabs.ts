import { formatZoned } from '../http/zoned-time.js';
import { DAY_MS, deriveSeed, isoAt, Rng } from '../world/index.js';
import { CODE_ALPHABET } from './build-campaigns.js';
import { SALE_STATES } from './profile-totals.js';
import type {
  ApplicationState, CardProgramState, T1Achievement, T1Attribute, T1LimitConfig, T1LoyaltyCard, T1LoyaltyProgram, T1LoyaltyTier, T1Profile, T1Session, TalonOneAccount,
} from './types.js';

// The customer profile's other tabs in the Campaign Manager: custom attributes, achievements, budgets,
// loyalty cards and tiers. Every random draw here has its own seed, so the records built before stay as they were.

const ATTRIBUTE_SPECS: readonly Omit<T1Attribute, 'id' | 'created' | 'accountId' | 'subscribedApplicationsIds' | 'editable' | 'entity'>[] = [
  { name: 'Gender', title: 'Gender', type: 'string', description: 'As the shopper gave it at sign-up.', suggestions: ['female', 'male', 'diverse'] },
  { name: 'Language', title: 'Language', type: 'string', description: 'Preferred language, ISO 639-1.', suggestions: ['en', 'de', 'fr', 'es'] },
  { name: 'BirthDate', title: 'Birth date', type: 'time', description: 'Midnight UTC of the birthday.', suggestions: [] },
  { name: 'NewsletterOptIn', title: 'Newsletter opt-in', type: 'boolean', description: 'Agreed to the newsletter.', suggestions: [] },
  { name: 'HouseholdSize', title: 'Household size', type: 'number', description: 'People in the household.', suggestions: [] },
];
/** Attributes the sandbox Application is not subscribed to. */
const LIVE_ONLY_ATTRIBUTES = new Set(['BirthDate', 'HouseholdSize']);

/** The account's custom customer-profile attributes, each available in the Applications it is subscribed to. */
export function customAttributes(account: TalonOneAccount, anchorMs: number): T1Attribute[] {
  const [live, sandbox] = account.applications.map((a) => a.application.id);
  return ATTRIBUTE_SPECS.map((spec, i) => ({
    id: 301 + i,
    created: isoAt(anchorMs - (600 - i * 20) * DAY_MS),
    accountId: account.accountId,
    entity: 'CustomerProfile',
    editable: true,
    subscribedApplicationsIds: LIVE_ONLY_ATTRIBUTES.has(spec.name) || sandbox === undefined ? [live!] : [live!, sandbox],
    ...spec,
  }));
}

/** Fills some of each profile's custom attributes (a shopper leaves some blank), from the profile's own seed. */
export function fillCustomAttributes(account: TalonOneAccount, app: ApplicationState): void {
  const mine = account.attributes.filter((a) => a.subscribedApplicationsIds.includes(app.application.id));
  for (const profile of app.profiles) {
    const rng = new Rng(deriveSeed(account.seed, `talonone-attributes-${app.environment}:${profile.integrationId}`));
    for (const attribute of mine) {
      if (!rng.chance(0.8)) continue;
      profile.attributes[attribute.name] = attributeValue(attribute, rng);
    }
  }
}

function attributeValue(attribute: T1Attribute, rng: Rng): unknown {
  switch (attribute.type) {
    case 'string': return rng.pick(attribute.suggestions);
    case 'number': return rng.int(1, 5);
    case 'boolean': return rng.chance(0.4);
    case 'time': return `${rng.int(1950, 2005)}-${String(rng.int(1, 12)).padStart(2, '0')}-${String(rng.int(1, 28)).padStart(2, '0')}T00:00:00Z`;
  }
}

/** The live program's tiers, by the main ledger's active points. */
export function liveTiers(program: T1LoyaltyProgram): T1LoyaltyTier[] {
  const tier = (id: number, name: string, minPoints: number): T1LoyaltyTier => ({ id, created: program.created, programID: program.id, programName: program.name, programTitle: program.title, name, minPoints });
  return [tier(11, 'Bronze', 0), tier(12, 'Silver', 100), tier(13, 'Gold', 300)];
}

/** `currentTier`, `pointsToNextTier` and `nextTierName` for active points, when the program has tiers. */
export function tierFields(tiers: readonly T1LoyaltyTier[], activePoints: number): Record<string, unknown> {
  const sorted = [...tiers].sort((a, b) => a.minPoints - b.minPoints);
  const current = sorted.filter((t) => t.minPoints <= activePoints).pop();
  const next = sorted.find((t) => t.minPoints > activePoints);
  return {
    ...(current === undefined ? {} : { currentTier: { id: current.id, name: current.name } }),
    ...(next === undefined ? {} : { pointsToNextTier: Math.round((next.minPoints - activePoints) * 100) / 100, nextTierName: next.name }),
  };
}

/** Two achievements of the loyalty campaign: one whose window has ended, one still running. */
export function liveAchievements(campaignId: number, anchorMs: number): T1Achievement[] {
  const base = { campaignId, userId: 7, createdBy: 'Campaign Manager', hasProgress: true, recurrencePolicy: 'no_recurrence', activationPolicy: 'fixed_schedule' } as const;
  const window = (fromDays: number, untilDays: number) => ({ fixedStartDate: isoAt(anchorMs - fromDays * DAY_MS), endDate: isoAt(anchorMs + untilDays * DAY_MS), created: isoAt(anchorMs - (fromDays + 5) * DAY_MS) });
  return [
    { ...base, ...window(200, -110), id: 41, name: 'three_orders_quarter', title: 'Three orders in a quarter', description: 'Close three orders between the start and the end.', target: 3, period: '90D', status: 'expired', counts: 'sessions' },
    { ...base, ...window(150, 30), id: 42, name: 'spend_500_half_year', title: 'Spend 500 this half-year', description: 'Spend 500 before discounts between the start and the end.', target: 500, period: '180D', status: 'inprogress', counts: 'spend' },
  ];
}

/** `Achievement` as listed: without the emulator's own bookkeeping, the status as of `asOfMs`. */
export function achievementView(a: T1Achievement, asOfMs: number): Record<string, unknown> {
  const { counts: _counts, ...served } = a;
  return { ...served, status: Date.parse(a.endDate) <= asOfMs ? 'expired' : Date.parse(a.fixedStartDate) > asOfMs ? 'not_started' : 'inprogress' };
}

/** `AchievementProgressWithDefinition`: a profile's progress toward an achievement, or null before any. */
export function achievementProgress(app: ApplicationState, a: T1Achievement, profile: T1Profile, asOfMs: number): Record<string, unknown> | null {
  const fromMs = Date.parse(a.fixedStartDate);
  const untilMs = Math.min(Date.parse(a.endDate), asOfMs);
  const sales = app.sessions
    .filter((s) => s.profileId === profile.id && SALE_STATES.has(s.state) && Date.parse(s.created) >= fromMs && Date.parse(s.created) < untilMs)
    .sort((x, y) => Date.parse(x.created) - Date.parse(y.created) || x.id - y.id);
  let progress = 0;
  let completedAt: string | undefined;
  for (const s of sales) {
    progress = Math.round((progress + (a.counts === 'sessions' ? 1 : s.total)) * 100) / 100;
    if (progress >= a.target) {
      completedAt = s.created;
      progress = a.target;
      break;
    }
  }
  if (progress === 0) return null;
  const status = completedAt !== undefined ? 'completed' : Date.parse(a.endDate) <= asOfMs ? 'expired' : 'inprogress';
  return {
    status,
    progress,
    startDate: a.fixedStartDate,
    ...(completedAt === undefined ? {} : { completionDate: completedAt }),
    endDate: a.endDate,
    achievementId: a.id,
    name: a.name,
    title: a.title,
    description: a.description,
    campaignId: a.campaignId,
    target: a.target,
    achievementRecurrencePolicy: a.recurrencePolicy,
    achievementActivationPolicy: a.activationPolicy,
    achievementFixedStartDate: a.fixedStartDate,
    achievementEndDate: a.endDate,
  };
}

/** Per-profile budgets of the live campaigns: one welcome code per profile, and each code of the others twice a month per profile. */
export function profileLimits(campaignName: string): T1LimitConfig[] {
  if (campaignName === 'Refer a friend') return [{ action: 'redeemReferral', limit: 1, entities: ['Profile'] }];
  if (campaignName === 'Points on every purchase') return [];
  return [
    { action: 'redeemCoupon', limit: 1, entities: ['Profile'] },
    { action: 'redeemCoupon', limit: 2, period: 'monthly', entities: ['Coupon', 'Profile'] },
  ];
}

/** A profile budget's counter, as the Campaign Manager's Budgets tab shows it. */
export interface ProfileBudget {
  integration_id: string;
  campaign_id: number;
  action: string;
  coupon_value: string | null;
  period: string | null;
  limit: number;
  used: number;
}

const periodKey = (ms: number, period: string | undefined, timeZone: string): string => {
  if (period === undefined) return '';
  const local = formatZoned(ms, timeZone);
  if (period === 'monthly') return local.slice(0, 7);
  if (period === 'yearly') return local.slice(0, 4);
  if (period === 'daily') return local.slice(0, 10);
  throw new Error(`period ${period} is not counted by the emulator`);
};

/**
 * Every per-profile budget a profile has used at least once: closed sessions (closed or partly returned)
 * that redeemed a coupon or referral of the campaign, counted in the current period (the whole history
 * without one) in the Application's time zone.
 */
export function profileBudgets(app: ApplicationState, asOfMs: number): ProfileBudget[] {
  const campaignOfCoupon = new Map(app.coupons.map((c) => [c.value.toUpperCase(), c.campaignId]));
  const campaignOfReferral = new Map(app.referrals.map((r) => [r.code.toUpperCase(), r.campaignId]));
  const tz = app.application.timezone;
  const out = new Map<string, ProfileBudget>();
  const sales = app.sessions.filter((s: T1Session) => SALE_STATES.has(s.state) && s.profileintegrationid !== '');
  for (const campaign of app.campaigns) {
    for (const limit of campaign.limits.filter((l) => l.entities.includes('Profile'))) {
      const perCoupon = limit.entities.includes('Coupon');
      for (const s of sales) {
        const code = limit.action === 'redeemReferral' ? s.referral : s.coupon;
        const campaignId = code === '' ? undefined : (limit.action === 'redeemReferral' ? campaignOfReferral : campaignOfCoupon).get(code.toUpperCase());
        if (campaignId !== campaign.id) continue;
        const couponValue = perCoupon ? code.toUpperCase() : null;
        const key = [s.profileintegrationid, campaign.id, limit.action, couponValue, limit.period].join('|');
        const budget = out.get(key) ?? { integration_id: s.profileintegrationid, campaign_id: campaign.id, action: limit.action, coupon_value: couponValue, period: limit.period ?? null, limit: limit.limit, used: 0 };
        out.set(key, budget);
        if (periodKey(Date.parse(s.created), limit.period, tz) === periodKey(asOfMs, limit.period, tz)) budget.used++;
      }
    }
  }
  return [...out.values()].sort((a, b) => a.integration_id.localeCompare(b.integration_id) || a.campaign_id - b.campaign_id || a.action.localeCompare(b.action) || (a.coupon_value ?? '').localeCompare(b.coupon_value ?? ''));
}

const CARD_STATUSES = { active: 80, inactive: 12, blocked: 8 } as const;

/** A card-based program of the live Application: plastic cards, most registered to a profile, each with its own ledger. */
export function liveCardProgram(account: TalonOneAccount, app: ApplicationState, anchorMs: number): CardProgramState {
  const program: T1LoyaltyProgram = {
    id: 7, created: isoAt(anchorMs - 500 * DAY_MS), title: 'CDP Store Card', description: 'Points on the in-store card.', subscribedApplications: [app.application.id],
    defaultValidity: 'unlimited', defaultPending: 'immediate', allowSubledger: false, sandbox: false, programJoinPolicy: 'not_join', returnPolicy: 'only_pending',
    accountID: account.accountId, name: 'cdp_store_card', tiers: [], timezone: app.application.timezone, cardBased: true, canUpdateTiers: false, canUpdateSubledgers: false,
  };
  const cards: T1LoyaltyCard[] = [];
  const cardOf = (rng: Rng, createdMs: number, holders: T1LoyaltyCard['profiles']): T1LoyaltyCard => {
    const status = rng.weighted(CARD_STATUSES);
    const earned = rng.int(0, 400);
    const spent = Math.min(earned, rng.int(0, 150));
    const expired = Math.min(earned - spent, rng.chance(0.2) ? rng.int(1, 50) : 0);
    const current = earned - spent - expired;
    return {
      id: 0, created: isoAt(createdMs), programID: program.id, programName: program.name, programTitle: program.title, status,
      ...(status === 'blocked' ? { blockReason: rng.pick(['Reported lost', 'Reported stolen']) } : {}),
      identifier: `CARD-${rng.chars(8, CODE_ALPHABET)}`, usersPerCardLimit: 1, profiles: holders,
      ledger: { currentBalance: current, pendingBalance: 0, negativeBalance: 0, expiredBalance: expired, spentBalance: spent, tentativeCurrentBalance: current },
      subledgers: {}, modified: isoAt(Math.min(anchorMs - DAY_MS, createdMs + rng.int(1, 90) * DAY_MS)), batchId: 'store-cards',
    };
  };
  for (const profile of app.profiles) {
    const rng = new Rng(deriveSeed(account.seed, `talonone-card:${profile.integrationId}`));
    if (!rng.chance(0.15)) continue;
    const registeredMs = Math.min(anchorMs - DAY_MS, Date.parse(profile.created) + rng.int(0, 60) * DAY_MS);
    cards.push(cardOf(rng, registeredMs - rng.int(1, 30) * DAY_MS, [{ integrationId: profile.integrationId, timestamp: isoAt(registeredMs) }]));
  }
  // Cards handed out and never registered.
  const loose = new Rng(deriveSeed(account.seed, 'talonone-loose-cards'));
  for (let i = 0; i < 3; i++) cards.push(cardOf(loose, anchorMs - loose.int(5, 300) * DAY_MS, []));
  cards.sort((a, b) => Date.parse(a.created) - Date.parse(b.created) || a.identifier.localeCompare(b.identifier));
  cards.forEach((c, i) => (c.id = 9001 + i));
  return { program, cards };
}
