import { DAY_MS, deriveSeed, isoAt, restyleEmail, Rng, type Order, type Person, type World } from '../world/index.js';
import { buildLiveCampaigns, buildSandboxCampaigns, personalWelcomeCodes, type CampaignBook } from './build-campaigns.js';
import { ProfileLedgerBuilder, type EarnRules, type ForcedLedgerCases } from './build-ledger.js';
import { buildReferrals } from './build-referrals.js';
import { buildSessions } from './build-sessions.js';
import { spend, type CartOrder, type ProfileDraft, type Quota } from './drafts.js';
import { materializeApplication, materializeLedger } from './materialize.js';
import { customAttributes, fillCustomAttributes, liveAchievements, liveCardProgram, liveTiers, profileLimits } from './profile-tabs.js';
import type { Environment, ProgramState, T1Application, T1LoyaltyProgram, TalonOneAccount } from './types.js';

/** Ids of the account's objects: one live and one sandbox Application, each with its own loyalty program. */
export const TALONONE_IDS = {
  accountId: 4021,
  live: { applicationId: 21, programId: 5, firstCampaignId: 101 },
  sandbox: { applicationId: 22, programId: 6, firstCampaignId: 201 },
} as const;

const MINUTE_MS = 60_000;
const EMAIL_STYLES = { canonical: 86, upper_case: 4, mixed_case: 3, missing: 7 } as const;
type EmailStyle = keyof typeof EMAIL_STYLES;
/** Share of live profiles a developer also copied into the sandbox Application to test with. */
const SANDBOX_COPY_CHANCE = 0.08;
const SANDBOX_PRODUCTS = ['course_sql', 'course_analytics', 'item_notebook', 'item_hoodie'] as const;

const LIVE_RULES: EarnRules = { pending: '14D_D', validity: '12M_U', welcomeBonusPoints: 50, extras: true };
const SANDBOX_RULES: EarnRules = { pending: 'immediate', validity: 'unlimited', welcomeBonusPoints: null, extras: false };

function integrationIdOf(person: Person): string {
  return `shopper-${person.person_id.replace(/^\D+/, '')}`;
}

function attributesOf(person: Person, style: EmailStyle): Record<string, unknown> {
  const email = style === 'missing' ? undefined : style === 'canonical' ? person.email : restyleEmail(person.email, style);
  return { Name: `${person.first_name} ${person.last_name}`, ...(email === undefined ? {} : { Email: email }), ShippingCity: person.address.city, ShippingCountry: person.address.country };
}

function cartOrderOf(order: Order): CartOrder {
  const refunded = order.refunds.reduce((n, r) => n + r.amount_minor, 0);
  const last = order.refunds[order.refunds.length - 1];
  return {
    integrationId: order.order_id,
    placedMs: Date.parse(order.placed_at),
    items: order.items.map((it) => ({ product_key: it.product_key, quantity: it.quantity })),
    outcome: order.outcome,
    refund: last === undefined ? null : { minor: refunded, full: refunded >= order.total_minor, atMs: Date.parse(last.refunded_at) },
  };
}

/** Test carts a developer pushed through the sandbox for a copied profile, all in the last hundred days. */
function sandboxOrders(rng: Rng, anchorMs: number): CartOrder[] {
  const count = rng.int(1, 3);
  return Array.from({ length: count }, () => {
    const placedMs = Math.floor((anchorMs - rng.int(60, 100 * 24 * 60) * MINUTE_MS) / 1000) * 1000;
    const outcome = rng.weighted({ paid: 75, pending: 15, failed: 10 });
    return {
      integrationId: `test-${rng.chars(10, '0123456789abcdef')}`,
      placedMs,
      items: [{ product_key: rng.pick(SANDBOX_PRODUCTS), quantity: rng.int(1, 2) }],
      outcome,
      refund: outcome === 'paid' && rng.chance(0.15) ? { minor: 0, full: true, atMs: Math.min(anchorMs - MINUTE_MS, placedMs + rng.int(1, 3) * DAY_MS) } : null,
    };
  }).sort((a, b) => a.placedMs - b.placedMs);
}

