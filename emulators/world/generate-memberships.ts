import type { Rng } from './prng.js';
import { findPrice } from './catalog.js';
import { cycleStartsBefore, periodEndAfterMs } from './billing-cycles.js';
import { addMonthsMs, DAY_MS, isoAt } from './time.js';
import type { CatalogProduct, CurrencyCode, Membership, MembershipLifecycle, Offer } from './types.js';

/** Lifecycles forced onto the world's first memberships so even tiny worlds show every case. */
export type ForcedLifecycle = MembershipLifecycle | 'active_paused_collection' | 'active_ending';
export const FORCED_LIFECYCLES: readonly ForcedLifecycle[] = [
  'active', 'canceled', 'past_due', 'trialing', 'paused', 'unpaid', 'incomplete_expired', 'active_paused_collection', 'active_ending',
];

const LIFECYCLE_WEIGHTS: Readonly<Record<MembershipLifecycle, number>> = {
  active: 52, canceled: 24, past_due: 6, trialing: 4, paused: 3, unpaid: 3, incomplete_expired: 3,
};
/** Days a membership must have existed for the lifecycle to be reachable. */
const MIN_AGE_DAYS: Readonly<Record<MembershipLifecycle, number>> = {
  active: 0, trialing: 0, past_due: 2, canceled: 3, incomplete_expired: 2, paused: 16, unpaid: 45,
};
const PLANS = [
  { product_key: 'membership_pro', interval: 'month' as const, weight: 55 },
  { product_key: 'membership_pro', interval: 'year' as const, weight: 20 },
  { product_key: 'membership_team', interval: 'month' as const, weight: 25 },
];
const FEEDBACK = ['too_expensive', 'missing_features', 'switched_service', 'unused', 'other'] as const;
const TRIAL_DAYS = 14;
const HOUR_MS = 3_600_000;

export interface MembershipContext {
  rng: Rng;
  anchorMs: number;
  catalog: readonly CatalogProduct[];
  offers: readonly Offer[];
  nextMembershipNumber: () => number;
  takeForcedLifecycle: () => ForcedLifecycle | null;
  takeForcedOffer: () => string | null;
  /** True once: the first failed first payment drawn (not forced) happens within the anchor's last 23 hours. */
  takeRecentFailedStart: () => boolean;
}

/** How many memberships a subscriber holds at once or over time. */
export function pickMembershipCount(rng: Rng): number {
  return Number(rng.weighted({ 1: 85, 2: 12, 3: 3 }));
}

function pickOffer(ctx: MembershipContext, startMs: number, currency: CurrencyCode): Membership['offer'] {
  const { rng } = ctx;
  const forced = ctx.takeForcedOffer();
  if (!forced && !rng.chance(0.25)) return null;
  const eligible = ctx.offers.filter(
    (o) =>
      Date.parse(o.created_at) <= startMs &&
      (o.redeem_by === null || startMs <= Date.parse(o.redeem_by)) &&
      (o.currency === null || o.currency === currency),
  );
  const preferred = forced === 'amount' ? eligible.find((o) => o.currency !== null) : eligible.find((o) => o.offer_key === forced);
  const offer = preferred ?? (eligible.length > 0 ? rng.pick(eligible) : undefined);
  if (!offer) return null;
  const codes = offer.codes.filter((c) => (c.expires_at === null ? c.active : startMs <= Date.parse(c.expires_at)));
  const viaCode = codes.length > 0 && (forced !== null || rng.chance(0.8));
  return { offer_key: offer.offer_key, code: viaCode ? rng.pick(codes).code : null };
}

/** A start time whose latest billing period began 1-20 days before the anchor, after `cycles` earlier periods. */
function startWithRecentCycle(ctx: MembershipContext, fromMs: number, months: number, cycles: number): number | null {
  const latestCycle = ctx.anchorMs - ctx.rng.int(1, 20) * DAY_MS - ctx.rng.int(0, 86_399) * 1000;
  for (let k = cycles; k >= 1; k--) {
    const start = addMonthsMs(latestCycle, -k * months);
    if (start > fromMs) return start;
  }
  return null;
}

