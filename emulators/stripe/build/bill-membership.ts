import { addMonthsMs, cycleStartMs, cycleStartsBefore, periodEndAfterMs, type Membership, type Offer, type Rng } from '../../world/index.js';
import type { StripeIds } from '../ids.js';
import { unixSeconds } from '../objects/common.js';
import { discountObject, type StripeDiscount } from '../objects/discounts.js';
import { lineItemObject, type InvoiceInput, type InvoiceStatus } from '../objects/invoice.js';
import { subscriptionItemObject, subscriptionObject, type StripeSubscription } from '../objects/subscription.js';
import type { StripeCatalog } from './build-catalog.js';
import type { CustomerDraft } from './build-accounts.js';
import { formatMoney } from './money.js';

export interface BillingBuildContext {
  ids: StripeIds;
  rng: Rng;
  anchorS: number;
  accountId: string;
  catalog: StripeCatalog;
  productNames: ReadonlyMap<string, string>;
  offers: ReadonlyMap<string, Offer>;
  /** Picks the subscriptions billed by emailed invoice; apart from `rng` so the other objects stay as they were. */
  invoicingRng: Rng;
}

/** One billing moment of a subscription: the trial start or the start of a paid period. */
interface Slot {
  created: number;
  periodStart: number;
  periodEnd: number;
  trial: boolean;
  billingReason: 'subscription_create' | 'subscription_cycle';
}

interface SlotOutcome {
  status: InvoiceStatus;
  attempts: number;
  nextAttempt: number | null;
  voidedAt: number | null;
  uncollectibleAt: number | null;
  paidAfterS: number;
}

const HOUR_S = 3600;
const DAY_S = 86_400;
/** How long Stripe waits for a failed first payment before it expires the subscription. */
const INCOMPLETE_S = 23 * HOUR_S;
/** How long a customer has to pay an emailed (`send_invoice`) invoice. */
const DAYS_UNTIL_DUE = 30;
/** Share of subscriptions in good standing billed by emailed invoice and paid outside Stripe. */
const SEND_INVOICE_SHARE = 0.05;
const sec = (ms: number): number => Math.floor(ms / 1000);

/**
 * Whether the subscription is billed by emailed invoice, which the customer pays outside Stripe (the
 * invoices are marked paid out of band). Only subscriptions whose payments never failed: a failed or
 * paused collection is a card's story.
 */
function billsBySendInvoice(ctx: BillingBuildContext, m: Membership): boolean {
  const inGoodStanding = m.lifecycle === 'active' || (m.lifecycle === 'canceled' && m.cancel_reason !== 'payment_failed');
  return inGoodStanding && m.collection_pause === null && ctx.invoicingRng.chance(SEND_INVOICE_SHARE);
}

/** A subscription whose first payment failed is `incomplete` until 23 hours have passed, then `incomplete_expired`. */
function isIncomplete(m: Membership, anchorS: number): boolean {
  return m.lifecycle === 'incomplete_expired' && unixSeconds(m.started_at) + INCOMPLETE_S > anchorS;
}

function slotsFor(m: Membership, untilMs: number): Slot[] {
  const startS = unixSeconds(m.started_at);
  const slots: Slot[] = [];
  if (m.trial_days > 0) {
    slots.push({ created: startS, periodStart: startS, periodEnd: sec(cycleStartMs(m, 0)), trial: true, billingReason: 'subscription_create' });
  }
  if (m.lifecycle === 'paused' || m.lifecycle === 'trialing') return slots;
  if (m.lifecycle === 'incomplete_expired') {
    return [{ created: startS, periodStart: startS, periodEnd: sec(cycleStartMs(m, 1)), trial: false, billingReason: 'subscription_create' }];
  }
  cycleStartsBefore(m, untilMs).forEach((startMs, n) => {
    slots.push({
      created: sec(startMs),
      periodStart: sec(startMs),
      periodEnd: sec(cycleStartMs(m, n + 1)),
      trial: false,
      billingReason: n === 0 && m.trial_days === 0 ? 'subscription_create' : 'subscription_cycle',
    });
  });
  return slots;
}

