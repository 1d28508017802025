import { DAY_MS, isoAt, type Offer, type Rng } from '../world/index.js';
import type { CouponDraft, ProfileDraft } from './drafts.js';
import type { T1Campaign, T1Coupon } from './types.js';

/** Share of profiles sent a personal, single-use welcome code. */
const PERSONAL_WELCOME_CHANCE = 0.25;
const PERSONAL_CODE_DAYS = 30;
export const CODE_ALPHABET = 'ABCDEFGHJKLMNPQRSTUVWXYZ23456789';

export interface CampaignBook {
  campaigns: T1Campaign[];
  coupons: CouponDraft[];
  loyaltyCampaign: T1Campaign;
  referralCampaign: T1Campaign | null;
  /** The campaign personal welcome codes belong to, when there is one. */
  welcomeCampaign: T1Campaign | null;
}

interface CampaignSpec {
  id: number;
  applicationId: number;
  name: string;
  description: string;
  createdMs: number;
  endMs: number | null;
  features: T1Campaign['features'];
  tags: string[];
}

/** A campaign as the list prints it; counters start at zero and are filled in once sessions exist. */
export function campaignOf(spec: CampaignSpec, anchorMs: number): T1Campaign {
  const ended = spec.endMs !== null && spec.endMs <= anchorMs;
  return {
    id: spec.id,
    created: isoAt(spec.createdMs),
    applicationId: spec.applicationId,
    userId: 7,
    name: spec.name,
    description: spec.description,
    startTime: isoAt(spec.createdMs),
    ...(spec.endMs === null ? {} : { endTime: isoAt(spec.endMs) }),
    attributes: {},
    state: 'enabled',
    tags: spec.tags,
    reevaluateOnReturn: spec.features.includes('loyalty'),
    features: spec.features,
    limits: [],
    type: 'advanced',
    couponRedemptionCount: 0,
    referralRedemptionCount: 0,
    createdLoyaltyPointsCount: 0,
    frontendState: ended ? 'expired' : 'running',
    storesImported: false,
  };
}

/** A coupon with its id still to be given out. */
export function couponDraftOf(campaign: T1Campaign, value: string, fields: Partial<T1Coupon> & { createdMs: number; expiryMs: number | null; percentOff: number | null; amountOffMinor: number | null; firstSessionOnly?: boolean }): CouponDraft {
  const { createdMs, expiryMs, percentOff, amountOffMinor, firstSessionOnly, ...rest } = fields;
  return {
    coupon: {
      id: 0,
      created: isoAt(createdMs),
      campaignId: campaign.id,
      value,
      usageLimit: 0,
      ...(expiryMs === null ? {} : { expiryDate: isoAt(expiryMs) }),
      usageCounter: 0,
      attributes: {},
      reservation: true,
      isReservationMandatory: false,
      implicitlyReserved: false,
      ...rest,
    },
    createdMs,
    startMs: null,
    expiryMs,
    campaignName: campaign.name,
    campaignWindow: { fromMs: Date.parse(campaign.startTime!), untilMs: campaign.endTime === undefined ? null : Date.parse(campaign.endTime) },
    percentOff,
    amountOffMinor,
    firstSessionOnly: firstSessionOnly ?? false,
  };
}

/**
 * The live Application's campaigns: loyalty earning, a referral program, and one coupon campaign per discount
 * offer of the world that has codes (its codes become the campaign's coupons).
 */
