import { en, Faker } from '@faker-js/faker';
import { buildCatalog } from './catalog.js';
import { claimEmail, emailSlug, generateIdentity, WORK_DOMAINS } from './generate-identity.js';
import { FORCED_LIFECYCLES, generateMemberships, pickMembershipCount, type ForcedLifecycle } from './generate-memberships.js';
import { campaignAt, FORCED_OUTCOMES, generateOrders, pickOrderCount, type ForcedOutcome } from './generate-orders.js';
import { countrySpec } from './geography.js';
import { buildCampaigns } from './campaigns.js';
import { buildOffers } from './offers.js';
import { deriveSeed, Rng } from './prng.js';
import { DAY_MS, isoAt } from './time.js';
import type { EmailStyle, Person, PersonTraits, World } from './types.js';

export interface WorldOptions {
  seed?: number;
  /** 1 is about 3,000 people. */
  scale?: number;
  /** The instant "now" stands for; all data lies before it. */
  anchor?: Date;
}

export const DEFAULT_ANCHOR = new Date('2026-11-01T00:00:00Z');
export const PEOPLE_PER_SCALE = 3000;
const HISTORY_DAYS = 730;

const EMAIL_STYLE_WEIGHTS: Readonly<Record<EmailStyle, number>> = {
  canonical: 80, upper_case: 4, mixed_case: 2, padded: 4, different: 6, missing: 4,
};
const FORCED_EMAIL_STYLES: readonly EmailStyle[] = ['upper_case', 'padded', 'different', 'missing', 'mixed_case', 'different'];
const DUPLICATE_STYLES = ['upper_case', 'mixed_case', 'padded'] as const;
const FORCED_DUPLICATES = 3;

/** Rewrites an email the way people and forms mangle it, keeping it the same address after lower(trim()). */
export function restyleEmail(email: string, style: 'upper_case' | 'mixed_case' | 'padded'): string {
  if (style === 'upper_case') return email.toUpperCase();
  if (style === 'padded') return `  ${email} `;
  const [local = '', domain = ''] = email.split('@');
  const cap = (s: string): string => s.charAt(0).toUpperCase() + s.slice(1);
  return `${local.split('.').map(cap).join('.')}@${cap(domain)}`;
}

interface Queue<T> {
  /** The next item if `canTake` accepts it (consumed), else null. */
  take: (canTake?: (item: T) => boolean) => T | null;
  remaining: () => number;
}

/** Cases forced onto the first eligible people, so that even a tiny world shows each of them. */
function queue<T>(items: readonly T[]): Queue<T> {
  let next = 0;
  return {
    take: (canTake) => {
      const item = items[next];
      if (item === undefined || (canTake && !canTake(item))) return null;
      next++;
      return item;
    },
    remaining: () => items.length - next,
  };
}

