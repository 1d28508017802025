import { addMonthsMs, cycleStartMs, cycleStartsBefore, periodEndAfterMs, type Membership, type Offer, type Rng } from '../../world/index.js';
import type { StripeIds } from '../ids.js';
import { unixSeconds } from '../objects/common.js';
import { discountObject, type StripeDiscount } from '../objects/discounts.js';
import { invoiceObject, lineItemObject, type InvoiceInput, type InvoiceStatus, type StripeInvoice } from '../objects/invoice.js';
import { subscriptionItemObject, subscriptionObject, type StripeSubscription } from '../objects/subscription.js';
import type { StripeCatalog } from './build-catalog.js';
import type { CustomerDraft, PaymentAccounts } from './build-accounts.js';
import { formatMoney } from './money.js';

export interface BillingBuildContext {
  ids: StripeIds;
  rng: Rng;
  anchorS: number;
  accountId: string;
  catalog: StripeCatalog;
  productNames: ReadonlyMap<string, string>;
  offers: ReadonlyMap<string, Offer>;
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
const sec = (ms: number): number => Math.floor(ms / 1000);

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
  if (m.lifecycle === 'incomplete_expired') return { ...base, status: 'void', voidedAt: slot.created + 23 * HOUR_S };
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

export interface BillingResult {
  subscriptions: StripeSubscription[];
  invoices: StripeInvoice[];
  discounts: StripeDiscount[];
}

/** Subscriptions, their invoices and discounts; fills in the customers' billing fields. */
export function buildBilling(ctx: BillingBuildContext, accounts: readonly PaymentAccounts[]): BillingResult {
  const { ids, catalog } = ctx;
  const subscriptions: StripeSubscription[] = [];
  const invoices: StripeInvoice[] = [];
  const discounts: StripeDiscount[] = [];

  for (const { person, primary } of accounts) {
    const pending: { input: Omit<InvoiceInput, 'number'>; customer: CustomerDraft }[] = [];
    for (const m of person.memberships) {
      const startMs = Date.parse(m.started_at);
      const startS = sec(startMs);
      const subId = ids.timed('sub', startS);
      const itemId = ids.short('si');
      const price = catalog.priceByKey.get(m.price_key);
      if (!price) throw new Error(`No Stripe price for ${m.price_key}`);
      const productName = ctx.productNames.get(m.product_key) ?? m.product_key;

      let endedS: number | null = null;
      let cancelAtS: number | null = null;
      if (m.lifecycle === 'canceled') {
        endedS = m.cancel_at_period_end ? sec(periodEndAfterMs(m, Date.parse(m.canceled_at!))) : unixSeconds(m.canceled_at!);
        if (m.cancel_at_period_end) cancelAtS = endedS;
      } else if (m.cancel_at_period_end && m.canceled_at) {
        cancelAtS = sec(periodEndAfterMs(m, Date.parse(m.canceled_at)));
      } else if (m.lifecycle === 'incomplete_expired') {
        endedS = startS + 23 * HOUR_S;
      }
      const slots = slotsFor(m, endedS === null ? ctx.anchorS * 1000 : endedS * 1000);

      const offer = m.offer ? ctx.offers.get(m.offer.offer_key) : undefined;
      let discountId: string | null = null;
      let discountEndS: number | null = null;
      if (m.offer && offer) {
        const coupon = catalog.couponByOffer.get(offer.offer_key)!;
        discountId = ids.timed('di', startS);
        discountEndS = offer.duration === 'repeating' ? sec(addMonthsMs(startMs, offer.duration_in_months ?? 1)) : null;
        discounts.push(
          discountObject({
            id: discountId,
            customer: primary.id,
            coupon: coupon.id,
            promotion_code: m.offer.code ? (catalog.promotionCodeByCode.get(m.offer.code)?.id ?? null) : null,
            subscription: subId,
            start: startS,
            end: discountEndS,
          }),
        );
      }
      const firstPaid = slots.findIndex((s) => !s.trial);
      const discountApplies = (i: number): boolean => {
        if (!offer || discountId === null || slots[i]!.trial) return false;
        if (offer.duration === 'once') return i === firstPaid;
        if (offer.duration === 'repeating') return slots[i]!.created < (discountEndS ?? 0);
        return true;
      };

      const invoiceIds: string[] = [];
      slots.forEach((slot, i) => {
        const outcome = outcomeFor(ctx, m, slots, i);
        const invoiceId = ids.timed('in', slot.created);
        invoiceIds.push(invoiceId);
        const amount = slot.trial ? 0 : m.unit_amount_minor;
        const off = discountApplies(i) && offer ? discountAmount(offer, amount) : 0;
        const line = lineItemObject({
          id: ids.timed('il', slot.created),
          invoice: invoiceId,
          amount,
          currency: m.currency,
          description: slot.trial ? `Trial period for ${productName}` : `1 × ${productName} (at ${formatMoney(m.unit_amount_minor, m.currency)} / ${m.interval})`,
          discount_amounts: off > 0 && discountId ? [{ amount: off, discount: discountId }] : [],
          subscription: subId,
          subscription_item: itemId,
          unit_amount: amount,
          period_start: slot.periodStart,
          period_end: slot.periodEnd,
        });
        const finalized = slot.billingReason === 'subscription_cycle' && slot.created + HOUR_S < ctx.anchorS ? slot.created + HOUR_S : slot.created;
        const slug = ids.chars(48);
        pending.push({
          customer: primary,
          input: {
            id: invoiceId,
            created: slot.created,
            customer: primary.id,
            customer_snapshot: { email: primary.email, name: primary.name, phone: primary.phone, address: primary.address },
            currency: m.currency,
            status: outcome.status,
            billing_reason: slot.billingReason,
            subscription: subId,
            lines: [line],
            period_start: slot.billingReason === 'subscription_create' ? slot.created : (slots[i - 1]?.created ?? slot.created),
            period_end: slot.created,
            attempt_count: outcome.attempts,
            finalized_at: finalized,
            paid_at: outcome.status === 'paid' ? Math.min(ctx.anchorS - 1, finalized + outcome.paidAfterS) : null,
            voided_at: outcome.voidedAt,
            marked_uncollectible_at: outcome.uncollectibleAt,
            next_payment_attempt: outcome.nextAttempt,
            hosted_invoice_url: `https://invoice.stripe.com/i/${ctx.accountId}/${slug}?s=ap`,
            invoice_pdf: `https://pay.stripe.com/invoice/${ctx.accountId}/${slug}/pdf?s=ap`,
          },
        });
      });

      const lastPaidIndex = slots.length - 1 - [...slots].reverse().findIndex((s) => !s.trial);
      const current = firstPaid >= 0 ? slots[lastPaidIndex]! : slots[0];
      const nowS = endedS ?? ctx.anchorS;
      const discountActive =
        offer !== undefined &&
        discountId !== null &&
        (offer.duration === 'forever' || (offer.duration === 'once' ? firstPaid < 0 : nowS < (discountEndS ?? 0)));
      const paysByCard = m.lifecycle !== 'paused' && !(m.lifecycle === 'trialing' && ctx.rng.chance(0.5));
      if (paysByCard) primary.default_payment_method = primary.card.payment_method;
      primary.currency = m.currency;
      subscriptions.push(
        subscriptionObject({
          id: subId,
          created: startS,
          customer: primary.id,
          currency: m.currency,
          status: m.lifecycle,
          billing_cycle_anchor: sec(cycleStartMs(m, 0)),
          cancel_at: cancelAtS,
          cancel_at_period_end: m.cancel_at_period_end,
          canceled_at: m.canceled_at ? unixSeconds(m.canceled_at) : null,
          cancellation: { feedback: m.cancel_feedback, reason: m.cancel_reason },
          ended_at: endedS,
          trial_start: m.trial_days > 0 ? startS : null,
          trial_end: m.trial_days > 0 ? sec(cycleStartMs(m, 0)) : null,
          trial_end_behavior: m.lifecycle === 'paused' ? 'pause' : 'create_invoice',
          discounts: discountActive && discountId ? [discountId] : [],
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
          latest_invoice: invoiceIds[invoiceIds.length - 1] ?? null,
          default_payment_method: paysByCard ? primary.card.payment_method : null,
          pause_collection: m.collection_pause
            ? { behavior: m.collection_pause.behavior, resumes_at: m.collection_pause.resumes_at ? unixSeconds(m.collection_pause.resumes_at) : null }
            : null,
        }),
      );
    }
    // Invoice numbers run per customer in the order the invoices were created.
    pending.sort((a, b) => a.input.created - b.input.created || (a.input.id < b.input.id ? -1 : 1));
    pending.forEach(({ input, customer }, k) => {
      invoices.push(invoiceObject({ ...input, number: `${customer.invoice_prefix}-${String(k + 1).padStart(4, '0')}` }));
      if (input.status === 'open') customer.delinquent = true;
    });
    primary.next_invoice_sequence = pending.length + 1;
  }
  return { subscriptions, invoices, discounts };
}
