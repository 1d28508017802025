import { DAY_MS, isoAt, type Rng } from '../world/index.js';
import { CODE_ALPHABET, couponDraftOf } from './build-campaigns.js';
import { spend, type CouponDraft, type ProfileDraft, type Quota } from './drafts.js';
import type { T1Campaign, T1Referral } from './types.js';

/** Who hands out a code, how often a friend uses it, how long it lasts and what the friend gets off. */
const REFERRAL = { advocateChance: 0.1, friendChance: 0.6, validDays: 90, friendPercentOff: 10 } as const;

export interface ReferralDraft {
  referral: T1Referral;
  createdMs: number;
  /** The advocate's thank-you coupon, once a friend's order closed with the code. */
  thanks: CouponDraft | null;
}

const redeemed = (state: string): boolean => state === 'closed' || state === 'partially_returned';

/**
 * Referral codes some customers hand out after their first closed order. A friend who uses one gets 10% off that
 * first order, is marked as referred by the advocate, and the advocate gets a single-use thank-you coupon.
 */
export function buildReferrals(
  campaign: T1Campaign,
  profiles: readonly ProfileDraft[],
  rngOf: (p: ProfileDraft) => Rng,
  anchorMs: number,
  forced: Quota,
): ReferralDraft[] {
  const referrals: ReferralDraft[] = [];
  const byFirstSession = profiles.filter((p) => p.sessions.length > 0).sort((a, b) => a.sessions[0]!.createdMs - b.sessions[0]!.createdMs);
  const referred = new Set<string>();

  for (const advocate of profiles) {
    const rng = rngOf(advocate);
    const firstClosed = advocate.sessions.find((s) => s.closedMs !== null);
    if (!firstClosed || firstClosed.closedMs! > anchorMs - 30 * DAY_MS) continue;
    if (!rng.chance(REFERRAL.advocateChance) && !spend(forced)) continue;
    const createdMs = firstClosed.closedMs! + rng.int(1, 7) * DAY_MS;
    const expiryMs = createdMs + REFERRAL.validDays * DAY_MS;
    const referral: T1Referral = {
      id: 0,
      created: isoAt(createdMs),
      startDate: isoAt(createdMs),
      expiryDate: isoAt(expiryMs),
      usageLimit: 1,
      campaignId: campaign.id,
      advocateProfileIntegrationId: advocate.integrationId,
      attributes: {},
      code: `R${rng.chars(8, CODE_ALPHABET)}`,
      usageCounter: 0,
    };
    const draft: ReferralDraft = { referral, createdMs, thanks: null };
    referrals.push(draft);

    const candidates = byFirstSession.filter((p) => p !== advocate && !referred.has(p.integrationId) && p.sessions[0]!.createdMs > createdMs && p.sessions[0]!.createdMs < Math.min(expiryMs, anchorMs));
    if (candidates.length === 0 || !rng.chance(REFERRAL.friendChance)) continue;
    const friend = candidates[rng.int(0, Math.min(2, candidates.length - 1))]!;
    const session = friend.sessions[0]!;
    referred.add(friend.integrationId);
    referral.friendProfileIntegrationId = friend.integrationId;
    friend.advocateIntegrationId = advocate.integrationId;
    session.referralCode = referral.code;
    if (session.closedMs === null) continue;
    session.discountsMinor[campaign.name] = Math.round((session.totalMinor * REFERRAL.friendPercentOff) / 100);
    if (!redeemed(session.state)) continue;
    referral.usageCounter = 1;
    draft.thanks = couponDraftOf(campaign, `THANKS-${rng.chars(6, CODE_ALPHABET)}`, {
      createdMs: session.closedMs,
      expiryMs: session.closedMs + REFERRAL.validDays * DAY_MS,
      percentOff: REFERRAL.friendPercentOff,
      amountOffMinor: null,
      usageLimit: 1,
      recipientIntegrationId: advocate.integrationId,
    });
  }
  return referrals;
}