/** Generates the deterministic world of people every emulator draws from: same options, byte-identical world. */
export function generateWorld(options: WorldOptions = {}): World {
  const seed = options.seed ?? 42;
  const scale = options.scale ?? 1;
  const anchorMs = (options.anchor ?? DEFAULT_ANCHOR).getTime();
  if (!Number.isInteger(seed)) throw new Error(`World seed must be an integer, got ${seed}`);
  if (!(scale > 0)) throw new Error(`World scale must be positive, got ${scale}`);
  if (!Number.isFinite(anchorMs)) throw new Error('World anchor must be a valid date');

  const faker = new Faker({ locale: [en] });
  faker.seed(seed);
  const identityRng = new Rng(deriveSeed(seed, 'identity'));
  const rng = new Rng(deriveSeed(seed, 'activity'));
  const catalog = buildCatalog(anchorMs);
  const offers = buildOffers(anchorMs);
  const campaigns = buildCampaigns(anchorMs);

  let orderNumber = 0;
  let membershipNumber = 0;
  const forcedOutcome = queue<ForcedOutcome>(FORCED_OUTCOMES);
  const forcedLifecycle = queue<ForcedLifecycle>(FORCED_LIFECYCLES);
  const forcedOffer = queue<string>(['halfoff3', 'loyal15', 'welcome20', 'amount']);
  const forcedEmailStyle = queue<EmailStyle>(FORCED_EMAIL_STYLES);
  let forcedDuplicates = FORCED_DUPLICATES;
  let multiMembershipForced = false;
  let recentFailedStartTaken = false;

  const usedEmails = new Set<string>();
  const count = Math.max(1, Math.round(PEOPLE_PER_SCALE * scale));
  const people: Person[] = [];
  for (let i = 0; i < count; i++) {
    const identity = generateIdentity(faker, identityRng, usedEmails);
    const createdMs = anchorMs - rng.int(2 * 24 * 60, HISTORY_DAYS * 24 * 60) * 60_000 - rng.int(0, 59) * 1000;
    // The payment account is opened shortly after the person first appears, never on the anchor's last day.
    const accountMs = Math.min(createdMs + rng.int(0, 48 * 60) * 60_000, anchorMs - DAY_MS);
    const currency = countrySpec(identity.address.country).currency;
    const oldAccount = anchorMs - accountMs > 120 * DAY_MS;

    const is_buyer = rng.chance(0.55);
    // Until every forced lifecycle has been shown, long-standing people subscribe more often.
    const is_subscriber = rng.chance(0.16) || (oldAccount && forcedLifecycle.remaining() > 0 && rng.chance(0.35));
    const has_payment_account = is_buyer || is_subscriber || rng.chance(0.2);

    let duplicateWanted = false;
    let orderCount = 0;
    if (is_buyer) {
      orderCount = pickOrderCount(rng);
      // A second account appears at a second order, so a duplicate needs at least two orders.
      if (forcedDuplicates > 0) {
        orderCount = Math.max(2, orderCount);
        duplicateWanted = true;
      } else {
        duplicateWanted = orderCount >= 2 && rng.chance(0.04);
      }
    }
    const orders = is_buyer
      ? generateOrders({ rng, anchorMs, catalog, campaigns, nextOrderNumber: () => ++orderNumber, takeForcedOutcome: forcedOutcome.take }, orderCount, currency, accountMs)
      : [];

    let memberships: Person['memberships'] = [];
    if (is_subscriber) {
      let membershipCount = pickMembershipCount(rng);
      if (!multiMembershipForced && oldAccount) {
        membershipCount = Math.max(2, membershipCount);
        multiMembershipForced = true;
      }
      memberships = generateMemberships(
        {
          rng, anchorMs, catalog, offers,
          nextMembershipNumber: () => ++membershipNumber,
          takeForcedLifecycle: () => (oldAccount ? forcedLifecycle.take() : null),
          takeForcedOffer: () => (oldAccount ? forcedOffer.take() : null),
          takeRecentFailedStart: () => !recentFailedStartTaken && (recentFailedStartTaken = true),
        },
        membershipCount, currency, accountMs,
      );
    }

    let payment_email_style: EmailStyle | null = null;
    if (has_payment_account) {
      payment_email_style = (is_buyer && !duplicateWanted ? forcedEmailStyle.take() : null) ?? rng.weighted(EMAIL_STYLE_WEIGHTS);
      if (duplicateWanted && (payment_email_style === 'different' || payment_email_style === 'missing')) payment_email_style = 'canonical';
    }
    let payment_email: string | null = null;
    if (payment_email_style !== null) {
      if (payment_email_style === 'missing') payment_email = null;
      else if (payment_email_style === 'different') {
        const local = `${emailSlug(identity.first_name).charAt(0) || 'x'}${emailSlug(identity.last_name) || 'user'}`;
        payment_email = claimEmail(`${local}@${rng.pick(WORK_DOMAINS)}`, usedEmails);
      } else if (payment_email_style === 'canonical') payment_email = identity.email;
      else payment_email = restyleEmail(identity.email, payment_email_style);
    }

    let duplicate_payment_account: PersonTraits['duplicate_payment_account'] = null;
    if (duplicateWanted && orders.length >= 2) {
      if (forcedDuplicates > 0) forcedDuplicates--;
      const styles = DUPLICATE_STYLES.filter((s) => s !== payment_email_style);
      const style = rng.pick(styles);
      const secondOrderMs = Date.parse(orders[1]!.placed_at);
      const openedMs = Math.max(secondOrderMs - rng.int(15, 30) * 60_000, Date.parse(orders[0]!.placed_at) + 1000);
      duplicate_payment_account = { style, email: restyleEmail(identity.email, style), opened_at: isoAt(openedMs) };
      // The second account is opened at the second order; later orders land on either account.
      orders.forEach((order, k) => {
        order.uses_duplicate_account = k === 1 || (k > 1 && rng.chance(0.6));
      });
    }

    const productKeys = new Set<string>();
    for (const o of orders) if (o.outcome === 'paid') for (const it of o.items) productKeys.add(it.product_key);
    for (const m of memberships) if (m.lifecycle !== 'incomplete_expired') productKeys.add(m.product_key);

    people.push({
      person_id: `person_${String(i + 1).padStart(6, '0')}`,
      first_name: identity.first_name,
      last_name: identity.last_name,
      email: identity.email,
      phone: identity.phone,
      address: identity.address,
      created_at: isoAt(createdMs),
      traits: {
        currency,
        is_buyer,
        order_count: orders.length,
        product_keys: [...productKeys].sort(),
        is_subscriber,
        has_payment_account,
        payment_account_opened_at: has_payment_account ? isoAt(accountMs) : null,
        payment_email_style,
        payment_email,
        duplicate_payment_account,
        acquisition: rng.chance(0.6) ? campaignAt(rng, campaigns, createdMs) : null,
        marketing_opt_in: rng.chance(0.55),
      },
      orders,
      memberships,
    });
  }
  return { seed, scale, anchor: isoAt(anchorMs), people, catalog, offers, campaigns };
}
