import type { AcData } from './build/ac-data.js';
import { ECOM_STATE } from './build/build-ecom.js';
import { CUSTOMER_TAG } from './build/build-tags.js';

/** Sums of minor units keyed by lower-case currency code. */
export type AmountByCurrency = Record<string, number>;

/** The list endpoints, by the key their envelope uses. */
export const AC_STREAMS = [
  'contacts', 'tags', 'contactTags', 'fields', 'fieldValues', 'connections', 'ecomCustomers', 'ecomOrders', 'ecomOrderProducts',
] as const;
export type AcStream = (typeof AC_STREAMS)[number];

/** Facts about the served ActiveCampaign account, computed from the generated objects, for tests to compare against. */
export interface AcGroundTruth {
  seed: number;
  scale: number;
  anchor: string;
  account: { name: string; time_zone: string };
  /** Objects each list endpoint returns when paged to the end without filters. */
  streams: Record<AcStream, { count: number }>;
  tags: {
    /** Contacts carrying each tag, by tag name. */
    contacts_by_tag: Record<string, number>;
    /** Contacts tagged "STATUS: Customer" (those with a paid order in the world). */
    customer_tagged_contacts: number;
  };
  people: {
    /** Distinct lower(trim(email)) over contacts. */
    distinct_normalized_contact_emails: number;
    /** Contacts whose stored email differs from lower(trim(email)). */
    contacts_with_unnormalized_email: number;
    /** Contacts with no paid order in the world. */
    contacts_never_bought: number;
    /** World people with a paid order who are not contacts. */
    buyers_not_contacts: number;
  };
  fields: {
    /** Field values per field title. */
    values_by_field: Record<string, number>;
    /** Distinct values of "UTM Campaign" and "Latest touch campaign". */
    campaign_names: string[];
  };
  ecom: {
    /** Sum of totalPrice (cents) over every served order, by currency. */
    order_total_by_currency: AmountByCurrency;
    /** Sum of totalPrice over completed (state 1) orders, by currency. */
    completed_total_by_currency: AmountByCurrency;
    orders_by_state: Record<string, number>;
  };
}

function add(into: Record<string, number>, key: string, n: number): void {
  into[key] = (into[key] ?? 0) + n;
}

/** Computes the ground truth of a built ActiveCampaign account. */
export function computeAcGroundTruth(data: AcData): AcGroundTruth {
  const streams = Object.fromEntries(AC_STREAMS.map((s) => [s, { count: data[s].length }])) as Record<AcStream, { count: number }>;

  const tagName = new Map(data.tags.map((t) => [t.object.id, t.object.tag] as const));
  const contactsByTag: Record<string, number> = Object.fromEntries(data.tags.map((t) => [t.object.tag, 0]));
  for (const ct of data.contactTags) add(contactsByTag, tagName.get(ct.object.tag)!, 1);
  const customerTagId = data.tags.find((t) => t.object.tag === CUSTOMER_TAG)!.object.id;
  const customers = new Set(data.contactTags.filter((ct) => ct.object.tag === customerTagId).map((ct) => ct.object.contact));

  const normalized = new Set<string>();
  let unnormalized = 0;
  for (const c of data.contacts) {
    const n = c.object.email.trim().toLowerCase();
    normalized.add(n);
    if (n !== c.object.email) unnormalized++;
  }

  const fieldTitle = new Map(data.fields.map((f) => [f.object.id, f.object.title] as const));
  const valuesByField: Record<string, number> = Object.fromEntries(data.fields.map((f) => [f.object.title, 0]));
  const campaigns = new Set<string>();
  for (const v of data.fieldValues) {
    const title = fieldTitle.get(v.object.field)!;
    add(valuesByField, title, 1);
    if (title === 'UTM Campaign' || title === 'Latest touch campaign') campaigns.add(v.object.value);
  }

  const total: AmountByCurrency = {};
  const completed: AmountByCurrency = {};
  const byState: Record<string, number> = {};
  for (const o of data.ecomOrders) {
    const currency = o.object.currency.toLowerCase();
    add(total, currency, o.object.totalPrice);
    if (o.object.state === ECOM_STATE.completed) add(completed, currency, o.object.totalPrice);
    add(byState, String(o.object.state), 1);
  }

  return {
    seed: data.seed,
    scale: data.scale,
    anchor: data.anchor,
    account: { name: data.accountName, time_zone: data.timeZone },
    streams,
    tags: { contacts_by_tag: contactsByTag, customer_tagged_contacts: customers.size },
    people: {
      distinct_normalized_contact_emails: normalized.size,
      contacts_with_unnormalized_email: unnormalized,
      contacts_never_bought: data.contacts.length - customers.size,
      buyers_not_contacts: data.buyersNotContacts,
    },
    fields: { values_by_field: valuesByField, campaign_names: [...campaigns].sort() },
    ecom: { order_total_by_currency: total, completed_total_by_currency: completed, orders_by_state: byState },
  };
}