function outcomeFor(ctx: BillingBuildContext, m: Membership, slots: Slot[], i: number): SlotOutcome {
  const slot = slots[i]!;
  const last = slots.length - 1;
  const base: SlotOutcome = { status: 'paid', attempts: slot.trial ? 0 : 1, nextAttempt: null, voidedAt: null, uncollectibleAt: null, paidAfterS: ctx.rng.int(2, 40) };
  if (slot.trial) return base;
  // Still incomplete: the first invoice stays open, waiting for the customer to pay it.
  if (isIncomplete(m, ctx.anchorS)) return { ...base, status: 'open' };
  if (m.lifecycle === 'incomplete_expired') return { ...base, status: 'void', voidedAt: slot.created + INCOMPLETE_S };
  if (m.lifecycle === 'past_due' && i === last) {
    return { ...base, status: 'open', attempts: ctx.rng.int(1, 3), nextAttempt: ctx.anchorS + ctx.rng.int(1, 4) * DAY_S };
  }
  if (m.lifecycle === 'unpaid' && i === last) return { ...base, status: 'open', attempts: 0 };
  if (m.lifecycle === 'unpaid' && i === last - 1) return { ...base, status: 'open', attempts: 4 };
  if (m.lifecycle === 'canceled' && m.cancel_reason === 'payment_failed' && i === last) {
    return { ...base, status: 'uncollectible', attempts: 4, uncollectibleAt: unixSeconds(m.canceled_at!) };
  }
  const pause = m.collection_pause;
  if (pause && slot.created >= unixSeconds(pause.since)) {
    return pause.behavior === 'void'
      ? { ...base, status: 'void', attempts: 0, voidedAt: slot.created + 60 }
      : { ...base, status: 'uncollectible', attempts: 0, uncollectibleAt: slot.created + 60 };
  }
  // A few renewals succeed only on the retry three days later.
  if (ctx.rng.chance(0.05) && slot.created + 3 * DAY_S + HOUR_S < ctx.anchorS) return { ...base, attempts: 2, paidAfterS: 3 * DAY_S };
  return base;
}

function discountAmount(offer: Offer, amount: number): number {
  if (offer.percent_off !== null) return Math.round((amount * offer.percent_off) / 100);
  return Math.min(offer.amount_off_minor ?? 0, amount);
}


/** What one membership becomes in Stripe: a subscription, its invoices (numbered later) and maybe a discount. */
export interface MembershipBilling {
  subscription: StripeSubscription;
  invoices: Omit<InvoiceInput, 'number'>[];
  discount: StripeDiscount | null;
}

/** When a membership stopped (ended_at) and when it is set to stop (cancel_at), in unix seconds. */
function lifetimeOf(m: Membership, anchorS: number): { endedS: number | null; cancelAtS: number | null } {
  if (m.lifecycle === 'canceled') {
    const endedS = m.cancel_at_period_end ? sec(periodEndAfterMs(m, Date.parse(m.canceled_at!))) : unixSeconds(m.canceled_at!);
    return { endedS, cancelAtS: m.cancel_at_period_end ? endedS : null };
  }
  if (m.cancel_at_period_end && m.canceled_at) return { endedS: null, cancelAtS: sec(periodEndAfterMs(m, Date.parse(m.canceled_at))) };
  // Stripe expires a subscription whose first payment never succeeded after 23 hours.
  if (m.lifecycle === 'incomplete_expired' && !isIncomplete(m, anchorS)) return { endedS: unixSeconds(m.started_at) + INCOMPLETE_S, cancelAtS: null };
  return { endedS: null, cancelAtS: null };
}

