import { buildAcData, DEFAULT_AC_ACCOUNT, DEFAULT_AC_TIME_ZONE } from '../../emulators/activecampaign';
import { buildBigCommerceStore, DEFAULT_BIGCOMMERCE_STORE_HASH } from '../../emulators/bigcommerce';
import { buildStripeData } from '../../emulators/stripe';
import { buildThriveCartAccount, DEFAULT_THRIVECART_ACCOUNT } from '../../emulators/thrivecart';
import { generateWorld } from '../../emulators/world';

// What the customer models must say about one generated world, computed straight from the objects
// the emulators serve (not from anything the pipeline landed or built): who each person is across
// sources, what they paid, their subscriptions and whether they count as a customer.

/** Per normalized email and currency: the orders that took money, their totals, refunds and discounts. */
export interface ExpectedRevenue {
  orders: number;
  spent: number;
  refunded: number;
  discount: number;
  lastOrderMs: number;
}

export interface ExpectedModels {
  /** Distinct normalized emails over every identity of every source. */
  emails: Set<string>;
  /** Emails found in more than one source. */
  matchedAcrossSources: Set<string>;
  /** Payment or store identities (source:id) whose email no CRM contact or Deep Data customer has. */
  unmatchedPayers: Set<string>;
  /** `email|CURRENCY` -> revenue. */
  revenue: Map<string, ExpectedRevenue>;
  /** Subscriptions per source and status (active, cancelled, or Stripe's incomplete). */
  subscriptions: Record<string, { active: number; cancelled: number; incomplete: number }>;
  /** Active subscriptions per email. */
  activeSubscriptions: Map<string, number>;
  /** Incomplete subscriptions (a first payment failed less than 23 hours ago) per email. */
  incompleteSubscriptions: Map<string, number>;
  /** Emails with a CRM tag equal to "STATUS: Customer" or containing "purchase". */
  taggedCustomers: Set<string>;
  /** Every CRM tag name per email. */
  tags: Map<string, string[]>;
  /** Emails of people some source knows by a (non-blank) name. */
  named: Set<string>;
  /** Product names bought per email, on orders that took money in a payment or store source. */
  purchases: Map<string, Set<string>>;
  /** Stripe's orders that took money, per `email|CURRENCY`: those with a discount, its sum, and the promotion codes used. */
  stripeDiscounts: Map<string, ExpectedStripeDiscounts>;
  /** Per Stripe promotion code id: the orders that took money with it, the people, and Stripe's own redemption count. */
  stripePromotionCodes: Map<string, { code: string; coupon: string; orders: number; customers: Set<string>; discountByCurrency: Record<string, number>; timesRedeemed: number }>;
  /** Money taken from Stripe customers without an email, per customer id and currency (they are people, unnamed by email). */
  spentWithoutEmail: Map<string, Record<string, number>>;
  /** Per Stripe coupon id: the emails with an order that took money and had the coupon, with a promotion code or without. */
  stripeCouponUsers: Map<string, Set<string>>;
}

export interface ExpectedStripeDiscounts {
  discountedOrders: number;
  discount: number;
  codes: Set<string>;
}

const normalize = (email: string | null | undefined): string | null => {
  const e = (email ?? '').trim().toLowerCase();
  return e === '' ? null : e;
};

/** `"49.9900"` -> 4999, half away from zero, without floating point. */
function decimalToMinor(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  const tenThousandths = Number(whole) * 10_000 + Number(`${fraction}0000`.slice(0, 4));
  return Math.floor(tenThousandths / 100) + (tenThousandths % 100 >= 50 ? 1 : 0);
}

/** Statuses of a BigCommerce order in which the store took the money (refunded ones included). */
const BC_MONEY_TAKEN = new Set([2, 3, 4, 8, 9, 10, 11, 13, 14]);

