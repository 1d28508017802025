import { hash32, isoAt } from '../world/index.js';
import type { CampaignBook } from './build-campaigns.js';
import { draftEntries, type TxDraft } from './build-ledger.js';
import type { ReferralDraft } from './build-referrals.js';
import { discountSumMinor, type ProfileDraft, type SessionDraft } from './drafts.js';
import { refreshProfileTotals, SALE_STATES } from './profile-totals.js';
import type { ApplicationState, Environment, LedgerTx, ProgramState, T1Application, T1Profile, T1Session, TalonOneAccount } from './types.js';

/** The loyalty campaign's rule, as session transactions name it. */
export const LOYALTY_RULESET_ID = 7001;

export interface ApplicationDrafts {
  application: T1Application;
  environment: Environment;
  programId: number;
  profiles: ProfileDraft[];
  book: CampaignBook;
  referrals: ReferralDraft[];
}

const byTime = <T>(ms: (t: T) => number, key: (t: T) => string) => (a: T, b: T): number => ms(a) - ms(b) || key(a).localeCompare(key(b));

/** A v4-shaped UUID that is the same for the same seed and transaction id. */
export function transactionUuid(seed: number, id: number): string {
  const hex = [0, 1, 2, 3].map((k) => hash32(seed + k, id).toString(16).padStart(8, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-${'89ab'[parseInt(hex[16]!, 16) % 4]}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

function sessionOf(d: SessionDraft, id: number, applicationId: number, profile: T1Profile): T1Session {
  const discounts = Object.fromEntries(Object.entries(d.discountsMinor).map(([label, minor]) => [label, minor / 100]));
  return {
    id,
    created: isoAt(d.createdMs),
    integrationId: d.integrationId,
    applicationId,
    profileId: profile.id,
    profileintegrationid: profile.integrationId,
    coupon: d.coupon?.coupon.value ?? '',
    referral: d.referralCode,
    state: d.state,
    cartItems: d.items,
    discounts,
    totalDiscounts: discountSumMinor(d.discountsMinor) / 100,
    total: d.totalMinor / 100,
    attributes: {},
  };
}

/** The last thing a profile did before the anchor: a session opened, closed, returned or cancelled. */
function lastActivityMs(p: ProfileDraft): number {
  return Math.max(p.createdMs, ...p.sessions.flatMap((s) => [s.createdMs, s.closedMs ?? 0, s.returnMs ?? 0, s.cancelMs ?? 0]));
}

/** Gives out ids in creation order and turns an Application's drafts into the objects the API serves. */
export function materializeApplication(account: TalonOneAccount, d: ApplicationDrafts): ApplicationState {
  const { application } = d;
  const profileDrafts = [...d.profiles].sort(byTime((p) => p.createdMs, (p) => p.integrationId));
  const profileOf = new Map<ProfileDraft, T1Profile>();
  const personOfProfile = new Map<number, string>();
  const profiles = profileDrafts.map((p) => {
    const profile: T1Profile = {
      id: account.nextId.profile++,
      created: isoAt(p.createdMs),
      integrationId: p.integrationId,
      attributes: p.attributes,
      accountId: account.accountId,
      closedSessions: 0,
      totalSales: 0,
      loyaltyMemberships: null,
      audienceMemberships: [],
      lastActivity: isoAt(lastActivityMs(p)),
      sandbox: application.sandbox,
      ...(p.advocateIntegrationId === undefined ? {} : { advocateIntegrationId: p.advocateIntegrationId }),
    };
    profileOf.set(p, profile);
    personOfProfile.set(profile.id, p.person.person_id);
    return profile;
  });

  const sessionDrafts = profileDrafts.flatMap((p) => p.sessions.map((s) => ({ s, profile: profileOf.get(p)! }))).sort(byTime((x) => x.s.createdMs, (x) => x.s.integrationId));
  const sessions = sessionDrafts.map(({ s, profile }) => sessionOf(s, account.nextId.session++, application.id, profile));
  for (const profile of profiles) refreshProfileTotals(profile, sessions);

  const referralDrafts = [...d.referrals].sort(byTime((r) => r.createdMs, (r) => r.referral.code));
  for (const r of referralDrafts) {
    r.referral.id = account.nextId.referral++;
    if (r.thanks) r.thanks.coupon.referralId = r.referral.id;
  }
  const couponDrafts = [...d.book.coupons, ...referralDrafts.flatMap((r) => (r.thanks ? [r.thanks] : []))].sort(byTime((c) => c.createdMs, (c) => c.coupon.value));
  for (const c of couponDrafts) c.coupon.id = account.nextId.coupon++;
  for (const { s } of sessionDrafts) if (s.coupon && SALE_STATES.has(s.state)) s.coupon.coupon.usageCounter++;

  const coupons = couponDrafts.map((c) => c.coupon);
  const referrals = referralDrafts.map((r) => r.referral);
  for (const campaign of d.book.campaigns) {
    campaign.couponRedemptionCount = coupons.filter((c) => c.campaignId === campaign.id).reduce((n, c) => n + c.usageCounter, 0);
    campaign.referralRedemptionCount = referrals.filter((r) => r.campaignId === campaign.id).reduce((n, r) => n + r.usageCounter, 0);
  }
  return { application, environment: d.environment, programId: d.programId, profiles, sessions, campaigns: d.book.campaigns, coupons, referrals, achievements: [], personOfProfile };
}

/** Gives out transaction ids in creation order (ties in each profile's own order) and fills in what points a campaign created. */
export function materializeLedger(account: TalonOneAccount, program: ProgramState, ledgers: readonly { integrationId: string; drafts: TxDraft[] }[], loyaltyCampaign: { id: number; createdLoyaltyPointsCount: number }): void {
  const rows = ledgers.flatMap((l, profileIndex) => draftEntries(l.drafts).ordered.map((draft, position) => ({ draft, integrationId: l.integrationId, profileIndex, position })));
  rows.sort((a, b) => a.draft.createdMs - b.draft.createdMs || a.profileIndex - b.profileIndex || a.position - b.position);
  const idOf = new Map<TxDraft, number>();
  let createdHundredths = 0;
  for (const row of rows) idOf.set(row.draft, account.nextId.transaction++);
  for (const { draft, integrationId } of rows) {
    const { seq: _seq, amount, rollbackOf, campaign, ...rest } = draft;
    const id = idOf.get(draft)!;
    const tx: LedgerTx = {
      ...rest,
      id,
      transactionUUID: transactionUuid(account.seed, id),
      programId: program.program.id,
      amountHundredths: amount,
      customerProfileId: integrationId,
      ...(campaign ? { campaignId: loyaltyCampaign.id, ...(draft.source === 'session' ? { rulesetId: LOYALTY_RULESET_ID, ruleName: draft.name } : {}) } : {}),
      ...(rollbackOf ? { rollbackOf: idOf.get(rollbackOf)! } : {}),
    };
    program.transactions.push(tx);
    if (campaign && tx.type === 'addition') createdHundredths += amount;
  }
  loyaltyCampaign.createdLoyaltyPointsCount = (Math.round(loyaltyCampaign.createdLoyaltyPointsCount * 100) + createdHundredths) / 100;
}