/** Builds one membership's subscription, invoices and discount for its customer. */
export function billMembership(ctx: BillingBuildContext, m: Membership, customer: CustomerDraft): MembershipBilling {
  const { ids, catalog } = ctx;
  const startMs = Date.parse(m.started_at);
  const startS = sec(startMs);
  const subId = ids.timed('sub', startS);
  const itemId = ids.short('si');
  const price = catalog.priceByKey.get(m.price_key);
  if (!price) throw new Error(`No Stripe price for ${m.price_key}`);
  const productName = ctx.productNames.get(m.product_key) ?? m.product_key;
  const { endedS, cancelAtS } = lifetimeOf(m, ctx.anchorS);
  const slots = slotsFor(m, (endedS ?? ctx.anchorS) * 1000);
  const firstPaid = slots.findIndex((s) => !s.trial);
  const sendInvoice = billsBySendInvoice(ctx, m);

  const offer = m.offer ? ctx.offers.get(m.offer.offer_key) : undefined;
  let discount: StripeDiscount | null = null;
  if (m.offer && offer) {
    discount = discountObject({
      id: ids.timed('di', startS),
      customer: customer.id,
      coupon: catalog.couponByOffer.get(offer.offer_key)!.id,
      promotion_code: m.offer.code ? (catalog.promotionCodeByCode.get(m.offer.code)?.id ?? null) : null,
      subscription: subId,
      start: startS,
      end: offer.duration === 'repeating' ? sec(addMonthsMs(startMs, offer.duration_in_months ?? 1)) : null,
    });
  }
  const discountApplies = (i: number): boolean => {
    if (!offer || !discount || slots[i]!.trial) return false;
    if (offer.duration === 'once') return i === firstPaid;
    if (offer.duration === 'repeating') return slots[i]!.created < (discount.end ?? 0);
    return true;
  };

  const invoices = slots.map((slot, i): Omit<InvoiceInput, 'number'> => {
    const outcome = outcomeFor(ctx, m, slots, i);
    const invoiceId = ids.timed('in', slot.created);
    const amount = slot.trial ? 0 : m.unit_amount_minor;
    const off = discountApplies(i) && offer ? discountAmount(offer, amount) : 0;
    const line = lineItemObject({
      id: ids.timed('il', slot.created),
      invoice: invoiceId,
      amount,
      currency: m.currency,
      description: slot.trial ? `Trial period for ${productName}` : `1 × ${productName} (at ${formatMoney(m.unit_amount_minor, m.currency)} / ${m.interval})`,
      discount_amounts: off > 0 && discount ? [{ amount: off, discount: discount.id }] : [],
      subscription: subId,
      subscription_item: itemId,
      unit_amount: amount,
      period_start: slot.periodStart,
      period_end: slot.periodEnd,
    });
    // Renewal invoices are finalized an hour after they are drafted; the first one at once.
    const finalized = slot.billingReason === 'subscription_cycle' && slot.created + HOUR_S < ctx.anchorS ? slot.created + HOUR_S : slot.created;
    const slug = ids.chars(48);
    return {
      id: invoiceId,
      created: slot.created,
      customer: customer.id,
      customer_snapshot: { email: customer.email, name: customer.name, phone: customer.phone, address: customer.address },
      currency: m.currency,
      status: outcome.status,
      billing_reason: slot.billingReason,
      subscription: subId,
      lines: [line],
      // A renewal invoice's own period is the one that just ended (Stripe bills usage in arrears there).
      period_start: slot.billingReason === 'subscription_create' ? slot.created : (slots[i - 1]?.created ?? slot.created),
      period_end: slot.created,
      // An emailed invoice is never charged: Stripe makes no payment attempts and schedules none.
      attempt_count: sendInvoice ? 0 : outcome.attempts,
      finalized_at: finalized,
      paid_at: outcome.status === 'paid' ? Math.min(ctx.anchorS - 1, finalized + outcome.paidAfterS) : null,
      voided_at: outcome.voidedAt,
      marked_uncollectible_at: outcome.uncollectibleAt,
      next_payment_attempt: sendInvoice ? null : outcome.nextAttempt,
      collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
      due_date: sendInvoice ? finalized + DAYS_UNTIL_DUE * DAY_S : null,
      paid_out_of_band: sendInvoice && outcome.status === 'paid' && amount - off > 0,
      hosted_invoice_url: `https://invoice.stripe.com/i/${ctx.accountId}/${slug}?s=ap`,
      invoice_pdf: `https://pay.stripe.com/invoice/${ctx.accountId}/${slug}/pdf?s=ap`,
    };
  });

  const current = firstPaid >= 0 ? slots.filter((s) => !s.trial).at(-1) : slots[0];
  const nowS = endedS ?? ctx.anchorS;
  // A once-coupon is used up by the first paid invoice; a repeating one lapses at its end.
  const discountActive =
    offer !== undefined &&
    discount !== null &&
    (offer.duration === 'forever' || (offer.duration === 'once' ? firstPaid < 0 : nowS < (discount.end ?? 0)));
  const paysByCard = m.lifecycle !== 'paused' && !(m.lifecycle === 'trialing' && ctx.rng.chance(0.5));
  const subscription = subscriptionObject({
    id: subId,
    created: startS,
    customer: customer.id,
    currency: m.currency,
    status: isIncomplete(m, ctx.anchorS) ? 'incomplete' : m.lifecycle,
    billing_cycle_anchor: sec(cycleStartMs(m, 0)),
    cancel_at: cancelAtS,
    cancel_at_period_end: m.cancel_at_period_end,
    canceled_at: m.canceled_at ? unixSeconds(m.canceled_at) : null,
    cancellation: { feedback: m.cancel_feedback, reason: m.cancel_reason },
    ended_at: endedS,
    trial_start: m.trial_days > 0 ? startS : null,
    trial_end: m.trial_days > 0 ? sec(cycleStartMs(m, 0)) : null,
    trial_end_behavior: m.lifecycle === 'paused' ? 'pause' : 'create_invoice',
    discounts: discountActive && discount ? [discount.id] : [],
    items: [
      subscriptionItemObject({
        id: itemId,
        created: startS,
        subscription: subId,
        price,
        current_period_start: current?.periodStart ?? startS,
        current_period_end: current?.periodEnd ?? sec(cycleStartMs(m, 1)),
      }),
    ],
    latest_invoice: invoices.at(-1)?.id ?? null,
    default_payment_method: paysByCard && !sendInvoice ? customer.card.payment_method : null,
    pause_collection: m.collection_pause
      ? { behavior: m.collection_pause.behavior, resumes_at: m.collection_pause.resumes_at ? unixSeconds(m.collection_pause.resumes_at) : null }
      : null,
    collection_method: sendInvoice ? 'send_invoice' : 'charge_automatically',
    days_until_due: sendInvoice ? DAYS_UNTIL_DUE : null,
  });
  return { subscription, invoices, discount };
}