export function expectedModels(seed: number, scale: number): ExpectedModels {
  const world = generateWorld({ seed, scale });
  const stripe = buildStripeData(world);
  const crm = buildAcData(world, { accountName: DEFAULT_AC_ACCOUNT, timeZone: DEFAULT_AC_TIME_ZONE });
  const cart = buildThriveCartAccount(world, DEFAULT_THRIVECART_ACCOUNT);
  const store = buildBigCommerceStore(world, DEFAULT_BIGCOMMERCE_STORE_HASH);

  const sourcesOf = new Map<string, Set<string>>();
  const crmEmails = new Set<string>();
  const payers: { key: string; email: string | null }[] = [];
  const named = new Set<string>();
  const hasName = (...parts: (string | null | undefined)[]) => parts.some((p) => (p ?? '').trim() !== '');
  const identity = (source: string, id: string, email: string | null, name = false) => {
    if (email !== null && name) named.add(email);
    if (email !== null) {
      const set = sourcesOf.get(email) ?? new Set<string>();
      set.add(source);
      sourcesOf.set(email, set);
    }
    if (source === 'activecampaign') {
      if (email !== null) crmEmails.add(email);
    } else payers.push({ key: `${source}:${id}`, email });
  };

  for (const c of crm.contacts) if (c.object.deleted !== '1') identity('activecampaign', String(c.id), normalize(c.object.email), hasName(c.object.firstName, c.object.lastName));
  for (const c of crm.ecomCustomers) identity('activecampaign', `ecom:${c.id}`, normalize(c.object.email));
  for (const c of stripe.customers) identity('stripe', c.id, normalize(c.email), hasName(c.name));
  const stripeEmail = new Map(stripe.customers.map((c) => [c.id, normalize(c.email)] as const));
  // A guest is named by the billing name of their first charge.
  const stripeGuests = new Map<string, boolean>();
  for (const ch of [...stripe.charges].sort((a, b) => a.created - b.created)) {
    const guest = normalize(ch.billing_details.email);
    if (!ch.customer && guest && !stripeGuests.has(guest)) stripeGuests.set(guest, hasName(ch.billing_details.name));
  }
  for (const [guest, name] of stripeGuests) identity('stripe', `guest:${guest}`, guest, name);
  // A ThriveCart buyer is named and addressed as on their latest transaction.
  const cartEmail = new Map<string, string | null>();
  const cartNamed = new Map<string, boolean>();
  for (const t of [...cart.transactions].sort((a, b) => a.timestamp - b.timestamp)) {
    cartEmail.set(t.customer.id, normalize(t.customer.email));
    cartNamed.set(t.customer.id, hasName(t.customer.name));
  }
  for (const [id, email] of cartEmail) identity('thrivecart', id, email, cartNamed.get(id));
  for (const c of store.customers) identity('bigcommerce', String(c.customer.id), normalize(c.customer.email), hasName(c.customer.first_name, c.customer.last_name));
  const storeGuests = new Map<string, boolean>();
  for (const o of store.orders.filter((x) => x.order.customer_id === 0).sort((a, b) => a.createdMs - b.createdMs)) {
    const guest = normalize(o.order.billing_address.email);
    if (guest && !storeGuests.has(guest)) storeGuests.set(guest, hasName(o.order.billing_address.first_name, o.order.billing_address.last_name));
  }
  for (const [guest, name] of storeGuests) identity('bigcommerce', `guest:${guest}`, guest, name);
  const dedupedPayers = new Map(payers.map((p) => [p.key, p.email] as const));

  const revenue = new Map<string, ExpectedRevenue>();
  const paid = (email: string | null, currency: string, total: number, refunded: number, discount: number, atMs: number) => {
    if (email === null) return;
    const key = `${email}|${currency.toUpperCase()}`;
    const r = revenue.get(key) ?? { orders: 0, spent: 0, refunded: 0, discount: 0, lastOrderMs: 0 };
    r.orders += 1;
    r.spent += total;
    r.refunded += refunded;
    r.discount += discount;
    r.lastOrderMs = Math.max(r.lastOrderMs, atMs);
    revenue.set(key, r);
  };

  const spentWithoutEmail = new Map<string, Record<string, number>>();
  const unnamedSpent = (customer: string, currency: string, amount: number) => {
    const spent = spentWithoutEmail.get(customer) ?? {};
    spent[currency.toUpperCase()] = (spent[currency.toUpperCase()] ?? 0) + amount;
    spentWithoutEmail.set(customer, spent);
  };
  // The invoice each payment intent paid (an invoice's payment names the intent, not its charge), and
  // what that invoice took off.
  const invoiceOfIntent = new Map(stripe.invoice_payments.map((p) => [p.payment.payment_intent, p.invoice] as const));
  const invoiceById = new Map(stripe.invoices.map((inv) => [inv.id, inv] as const));
  const invoiceDiscount = (inv: { total_discount_amounts: { amount: number }[] } | undefined) => (inv?.total_discount_amounts ?? []).reduce((sum, d) => sum + d.amount, 0);
  const chargedInvoices = new Set<string>();
  for (const ch of stripe.charges) {
    if (ch.status !== 'succeeded' || !ch.captured) continue;
    const email = ch.customer ? (stripeEmail.get(ch.customer) ?? null) : normalize(ch.billing_details.email);
    const invoiceId = invoiceOfIntent.get(ch.payment_intent);
    if (invoiceId !== undefined) chargedInvoices.add(invoiceId);
    // A charge that paid an invoice is that invoice's order: it carries the invoice's discount.
    paid(email, ch.currency, ch.amount, ch.amount_refunded, invoiceDiscount(invoiceId === undefined ? undefined : invoiceById.get(invoiceId)), ch.created * 1000);
    if (email === null && ch.customer) unnamedSpent(ch.customer, ch.currency, ch.amount);
  }

  // Each paid invoice with something to pay is one order: the charge's that paid it, or, paid outside
  // Stripe, the invoice's own; one with nothing to pay (a trial) took no money. Its discounts name
  // their coupon and promotion code.
  const stripeDiscounts = new Map<string, ExpectedStripeDiscounts>();
  const discountOf = new Map(stripe.discounts.map((d) => [d.id, d] as const));
  const codeOf = new Map(stripe.promotion_codes.map((p) => [p.id, p] as const));
  const stripePromotionCodes: ExpectedModels['stripePromotionCodes'] = new Map(
    stripe.promotion_codes.map((p) => [p.id, { code: p.code, coupon: p.promotion.coupon, orders: 0, customers: new Set<string>(), discountByCurrency: {}, timesRedeemed: p.times_redeemed }] as const),
  );
  const stripeCouponUsers = new Map<string, Set<string>>();
  for (const inv of stripe.invoices) {
    if (inv.status !== 'paid' || inv.total <= 0) continue;
    const email = stripeEmail.get(inv.customer) ?? null;
    const discount = invoiceDiscount(inv);
    if (!chargedInvoices.has(inv.id)) {
      paid(email, inv.currency, inv.total, 0, discount, (inv.status_transitions.paid_at ?? inv.created) * 1000);
      if (email === null) unnamedSpent(inv.customer, inv.currency, inv.total);
    }
    const key = `${email}|${inv.currency.toUpperCase()}`;
    const agg = stripeDiscounts.get(key) ?? { discountedOrders: 0, discount: 0, codes: new Set<string>() };
    if (discount > 0) agg.discountedOrders += 1;
    agg.discount += discount;
    const byPromo = new Map<string, number>();
    for (const d of inv.total_discount_amounts) {
      const coupon = discountOf.get(d.discount)?.source.coupon;
      if (coupon !== undefined && email !== null) stripeCouponUsers.set(coupon, (stripeCouponUsers.get(coupon) ?? new Set<string>()).add(email));
      const promo = discountOf.get(d.discount)?.promotion_code;
      if (typeof promo === 'string') byPromo.set(promo, (byPromo.get(promo) ?? 0) + d.amount);
    }
    for (const [promo, amount] of byPromo) {
      agg.codes.add(codeOf.get(promo)!.code);
      const usage = stripePromotionCodes.get(promo)!;
      usage.orders += 1;
      if (email !== null) usage.customers.add(email);
      const currency = inv.currency.toUpperCase();
      usage.discountByCurrency[currency] = (usage.discountByCurrency[currency] ?? 0) + amount;
    }
    if (email !== null) stripeDiscounts.set(key, agg);
  }

  const purchases = new Map<string, Set<string>>();
  const bought = (email: string | null, product: string) => {
    if (email === null) return;
    purchases.set(email, (purchases.get(email) ?? new Set<string>()).add(product));
  };
  const invoices = new Map<string, { email: string | null; currency: string; total: number; refunded: number; firstMs: number; charged: boolean }>();
  for (const t of cart.transactions) {
    if (t.transaction_type === 'cancel') continue;
    const key = `${t.order_id}/${t.invoice_id}`;
    const inv = invoices.get(key) ?? { email: cartEmail.get(t.customer.id) ?? null, currency: t.currency, total: 0, refunded: 0, firstMs: Infinity, charged: false };
    if (t.transaction_type === 'refund') inv.refunded += t.amount;
    else {
      inv.total += t.amount;
      inv.charged = true;
      if (t.invoice_id) bought(inv.email, t.item_name);
      inv.firstMs = Math.min(inv.firstMs, t.timestamp * 1000);
    }
    invoices.set(key, inv);
  }
  for (const inv of invoices.values()) if (inv.charged) paid(inv.email, inv.currency, inv.total, inv.refunded, 0, inv.firstMs);

  const storeEmail = new Map(store.customers.map((c) => [c.customer.id, normalize(c.customer.email)] as const));
  for (const { order: o, createdMs, products } of store.orders) {
    if (!BC_MONEY_TAKEN.has(o.status_id)) continue;
    const email = o.customer_id === 0 ? normalize(o.billing_address.email) : (storeEmail.get(o.customer_id) ?? null);
    const total = decimalToMinor(o.total_inc_tax);
    const refunded = o.status_id === 4 ? Math.max(decimalToMinor(o.refunded_amount), total) : decimalToMinor(o.refunded_amount);
    paid(email, o.currency_code, total, refunded, decimalToMinor(o.discount_amount) + decimalToMinor(o.coupon_discount), createdMs);
    for (const line of products) bought(email, line.name);
  }

  const subscriptions = { stripe: { active: 0, cancelled: 0, incomplete: 0 }, thrivecart: { active: 0, cancelled: 0, incomplete: 0 } };
  const activeSubscriptions = new Map<string, number>();
  const incompleteSubscriptions = new Map<string, number>();
  type State = 'active' | 'cancelled' | 'incomplete';
  const countSubscription = (source: 'stripe' | 'thrivecart', state: State, email: string | null) => {
    subscriptions[source][state] += 1;
    const perEmail = state === 'active' ? activeSubscriptions : state === 'incomplete' ? incompleteSubscriptions : null;
    if (perEmail && email !== null) perEmail.set(email, (perEmail.get(email) ?? 0) + 1);
  };
  // Stripe: ended ones (canceled, and incomplete_expired: the first payment never came) are cancelled;
  // incomplete (Stripe still waits for the first payment) is neither; paused and the rest are active.
  const stripeState = (status: string): State => (status === 'canceled' || status === 'incomplete_expired' ? 'cancelled' : status === 'incomplete' ? 'incomplete' : 'active');
  for (const s of stripe.subscriptions) countSubscription('stripe', stripeState(s.status), stripeEmail.get(s.customer) ?? null);
  for (const [email, view] of cart.customers) {
    for (const s of view.subscriptions) countSubscription('thrivecart', s.status === 'active' || s.status === 'paused' ? 'active' : 'cancelled', normalize(email));
  }

  const tagName = new Map(crm.tags.map((t) => [t.id, t.object.tag] as const));
  const contactEmail = new Map(crm.contacts.filter((c) => c.object.deleted !== '1').map((c) => [c.id, normalize(c.object.email)] as const));
  const taggedCustomers = new Set<string>();
  const tags = new Map<string, string[]>();
  for (const ct of crm.contactTags) {
    const tag = (tagName.get(Number(ct.object.tag)) ?? '').trim().toLowerCase();
    const email = contactEmail.get(Number(ct.object.contact));
    if (email) tags.set(email, [...(tags.get(email) ?? []), tagName.get(Number(ct.object.tag)) ?? '']);
    if (email && (tag === 'status: customer' || tag.includes('purchase'))) taggedCustomers.add(email);
  }

  return {
    emails: new Set(sourcesOf.keys()),
    matchedAcrossSources: new Set([...sourcesOf].filter(([, s]) => s.size > 1).map(([e]) => e)),
    unmatchedPayers: new Set([...dedupedPayers].filter(([, email]) => email === null || !crmEmails.has(email)).map(([key]) => key)),
    revenue,
    subscriptions,
    activeSubscriptions,
    incompleteSubscriptions,
    taggedCustomers,
    tags,
    named,
    purchases,
    stripeDiscounts,
    stripePromotionCodes,
    stripeCouponUsers,
    spentWithoutEmail,
  };
}