export function buildLiveCampaigns(offers: readonly Offer[], applicationId: number, firstId: number, anchorMs: number): CampaignBook {
  let id = firstId;
  const spec = (s: Omit<CampaignSpec, 'id' | 'applicationId'>): T1Campaign => campaignOf({ ...s, id: id++, applicationId }, anchorMs);
  const loyaltyCampaign = spec({ name: 'Points on every purchase', description: 'One point per dollar spent, active after the return window.', createdMs: anchorMs - 760 * DAY_MS, endMs: null, features: ['loyalty'], tags: ['loyalty'] });
  const referralCampaign = spec({ name: 'Refer a friend', description: 'Friends get 10% off their first order; advocates get a thank-you code.', createdMs: anchorMs - 700 * DAY_MS, endMs: null, features: ['referrals', 'coupons'], tags: ['referral'] });
  const campaigns = [loyaltyCampaign, referralCampaign];
  const coupons: CouponDraft[] = [];
  let welcomeCampaign: T1Campaign | null = null;
  for (const offer of offers.filter((o) => o.codes.length > 0)) {
    const createdMs = Date.parse(offer.created_at);
    const campaign = spec({ name: offer.name, description: `Coupon campaign for the ${offer.offer_key} offer.`, createdMs, endMs: offer.redeem_by === null ? null : Date.parse(offer.redeem_by), features: ['coupons'], tags: ['coupons'] });
    campaigns.push(campaign);
    if (offer.offer_key === 'welcome20') welcomeCampaign = campaign;
    for (const code of offer.codes) {
      coupons.push(
        couponDraftOf(campaign, code.code, {
          createdMs,
          expiryMs: code.expires_at === null ? null : Date.parse(code.expires_at),
          percentOff: offer.percent_off,
          amountOffMinor: offer.amount_off_minor,
          firstSessionOnly: code.first_time_transaction,
        }),
      );
    }
  }
  return { campaigns, coupons, loyaltyCampaign, referralCampaign, welcomeCampaign };
}

/** Single-use welcome codes sent to some profiles when they were created, redeemable for 30 days. */
export function personalWelcomeCodes(book: CampaignBook, profiles: readonly ProfileDraft[], rngOf: (p: ProfileDraft) => Rng, anchorMs: number): CouponDraft[] {
  const campaign = book.welcomeCampaign;
  if (campaign === null) return [];
  const codes: CouponDraft[] = [];
  for (const profile of profiles) {
    const rng = rngOf(profile);
    if (!rng.chance(PERSONAL_WELCOME_CHANCE)) continue;
    const createdMs = Math.min(profile.createdMs + 60_000, anchorMs - DAY_MS);
    codes.push(
      couponDraftOf(campaign, `WELCOME-${rng.chars(6, CODE_ALPHABET)}`, {
        createdMs,
        expiryMs: createdMs + PERSONAL_CODE_DAYS * DAY_MS,
        percentOff: 20,
        amountOffMinor: null,
        firstSessionOnly: true,
        usageLimit: 1,
        recipientIntegrationId: profile.integrationId,
        batchId: 'welcome-personal',
      }),
    );
  }
  return codes;
}

/** The sandbox Application's campaigns: a loyalty test campaign and a handful of test coupons. */
export function buildSandboxCampaigns(applicationId: number, firstId: number, anchorMs: number, rng: Rng): CampaignBook {
  const loyaltyCampaign = campaignOf({ id: firstId, applicationId, name: 'Sandbox: points on purchase', description: 'Test copy of the loyalty campaign.', createdMs: anchorMs - 120 * DAY_MS, endMs: null, features: ['loyalty'], tags: ['test'] }, anchorMs);
  const couponCampaign = campaignOf({ id: firstId + 1, applicationId, name: 'Sandbox: test coupons', description: 'Codes for checkout tests.', createdMs: anchorMs - 110 * DAY_MS, endMs: null, features: ['coupons'], tags: ['test'] }, anchorMs);
  const coupons = Array.from({ length: 6 }, (_, i) =>
    couponDraftOf(couponCampaign, `TEST-${rng.chars(5, CODE_ALPHABET)}`, { createdMs: anchorMs - (110 - i) * DAY_MS, expiryMs: null, percentOff: 10, amountOffMinor: null }),
  );
  return { campaigns: [loyaltyCampaign, couponCampaign], coupons, loyaltyCampaign, referralCampaign: null, welcomeCampaign: null };
}
