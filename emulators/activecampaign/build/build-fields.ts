import { DAY_MS, type Person, type Utm } from '../../world/index.js';
import type { AcField, AcFieldValue, AcRecord } from './ac-data.js';
import { linksFor, type AcContext } from './ac-context.js';
import type { ContactDraft } from './build-contacts.js';
import { ACCOUNT_AGE_DAYS } from './build-tags.js';

/** The lead-source custom fields, in id order. */
export const UTM_FIELDS = [
  { title: 'UTM Source', perstag: 'UTM_SOURCE', type: 'text' },
  { title: 'UTM Medium', perstag: 'UTM_MEDIUM', type: 'text' },
  { title: 'UTM Campaign', perstag: 'UTM_CAMPAIGN', type: 'text' },
  { title: 'First touch campaign', perstag: 'FIRST_TOUCH_CAMPAIGN', type: 'text' },
  { title: 'First touch date', perstag: 'FIRST_TOUCH_DATE', type: 'date' },
  { title: 'Latest touch campaign', perstag: 'LATEST_TOUCH_CAMPAIGN', type: 'text' },
  { title: 'Latest touch date', perstag: 'LATEST_TOUCH_DATE', type: 'date' },
] as const;

export type UtmFieldTitle = (typeof UTM_FIELDS)[number]['title'];

interface Touch {
  utm: Utm;
  atMs: number;
}

/** The person's most recent attributed touch: the last order that carried UTM parameters, else the first touch. */
function latestTouch(person: Person, first: Touch | null): Touch | null {
  let latest = first;
  for (const order of person.orders) {
    const atMs = Date.parse(order.placed_at);
    if (order.utm && (latest === null || atMs >= latest.atMs)) latest = { utm: order.utm, atMs };
  }
  return latest;
}

/** The custom fields and each contact's values, taken from the person's acquisition and later UTM-tagged orders. */
export function buildFields(drafts: readonly ContactDraft[], ctx: AcContext, anchorMs: number): { fields: AcRecord<AcField>[]; fieldValues: AcRecord<AcFieldValue>[] } {
  const createdMs = anchorMs - (ACCOUNT_AGE_DAYS - 1) * DAY_MS;
  const fields = UTM_FIELDS.map((f, i) => {
    const id = i + 1;
    const object: AcField = {
      title: f.title,
      descript: null,
      type: f.type,
      isrequired: '0',
      perstag: f.perstag,
      defval: null,
      show_in_list: '0',
      rows: '0',
      cols: '0',
      visible: '1',
      service: '',
      ordernum: String(id),
      cdate: ctx.iso(createdMs + i * 60_000),
      udate: ctx.iso(createdMs + i * 60_000),
      created_timestamp: ctx.sql(createdMs + i * 60_000),
      updated_timestamp: ctx.sql(createdMs + i * 60_000),
      created_by: null,
      updated_by: null,
      options: [],
      relations: [],
      links: linksFor(ctx, 'fields', id, ['options', 'relations']),
      id: String(id),
    };
    return { id, cdateMs: createdMs + i * 60_000, udateMs: createdMs + i * 60_000, object };
  });

  const fieldId = new Map(UTM_FIELDS.map((f, i) => [f.title as string, i + 1] as const));
  const values: { contact: ContactDraft; field: number; value: string; cdateMs: number; udateMs: number }[] = [];
  for (const contact of drafts) {
    const acq = contact.person.traits.acquisition;
    const first: Touch | null = acq ? { utm: acq, atMs: contact.cdateMs } : null;
    const set = (title: UtmFieldTitle, value: string, cdateMs: number, udateMs = cdateMs): void => {
      values.push({ contact, field: fieldId.get(title)!, value, cdateMs, udateMs });
      contact.udateMs = Math.max(contact.udateMs, udateMs);
    };
    if (first) {
      set('UTM Source', first.utm.utm_source, first.atMs);
      set('UTM Medium', first.utm.utm_medium, first.atMs);
      set('UTM Campaign', first.utm.utm_campaign, first.atMs);
      set('First touch campaign', first.utm.utm_campaign, first.atMs);
      set('First touch date', ctx.date(first.atMs), first.atMs);
    }
    const latest = latestTouch(contact.person, first);
    if (latest) {
      // The field is created with the contact's first touch and overwritten at each later one.
      const firstOrderTouchMs = Math.min(...contact.person.orders.filter((o) => o.utm).map((o) => Date.parse(o.placed_at)));
      const cdateMs = Math.max(contact.cdateMs, first?.atMs ?? firstOrderTouchMs);
      set('Latest touch campaign', latest.utm.utm_campaign, cdateMs, Math.max(cdateMs, latest.atMs));
      set('Latest touch date', ctx.date(latest.atMs), cdateMs, Math.max(cdateMs, latest.atMs));
    }
  }
  const fieldValues = values.map((v, i) => {
    const id = i + 1;
    const object: AcFieldValue = {
      contact: String(v.contact.id),
      field: String(v.field),
      value: v.value,
      cdate: ctx.iso(v.cdateMs),
      udate: ctx.iso(v.udateMs),
      created_by: null,
      updated_by: null,
      links: linksFor(ctx, 'fieldValues', id, ['owner', 'field']),
      id: String(id),
      owner: String(v.contact.id),
    };
    return { id, cdateMs: v.cdateMs, udateMs: v.udateMs, object };
  });
  return { fields, fieldValues };
}
