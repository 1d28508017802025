import type { Order, Person, Rng } from '../../world/index.js';
import type { StripeIds } from '../ids.js';
import type { CardOnFile } from '../objects/card.js';
import { stripeAddress, unixSeconds } from '../objects/common.js';
import type { CustomerInput } from '../objects/customer.js';

/** A customer still being filled in: billing sets currency, delinquency and invoice numbering later. */
export interface CustomerDraft extends CustomerInput {
  card: CardOnFile;
  person: Person;
}

export interface PaymentAccounts {
  person: Person;
  primary: CustomerDraft;
  duplicate: CustomerDraft | null;
}

/** Seconds between successive attempts at paying one order. */
const ATTEMPT_GAP_S = 240;
const LOCALES: Readonly<Record<string, string>> = { US: 'en-US', GB: 'en-GB', DE: 'de-DE', FR: 'fr-FR', NL: 'nl-NL', IE: 'en-IE', ES: 'es-ES' };
const UPPER_ALNUM = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
const DAY_MS = 86_400_000;

/**
 * The customer's metadata: a person who paid within a day of first arriving signed up through the
 * checkout, whose form wrote the visit's UTM tags (the person's acquisition) onto the customer.
 */
function signUpMetadata(person: Person): Record<string, string> {
  const { acquisition, payment_account_opened_at: openedAt } = person.traits;
  if (!acquisition || openedAt === null || Date.parse(openedAt) - Date.parse(person.created_at) >= DAY_MS) return {};
  return { utm_source: acquisition.utm_source, utm_medium: acquisition.utm_medium, utm_campaign: acquisition.utm_campaign };
}

/** Unix times of each charge attempt for an order, oldest first; the last is the order's own time. */
export function attemptTimes(order: Order): number[] {
  const placed = unixSeconds(order.placed_at);
  const attempts = order.outcome === 'failed' ? order.failed_attempts.length : order.failed_attempts.length + 1;
  return Array.from({ length: attempts }, (_, k) => placed - (attempts - 1 - k) * ATTEMPT_GAP_S);
}

function makeCard(ids: StripeIds, rng: Rng, person: Person, anchorYear: number): CardOnFile {
  return {
    payment_method: ids.timed('pm', unixSeconds(person.traits.payment_account_opened_at ?? person.created_at)),
    brand: rng.weighted({ visa: 60, mastercard: 30, amex: 10 }),
    last4: rng.chars(4, '0123456789'),
    exp_month: rng.int(1, 12),
    exp_year: anchorYear + rng.int(0, 5),
    fingerprint: ids.chars(16),
    funding: rng.chance(0.7) ? 'credit' : 'debit',
    country: person.address.country,
  };
}

/** The Stripe customers behind each person with a payment account, in world order. */
export function buildAccounts(people: readonly Person[], ids: StripeIds, rng: Rng, anchorYear: number): PaymentAccounts[] {
  const prefixes = new Set<string>();
  const newPrefix = (): string => {
    for (;;) {
      const p = rng.chars(8, UPPER_ALNUM);
      if (!prefixes.has(p)) {
        prefixes.add(p);
        return p;
      }
    }
  };
  const accounts: PaymentAccounts[] = [];
  for (const person of people) {
    const t = person.traits;
    if (!t.has_payment_account || t.payment_account_opened_at === null) continue;
    const buysPhysical = person.orders.some((o) => o.items.some((it) => it.product_key.startsWith('item_')));
    const name = `${person.first_name} ${person.last_name}`;
    const address = stripeAddress(person.address);
    const firstActivity = Math.min(
      ...person.orders.filter((o) => !o.uses_duplicate_account).map((o) => attemptTimes(o)[0]!),
      ...person.memberships.map((m) => unixSeconds(m.started_at)),
    );
    const primaryCreated = Math.min(unixSeconds(t.payment_account_opened_at), firstActivity - 60);
    const card = makeCard(ids, rng, person, anchorYear);
    const primary: CustomerDraft = {
      id: ids.short('cus'),
      created: primaryCreated,
      email: t.payment_email,
      name,
      phone: rng.chance(0.5) ? person.phone : null,
      address: buysPhysical || rng.chance(0.6) ? address : null,
      currency: null,
      delinquent: false,
      invoice_prefix: newPrefix(),
      next_invoice_sequence: 1,
      default_payment_method: null,
      preferred_locales: rng.chance(0.4) ? [LOCALES[person.address.country] ?? 'en-US'] : [],
      shipping: buysPhysical && rng.chance(0.5) ? { address, name, phone: person.phone } : null,
      metadata: signUpMetadata(person),
      card,
      person,
    };
    let duplicate: CustomerDraft | null = null;
    const dup = t.duplicate_payment_account;
    if (dup) {
      const firstDupAttempt = Math.min(...person.orders.filter((o) => o.uses_duplicate_account).map((o) => attemptTimes(o)[0]!));
      // Same physical card, so the fingerprint repeats; Stripe still mints a new payment method.
      duplicate = {
        ...primary,
        id: ids.short('cus'),
        created: Math.min(unixSeconds(dup.opened_at), firstDupAttempt - 60),
        email: dup.email,
        phone: null,
        address: buysPhysical ? address : null,
        invoice_prefix: newPrefix(),
        preferred_locales: [],
        shipping: null,
        metadata: {},
        card: { ...card, payment_method: ids.timed('pm', unixSeconds(dup.opened_at)) },
      };
    }
    accounts.push({ person, primary, duplicate });
  }
  return accounts;
}