function programOf(id: number, environment: Environment, applicationId: number, rules: EarnRules, timeZone: string, anchorMs: number): T1LoyaltyProgram {
  const sandbox = environment === 'sandbox';
  return {
    id,
    created: isoAt(anchorMs - (sandbox ? 130 : 780) * DAY_MS),
    title: sandbox ? 'CDP Points (sandbox)' : 'CDP Points',
    description: 'One point per dollar spent; partner points in their own subledger.',
    subscribedApplications: [applicationId],
    defaultValidity: rules.validity,
    defaultPending: rules.pending,
    allowSubledger: true,
    sandbox,
    programJoinPolicy: 'not_join',
    returnPolicy: 'only_pending',
    accountID: TALONONE_IDS.accountId,
    name: sandbox ? 'cdp_points_sandbox' : 'cdp_points',
    tiers: [],
    timezone: timeZone,
    cardBased: false,
    canUpdateTiers: true,
    canUpdateSubledgers: false,
  };
}

function applicationOf(id: number, environment: Environment, timeZone: string, anchorMs: number): T1Application {
  const sandbox = environment === 'sandbox';
  return {
    id,
    created: isoAt(anchorMs - (sandbox ? 140 : 800) * DAY_MS),
    modified: isoAt(anchorMs - 30 * DAY_MS),
    accountId: TALONONE_IDS.accountId,
    name: sandbox ? 'CDP Demo Shop (sandbox)' : 'CDP Demo Shop',
    description: sandbox ? 'Test Application for checkout and loyalty changes.' : 'The web shop.',
    timezone: timeZone,
    currency: 'USD',
    caseSensitivity: 'insensitive-uppercase',
    attributes: {},
    limits: [],
    defaultDiscountScope: 'sessionTotal',
    enableCascadingDiscounts: false,
    enableFlattenedCartItems: false,
    sandbox,
    enablePartialDiscounts: false,
  };
}

interface EnvironmentPlan {
  environment: Environment;
  ids: { applicationId: number; programId: number; firstCampaignId: number };
  rules: EarnRules;
  profiles: { person: Person; orders: CartOrder[]; attributes: Record<string, unknown> }[];
  book: CampaignBook;
}

/**
 * Builds the account from the world: the live Application's profiles are the world's buyers, one session per
 * order; the sandbox Application holds test copies of a few of them (same integration ids, separate records).
 */
export function buildTalonOneAccount(world: World, timeZone: string): TalonOneAccount {
  const anchorMs = Date.parse(world.anchor);
  const account: TalonOneAccount = {
    seed: world.seed, scale: world.scale, anchor: world.anchor, accountId: TALONONE_IDS.accountId, clockMs: anchorMs,
    applications: [], programs: [], cardPrograms: [], attributes: [], nextId: { profile: 1, session: 1, transaction: 1, coupon: 1, referral: 1 },
  };
  const forcedStyles: EmailStyle[] = ['missing', 'upper_case', 'mixed_case'];
  const live = world.people.filter((p) => p.orders.length > 0).map((person) => {
    const rng = new Rng(deriveSeed(world.seed, `talonone:${person.person_id}`));
    return { person, orders: person.orders.map(cartOrderOf), attributes: attributesOf(person, forcedStyles.shift() ?? rng.weighted(EMAIL_STYLES)) };
  });
  const forcedCopies: Quota = { left: 3 };
  const sandbox = live
    .filter((p) => new Rng(deriveSeed(world.seed, `talonone-sandbox:${p.person.person_id}`)).chance(SANDBOX_COPY_CHANCE) || spend(forcedCopies))
    .map((p) => ({ ...p, attributes: { ...p.attributes }, orders: sandboxOrders(new Rng(deriveSeed(world.seed, `talonone-sandbox-carts:${p.person.person_id}`)), anchorMs) }));

  const plans: EnvironmentPlan[] = [
    { environment: 'live', ids: TALONONE_IDS.live, rules: LIVE_RULES, profiles: live, book: buildLiveCampaigns(world.offers, TALONONE_IDS.live.applicationId, TALONONE_IDS.live.firstCampaignId, anchorMs) },
    { environment: 'sandbox', ids: TALONONE_IDS.sandbox, rules: SANDBOX_RULES, profiles: sandbox, book: buildSandboxCampaigns(TALONONE_IDS.sandbox.applicationId, TALONONE_IDS.sandbox.firstCampaignId, anchorMs, new Rng(deriveSeed(world.seed, 'talonone-sandbox'))) },
  ];
  for (const plan of plans) buildEnvironment(account, world, plan, timeZone);
  addProfileTabs(account, plans[0]!.book, anchorMs);
  return account;
}

