import { buildAcData, DEFAULT_AC_ACCOUNT, DEFAULT_AC_TIME_ZONE } from '../../emulators/activecampaign';
import { buildBigCommerceStore, DEFAULT_BIGCOMMERCE_STORE_HASH } from '../../emulators/bigcommerce';
import { buildStripeData } from '../../emulators/stripe';
import { buildThriveCartAccount, DEFAULT_THRIVECART_ACCOUNT } from '../../emulators/thrivecart';
import { generateWorld } from '../../emulators/world';

// What the heuristic attribution models must credit each campaign, computed from the objects the
// emulators serve (the CRM's UTM fields, the UTM tags on Stripe customers, charges and checkouts, the orders), not
// from anything cdp landed or built. Every connection is taken as live, as in the oracle tests.

export interface OracleConnections {
  stripe: string;
  crm: string;
  cart: string;
  store: string;
}

export interface CampaignCredit {
  leads: number;
  customers: number;
  invoiced: number;
  collected: number;
}

interface Touch {
  id: string;
  atMs: number;
  campaign: string;
  direct: boolean;
}

interface Conversion {
  kind: 'lead' | 'customer' | 'order';
  person: string;
  atMs: number;
  invoiced: number;
  collected: number;
}

const DAY = 86_400_000;
const normalize = (email: string | null | undefined): string | null => {
  const e = (email ?? '').trim().toLowerCase();
  return e === '' ? null : e;
};
const blank = (v: string | null | undefined) => (v ?? '').trim() === '';
const campaignOf = (v: string | null | undefined) => (blank(v) ? '(none)' : v!.trim().toLowerCase());

/** `"49.9900"` -> 4999, half away from zero. */
function decimalToMinor(decimal: string): number {
  const [whole, fraction = ''] = decimal.split('.');
  const tenThousandths = Number(whole) * 10_000 + Number(`${fraction}0000`.slice(0, 4));
  return Math.floor(tenThousandths / 100) + (tenThousandths % 100 >= 50 ? 1 : 0);
}

/** round(minor * num / den), half away from zero, in exact integer arithmetic. */
const convert = (minor: number, [num, den]: [number, number]) => {
  const scaled = BigInt(minor) * BigInt(num);
  const d = BigInt(den);
  const q = scaled / d;
  const r = scaled % d;
  return Number(2n * (r < 0n ? -r : r) >= d ? q + (scaled < 0n ? -1n : 1n) : q);
};

const BC_MONEY_TAKEN = new Set([2, 3, 4, 8, 9, 10, 11, 13, 14]);

