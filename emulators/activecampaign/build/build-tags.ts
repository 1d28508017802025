import { DAY_MS, type CatalogProduct, type Rng } from '../../world/index.js';
import type { AcContactTag, AcRecord, AcTag } from './ac-data.js';
import { linksFor, type AcContext } from './ac-context.js';
import type { ContactDraft } from './build-contacts.js';

export const CUSTOMER_TAG = 'STATUS: Customer';
export const PURCHASE_TAG_PREFIX = 'PURCHASE: ';
/** Paid orders that make a contact a VIP. */
const VIP_ORDERS = 3;
/** The account was opened this long before the anchor, before any product or person existed. */
export const ACCOUNT_AGE_DAYS = 920;

interface TagSpec {
  name: string;
  description: string;
  cdateMs: number;
}

function tagSpecs(catalog: readonly CatalogProduct[], anchorMs: number): TagSpec[] {
  const opened = anchorMs - ACCOUNT_AGE_DAYS * DAY_MS;
  const hour = 3_600_000;
  return [
    { name: 'Lead', description: 'Signed up through a form', cdateMs: opened + hour },
    { name: CUSTOMER_TAG, description: 'Has paid for an order', cdateMs: opened + 2 * hour },
    { name: 'Webinar attendee', description: '', cdateMs: opened + 3 * hour },
    { name: 'VIP', description: `${VIP_ORDERS}+ paid orders`, cdateMs: opened + 4 * hour },
    // Memberships are billed elsewhere; only one-off products are tagged at checkout.
    ...catalog
      .filter((p) => p.kind !== 'membership')
      .map((p) => ({ name: `${PURCHASE_TAG_PREFIX}${p.name}`, description: '', cdateMs: Date.parse(p.created_at) })),
  ];
}

/** Tags and the contact-tag associations applied over time: at sign-up, at purchase time and at events. */
export function buildTags(
  catalog: readonly CatalogProduct[],
  drafts: readonly ContactDraft[],
  rng: Rng,
  ctx: AcContext,
  anchorMs: number,
): { tags: AcRecord<AcTag>[]; contactTags: AcRecord<AcContactTag>[] } {
  const specs = tagSpecs(catalog, anchorMs);
  const tagId = new Map(specs.map((s, i) => [s.name, i + 1] as const));
  const productTag = new Map(catalog.map((p) => [p.product_key, `${PURCHASE_TAG_PREFIX}${p.name}`] as const));
  const applied: { contact: ContactDraft; tag: number; atMs: number }[] = [];
  const latest = anchorMs - 1000;

  for (const contact of drafts) {
    const add = (name: string, atMs: number): void => {
      const at = Math.min(latest, Math.max(contact.cdateMs, atMs));
      applied.push({ contact, tag: tagId.get(name)!, atMs: at });
      contact.udateMs = Math.max(contact.udateMs, at);
    };
    if (rng.chance(0.7)) add('Lead', contact.cdateMs + rng.int(1, 120) * 1000);
    const paid = contact.person.orders.filter((o) => o.outcome === 'paid');
    if (paid.length > 0) add(CUSTOMER_TAG, Date.parse(paid[0]!.placed_at));
    const tagged = new Set<string>();
    for (const order of paid) {
      for (const item of order.items) {
        const name = productTag.get(item.product_key);
        if (!name || tagged.has(name)) continue;
        tagged.add(name);
        add(name, Date.parse(order.placed_at));
      }
    }
    if (paid.length >= VIP_ORDERS) add('VIP', Date.parse(paid[VIP_ORDERS - 1]!.placed_at));
    if (rng.chance(0.12)) add('Webinar attendee', contact.cdateMs + Math.floor(rng.next() * Math.max(0, latest - 3_600_000 - contact.cdateMs)));
  }

  applied.sort((a, b) => a.atMs - b.atMs || a.contact.id - b.contact.id || a.tag - b.tag);
  const counts = new Map<number, number>();
  const contactTags = applied.map(({ contact, tag, atMs }, i) => {
    const id = i + 1;
    counts.set(tag, (counts.get(tag) ?? 0) + 1);
    const object: AcContactTag = {
      contact: String(contact.id),
      tag: String(tag),
      cdate: ctx.iso(atMs),
      created_timestamp: ctx.sql(atMs),
      updated_timestamp: ctx.sql(atMs),
      created_by: null,
      updated_by: null,
      links: linksFor(ctx, 'contactTags', id, ['tag', 'contact']),
      id: String(id),
    };
    return { id, cdateMs: atMs, udateMs: atMs, object };
  });

  const tags = specs.map((s, i) => {
    const id = i + 1;
    const object: AcTag = {
      tagType: 'contact',
      tag: s.name,
      description: s.description,
      subscriber_count: String(counts.get(id) ?? 0),
      cdate: ctx.iso(s.cdateMs),
      created_timestamp: ctx.sql(s.cdateMs),
      updated_timestamp: ctx.sql(s.cdateMs),
      created_by: null,
      updated_by: null,
      links: linksFor(ctx, 'tags', id, ['contactGoalTags']),
      id: String(id),
    };
    return { id, cdateMs: s.cdateMs, udateMs: s.cdateMs, object };
  });
  return { tags, contactTags };
}