/** Custom attributes, the live campaigns' per-profile budgets and achievements, tiers and a card-based program. */
function addProfileTabs(account: TalonOneAccount, liveBook: CampaignBook, anchorMs: number): void {
  account.attributes = customAttributes(account, anchorMs);
  for (const app of account.applications) fillCustomAttributes(account, app);
  const live = account.applications.find((a) => a.environment === 'live')!;
  for (const campaign of live.campaigns) campaign.limits = profileLimits(campaign.name);
  liveBook.loyaltyCampaign.features = [...liveBook.loyaltyCampaign.features, 'achievements'];
  live.achievements = liveAchievements(liveBook.loyaltyCampaign.id, anchorMs);
  const program = account.programs.find((p) => p.program.id === live.programId)!.program;
  program.tiers = liveTiers(program);
  account.cardPrograms = [liveCardProgram(account, live, anchorMs)];
}

function buildEnvironment(account: TalonOneAccount, world: World, plan: EnvironmentPlan, timeZone: string): void {
  const anchorMs = Date.parse(world.anchor);
  const rngs = new Map<ProfileDraft, Rng>();
  const rngOf = (p: ProfileDraft): Rng => rngs.get(p)!;
  const drafts: ProfileDraft[] = plan.profiles.map(({ person, orders, attributes }) => {
    const rng = new Rng(deriveSeed(world.seed, `talonone-${plan.environment}:${person.person_id}`));
    const createdMs = orders[0]!.placedMs - rng.int(1, 30) * MINUTE_MS;
    const draft: ProfileDraft = { person, integrationId: integrationIdOf(person), attributes, createdMs, sessions: [] };
    rngs.set(draft, rng);
    return draft;
  });
  const { book } = plan;
  book.coupons.push(...personalWelcomeCodes(book, drafts, rngOf, anchorMs));
  const sessionContext = { anchorMs, currency: 'usd' as const, catalog: world.catalog, coupons: book.coupons, forcedReturns: { left: 2 } };
  plan.profiles.forEach(({ orders }, i) => {
    drafts[i]!.sessions = buildSessions(sessionContext, rngOf(drafts[i]!), drafts[i]!, orders);
  });
  const referrals = book.referralCampaign ? buildReferrals(book.referralCampaign, drafts, rngOf, anchorMs, { left: 2 }) : [];

  const forced: ForcedLedgerCases = { negative: 1, partnerExpiringSoon: 1, pendingAtAnchor: 1, onAction: 1, flash: 1, manualAddition: 1 };
  const ledgers = drafts.map((profile) => {
    const builder = new ProfileLedgerBuilder({ timeZone, anchorMs, rules: plan.rules, forced }, rngOf(profile));
    builder.extras(profile);
    let first = true;
    for (const session of profile.sessions) {
      builder.session(session, first && session.closedMs !== null);
      if (session.closedMs !== null) first = false;
    }
    builder.finish();
    return { integrationId: profile.integrationId, drafts: builder.drafts };
  });

  const application = applicationOf(plan.ids.applicationId, plan.environment, timeZone, anchorMs);
  const program: ProgramState = { program: programOf(plan.ids.programId, plan.environment, plan.ids.applicationId, plan.rules, timeZone, anchorMs), transactions: [] };
  account.applications.push(materializeApplication(account, { application, environment: plan.environment, programId: plan.ids.programId, profiles: drafts, book, referrals }));
  materializeLedger(account, program, ledgers, book.loyaltyCampaign);
  account.programs.push(program);
}