/** One person's memberships, each started after `accountMs`. */
export function generateMemberships(ctx: MembershipContext, count: number, currency: CurrencyCode, accountMs: number): Membership[] {
  const { rng, anchorMs } = ctx;
  const memberships: Membership[] = [];
  const usedProducts = new Set<string>();
  for (let i = 0; i < count; i++) {
    const forced = ctx.takeForcedLifecycle();
    let lifecycle: MembershipLifecycle =
      forced === 'active_paused_collection' || forced === 'active_ending' ? 'active' : (forced ?? rng.weighted(LIFECYCLE_WEIGHTS));
    const windowDays = (anchorMs - accountMs) / DAY_MS;
    if (windowDays < MIN_AGE_DAYS[lifecycle] + 2) lifecycle = 'active';

    let plan = rng.weighted({ 0: PLANS[0]!.weight, 1: PLANS[1]!.weight, 2: PLANS[2]!.weight });
    if (usedProducts.has(PLANS[Number(plan)]!.product_key)) plan = usedProducts.has('membership_team') ? '0' : '2';
    let { product_key, interval } = PLANS[Number(plan)]!;
    if (lifecycle === 'unpaid' || forced === 'active_paused_collection') interval = 'month';
    usedProducts.add(product_key);
    const price = findPrice(ctx.catalog, product_key, currency, interval);
    const months = interval === 'year' ? 12 : 1;

    const hasTrial =
      lifecycle === 'trialing' || lifecycle === 'paused' || ((lifecycle === 'active' || lifecycle === 'canceled') && interval === 'month' && rng.chance(0.25));
    const trial_days = hasTrial ? TRIAL_DAYS : 0;

    const earliest = accountMs + rng.int(1, 60) * 60_000;
    const randomStart = (minAgeDays: number): number => {
      const latest = anchorMs - Math.max(minAgeDays * DAY_MS, HOUR_MS);
      return earliest + Math.floor(rng.next() * Math.max(0, latest - earliest));
    };
    let startMs: number;
    if (lifecycle === 'trialing') {
      startMs = Math.max(earliest, anchorMs - rng.int(1, (TRIAL_DAYS - 1) * 24) * HOUR_MS);
    } else if (lifecycle === 'past_due' || lifecycle === 'unpaid') {
      const start = startWithRecentCycle(ctx, earliest, months, lifecycle === 'unpaid' ? rng.int(2, 8) : rng.int(1, 10));
      if (start === null || (lifecycle === 'unpaid' && cycleStartsBefore({ started_at: isoAt(start), trial_days, interval }, anchorMs).length < 2)) {
        lifecycle = 'active';
        startMs = randomStart(0);
      } else {
        startMs = start;
      }
    } else if (lifecycle === 'incomplete_expired' && forced === null && ctx.takeRecentFailedStart()) {
      // Stripe keeps a subscription whose first payment failed `incomplete` for 23 hours; this one is
      // still within them at the anchor. One draw, as `randomStart` takes, so the rest of the world stays as it was.
      startMs = anchorMs - HOUR_MS - Math.floor(rng.next() * 21 * HOUR_MS);
    } else {
      // Forced cases start early enough for their whole story (a failed renewal, a pause) to fit before the anchor.
      const forcedMinAgeDays = forced === 'canceled' ? 60 : forced === 'active_paused_collection' ? 160 : 0;
      startMs = randomStart(Math.max(MIN_AGE_DAYS[lifecycle], Math.min(forcedMinAgeDays, windowDays - 3)));
    }
    const started_at = isoAt(startMs);
    const shape = { started_at, trial_days, interval };

    let canceled_at: string | null = null;
    let cancel_at_period_end = false;
    let cancel_reason: Membership['cancel_reason'] = null;
    let cancel_feedback: Membership['cancel_feedback'] = null;
    if (lifecycle === 'canceled') {
      const cancelLatestMs = forced === 'canceled' ? anchorMs - 30 * DAY_MS : anchorMs - HOUR_MS;
      const cancelMs = startMs + DAY_MS + Math.floor(rng.next() * Math.max(0, cancelLatestMs - startMs - DAY_MS));
      const cycles = cycleStartsBefore(shape, cancelMs);
      const lastCycle = cycles[cycles.length - 1];
      const failedCancelMs = lastCycle === undefined ? null : lastCycle + rng.int(14, 25) * DAY_MS;
      if (failedCancelMs !== null && failedCancelMs < anchorMs - HOUR_MS && (forced === 'canceled' || rng.chance(0.3))) {
        cancel_reason = 'payment_failed';
        canceled_at = isoAt(failedCancelMs);
      } else {
        cancel_reason = 'cancellation_requested';
        cancel_feedback = rng.chance(0.6) ? rng.pick(FEEDBACK) : null;
        canceled_at = isoAt(cancelMs);
        if (forced !== 'canceled' && rng.chance(0.3)) {
          cancel_at_period_end = true;
          // A cancellation that waits for the period end is still active if that end is after the anchor.
          if (periodEndAfterMs(shape, cancelMs) >= anchorMs) lifecycle = 'active';
        }
      }
    } else if (lifecycle === 'active' && forced !== 'active_paused_collection' && (forced === 'active_ending' || rng.chance(0.05))) {
      cancel_at_period_end = true;
      cancel_reason = 'cancellation_requested';
      cancel_feedback = rng.chance(0.6) ? rng.pick(FEEDBACK) : null;
      // Requested within the current period, so that period's end (when it stops) is still ahead of the anchor.
      const currentStartMs = cycleStartsBefore(shape, anchorMs).at(-1) ?? startMs;
      canceled_at = isoAt(currentStartMs + 60_000 + Math.floor(rng.next() * Math.max(0, anchorMs - HOUR_MS - currentStartMs - 60_000)));
    }

    let collection_pause: Membership['collection_pause'] = null;
    if (lifecycle === 'active' && !cancel_at_period_end && (forced === 'active_paused_collection' || rng.chance(0.1))) {
      const sinceMs = Math.max(anchorMs - rng.int(20, 100) * DAY_MS, startMs + (trial_days + 36) * DAY_MS);
      if (sinceMs < anchorMs - 5 * DAY_MS) {
        collection_pause = {
          behavior: forced === 'active_paused_collection' || rng.chance(0.6) ? 'void' : 'mark_uncollectible',
          since: isoAt(sinceMs),
          resumes_at: rng.chance(0.5) ? null : isoAt(anchorMs + rng.int(5, 60) * DAY_MS),
        };
      }
    }

    memberships.push({
      membership_id: `membership_${String(ctx.nextMembershipNumber()).padStart(6, '0')}`,
      product_key,
      price_key: price.price_key,
      currency,
      interval,
      unit_amount_minor: price.unit_amount_minor,
      started_at,
      trial_days,
      lifecycle,
      canceled_at,
      cancel_at_period_end,
      cancel_reason,
      cancel_feedback,
      collection_pause,
      offer: lifecycle === 'incomplete_expired' ? null : pickOffer(ctx, startMs, currency),
    });
  }
  return memberships.sort((a, b) => Date.parse(a.started_at) - Date.parse(b.started_at));
}