/** Credits per model and campaign; `rates` are exact fractions per upper-case currency (USD 1/1). */
export function expectedAttribution(
  seed: number,
  scale: number,
  ids: OracleConnections,
  rates: Record<string, [number, number]>,
  opts: { lookbackDays: number; halfLifeDays: number },
): Map<string, Map<string, CampaignCredit>> {
  const world = generateWorld({ seed, scale });
  const stripe = buildStripeData(world);
  const crm = buildAcData(world, { accountName: DEFAULT_AC_ACCOUNT, timeZone: DEFAULT_AC_TIME_ZONE });
  const cart = buildThriveCartAccount(world, DEFAULT_THRIVECART_ACCOUNT);
  const store = buildBigCommerceStore(world, DEFAULT_BIGCOMMERCE_STORE_HASH);

  const touches = new Map<string, Touch[]>();
  const touch = (person: string, t: Touch) => touches.set(person, [...(touches.get(person) ?? []), t]);
  const conversions: Conversion[] = [];
  const paidAt = new Map<string, number>();
  const order = (person: string, atMs: number, currency: string, total: number, refunded: number) => {
    const rate = rates[currency.toUpperCase()]!;
    conversions.push({ kind: 'order', person, atMs, invoiced: convert(total, rate), collected: convert(total - refunded, rate) });
    paidAt.set(person, Math.min(paidAt.get(person) ?? Infinity, atMs));
  };

  // The CRM: a lead per contact's person, the first touch (UTM fields) and the latest touch field.
  const perstag = new Map(crm.fields.map((f) => [f.id, f.object.perstag] as const));
  const leads = new Map<string, number>();
  const contacts = new Map(crm.contacts.filter((c) => c.object.deleted !== '1').map((c) => [c.id, c] as const));
  const personOfContact = (id: number) => normalize(contacts.get(id)!.object.email) ?? `activecampaign:${id}`;
  for (const c of contacts.values()) {
    const person = personOfContact(c.id);
    leads.set(person, Math.min(leads.get(person) ?? Infinity, Date.parse(c.object.cdate)));
  }
  interface ContactFields {
    utm: Map<string, { value: string; cdateMs: number }>;
    latest?: { value: string; udateMs: number };
  }
  const fields = new Map<number, ContactFields>();
  for (const v of crm.fieldValues) {
    const contact = Number(v.object.contact);
    if (!contacts.has(contact) || blank(v.object.value)) continue;
    const tag = perstag.get(Number(v.object.field));
    const entry: ContactFields = fields.get(contact) ?? { utm: new Map() };
    if (tag === 'UTM_SOURCE' || tag === 'UTM_MEDIUM' || tag === 'UTM_CAMPAIGN') entry.utm.set(tag, { value: v.object.value, cdateMs: Date.parse(v.object.cdate) });
    if (tag === 'LATEST_TOUCH_CAMPAIGN') entry.latest = { value: v.object.value, udateMs: Date.parse(v.object.udate) };
    fields.set(contact, entry);
  }
  for (const [contact, f] of fields) {
    const person = personOfContact(contact);
    if (f.utm.size) {
      const source = f.utm.get('UTM_SOURCE')?.value;
      const campaign = f.utm.get('UTM_CAMPAIGN')?.value;
      touch(person, {
        id: `activecampaign:${ids.crm}:first_touch:contact:${contact}`,
        atMs: Math.min(...[...f.utm.values()].map((u) => u.cdateMs)),
        campaign: campaignOf(campaign),
        direct: blank(source) && blank(campaign),
      });
    }
    if (f.latest) touch(person, { id: `activecampaign:${ids.crm}:latest_touch:contact:${contact}`, atMs: f.latest.udateMs, campaign: campaignOf(f.latest.value), direct: false });
  }

  // Stripe: a customer's UTM metadata (its sign-up's acquisition) is a touch when the customer was created.
  const stripeEmail = new Map(stripe.customers.map((c) => [c.id, normalize(c.email)] as const));
  for (const c of stripe.customers) {
    const utm = (c.metadata ?? {}) as Record<string, string>;
    if (blank(utm.utm_source) && blank(utm.utm_medium) && blank(utm.utm_campaign)) continue;
    touch(stripeEmail.get(c.id) ?? `stripe:${c.id}`, {
      id: `stripe:${ids.stripe}:first_touch:customer:${c.id}`,
      atMs: c.created * 1000,
      campaign: campaignOf(utm.utm_campaign),
      direct: blank(utm.utm_source) && blank(utm.utm_campaign),
    });
  }

  // Stripe: every charge that took money is an order; its UTM metadata is a touch.
  for (const ch of stripe.charges) {
    const person = ch.customer ? (stripeEmail.get(ch.customer) ?? `stripe:${ch.customer}`) : normalize(ch.billing_details.email);
    if (person === null) continue;
    const utm = (ch.metadata ?? {}) as Record<string, string>;
    if (!blank(utm.utm_source) || !blank(utm.utm_medium) || !blank(utm.utm_campaign)) {
      touch(person, { id: `stripe:${ids.stripe}:order:order:${ch.id}`, atMs: ch.created * 1000, campaign: campaignOf(utm.utm_campaign), direct: blank(utm.utm_source) && blank(utm.utm_campaign) });
    }
    if (ch.status === 'succeeded' && ch.captured) order(person, ch.created * 1000, ch.currency, ch.amount, ch.amount_refunded);
  }

  // A paid Stripe invoice is the order of the charge that paid it (its payment names the charge's intent,
  // counted above); one paid outside Stripe took its money itself: an order, unless it had nothing to
  // pay (a trial).
  const paidIntents = new Set(stripe.charges.filter((ch) => ch.status === 'succeeded' && ch.captured).map((ch) => ch.payment_intent));
  const chargedInvoices = new Set(stripe.invoice_payments.filter((p) => paidIntents.has(p.payment.payment_intent)).map((p) => p.invoice));
  for (const inv of stripe.invoices) {
    if (inv.status !== 'paid' || inv.total <= 0 || chargedInvoices.has(inv.id)) continue;
    order(stripeEmail.get(inv.customer) ?? `stripe:${inv.customer}`, (inv.status_transitions.paid_at ?? inv.created) * 1000, inv.currency, inv.total, 0);
  }

  // ThriveCart: an invoice is an order, named by its buyer's latest email, tagged by its first line's passthrough.
  const cartEmail = new Map<string, string | null>();
  for (const t of [...cart.transactions].sort((a, b) => a.timestamp - b.timestamp)) cartEmail.set(t.customer.id, normalize(t.customer.email));
  const invoices = new Map<string, { person: string; currency: string; total: number; refunded: number; firstMs: number; firstAny: number; utm?: Record<string, string> }>();
  for (const t of cart.transactions) {
    if (t.transaction_type === 'cancel' || !t.invoice_id) continue;
    const key = `${t.order_id}/${t.invoice_id}`;
    const inv = invoices.get(key) ?? { person: cartEmail.get(t.customer.id) ?? `thrivecart:${t.customer.id}`, currency: t.currency, total: 0, refunded: 0, firstMs: Infinity, firstAny: Infinity };
    if (t.timestamp * 1000 < inv.firstAny) {
      inv.firstAny = t.timestamp * 1000;
      inv.utm = t.passthrough as unknown as Record<string, string> | undefined;
    }
    if (t.transaction_type === 'refund') inv.refunded += t.amount;
    else {
      inv.total += t.amount;
      inv.firstMs = Math.min(inv.firstMs, t.timestamp * 1000);
    }
    invoices.set(key, inv);
  }
  for (const [key, inv] of invoices) {
    if (inv.firstMs === Infinity) continue;
    const utm = inv.utm ?? {};
    if (!blank(utm.utm_source) || !blank(utm.utm_medium) || !blank(utm.utm_campaign)) {
      touch(inv.person, { id: `thrivecart:${ids.cart}:order:order:${key}`, atMs: inv.firstMs, campaign: campaignOf(utm.utm_campaign), direct: blank(utm.utm_source) && blank(utm.utm_campaign) });
    }
    order(inv.person, inv.firstMs, inv.currency, inv.total, inv.refunded);
  }

  // BigCommerce: orders that took money; no UTM tags.
  const storeEmail = new Map(store.customers.map((c) => [c.customer.id, normalize(c.customer.email)] as const));
  for (const { order: o, createdMs } of store.orders) {
    if (!BC_MONEY_TAKEN.has(o.status_id)) continue;
    const person = o.customer_id === 0 ? normalize(o.billing_address.email) : (storeEmail.get(o.customer_id) ?? `bigcommerce:${o.customer_id}`);
    if (person === null) continue;
    const total = decimalToMinor(o.total_inc_tax);
    const refunded = o.status_id === 4 ? Math.max(decimalToMinor(o.refunded_amount), total) : decimalToMinor(o.refunded_amount);
    order(person, createdMs, o.currency_code, total, refunded);
  }

  for (const [person, atMs] of leads) conversions.push({ kind: 'lead', person, atMs, invoiced: 0, collected: 0 });
  for (const [person, atMs] of paidAt) conversions.push({ kind: 'customer', person, atMs, invoiced: 0, collected: 0 });

  const result = new Map<string, Map<string, CampaignCredit>>();
  const credit = (model: string, campaign: string, c: Conversion, share: number, invoiced: number, collected: number) => {
    const byCampaign = result.get(model) ?? new Map<string, CampaignCredit>();
    const entry = byCampaign.get(campaign) ?? { leads: 0, customers: 0, invoiced: 0, collected: 0 };
    if (c.kind === 'lead') entry.leads += share;
    if (c.kind === 'customer') entry.customers += share;
    if (c.kind === 'order') {
      entry.invoiced += invoiced;
      entry.collected += collected;
    }
    byCampaign.set(campaign, entry);
    result.set(model, byCampaign);
  };
  // Whole minor units: floors, and the leftover units to the largest remainders (ties by touch id).
  const split = (value: number, path: Touch[], shares: number[]): number[] => {
    const raw = shares.map((s) => value * s);
    const floors = raw.map(Math.floor);
    const left = value - floors.reduce((a, b) => a + b, 0);
    const order = raw.map((r, i) => ({ i, rem: r - Math.floor(r), id: path[i]!.id })).sort((a, b) => b.rem - a.rem || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    order.slice(0, left).forEach(({ i }) => (floors[i]! += 1));
    return floors;
  };

  for (const c of conversions) {
    const path = (touches.get(c.person) ?? [])
      .filter((t) => t.atMs <= c.atMs && t.atMs > c.atMs - opts.lookbackDays * DAY)
      .sort((a, b) => a.atMs - b.atMs || (a.id < b.id ? -1 : 1));
    const n = path.length;
    const models: Record<string, number[]> = {};
    if (n === 0) {
      for (const model of ['first_touch', 'last_touch', 'last_non_direct', 'linear', 'position_based', 'time_decay']) credit(model, '(no touch)', c, 1, c.invoiced, c.collected);
      continue;
    }
    const lastNonDirect = path.map((t, i) => (t.direct ? -1 : i)).reduce((a, b) => Math.max(a, b), -1);
    models.first_touch = path.map((_, i) => (i === 0 ? 1 : 0));
    models.last_touch = path.map((_, i) => (i === n - 1 ? 1 : 0));
    models.last_non_direct = path.map((_, i) => (i === (lastNonDirect < 0 ? n - 1 : lastNonDirect) ? 1 : 0));
    models.linear = path.map(() => 1 / n);
    models.position_based = path.map((_, i) => (n === 1 ? 1 : n === 2 ? 0.5 : i === 0 || i === n - 1 ? 0.4 : 0.2 / (n - 2)));
    const weights = path.map((t) => Math.pow(0.5, (c.atMs - t.atMs) / 1000 / 86400 / opts.halfLifeDays));
    const total = weights.reduce((a, b) => a + b, 0);
    models.time_decay = weights.map((w) => w / total);
    for (const [model, shares] of Object.entries(models)) {
      const kept = shares.map((s, i) => ({ s, t: path[i]! })).filter((x) => x.s > 0);
      const invoiced = split(c.invoiced, kept.map((x) => x.t), kept.map((x) => x.s));
      const collected = split(c.collected, kept.map((x) => x.t), kept.map((x) => x.s));
      kept.forEach((x, i) => credit(model, x.t.campaign, c, x.s, invoiced[i]!, collected[i]!));
    }
  }
  return result;
}
