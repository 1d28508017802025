import { hash32, restyleEmail, type Person, type Rng } from '../../world/index.js';
import type { AcContact, AcRecord } from './ac-data.js';
import { linksFor, type AcContext } from './ac-context.js';

/** A contact while the account is being assembled; `udateMs` grows as tags and field values land on it. */
export interface ContactDraft {
  id: number;
  person: Person;
  /** The address as the CRM holds it (sometimes upper-cased, capitalised or padded by forms and imports). */
  email: string;
  firstName: string;
  lastName: string;
  phone: string;
  cdateMs: number;
  udateMs: number;
}

const CONTACT_SHARE = 0.85;
const EMAIL_STYLE_WEIGHTS = { canonical: 90, upper_case: 3, mixed_case: 3, padded: 4 } as const;
const CONTACT_LINKS = [
  'bounceLogs', 'contactAutomations', 'contactData', 'contactGoals', 'contactLists', 'contactLogs', 'contactTags', 'contactDeals',
  'deals', 'fieldValues', 'geoIps', 'notes', 'organization', 'plusAppend', 'trackingLogs', 'scoreValues', 'accountContacts', 'automationEntryCounts',
] as const;

/** Chooses which people are contacts and how the CRM wrote them; ids rise with creation time and skip some numbers, as deletions leave gaps. */
export function draftContacts(people: readonly Person[], rng: Rng): { drafts: ContactDraft[]; buyersNotContacts: number } {
  const chosen: { person: Person; style: keyof typeof EMAIL_STYLE_WEIGHTS; keepNames: boolean; withPhone: boolean }[] = [];
  let buyersNotContacts = 0;
  for (const person of people) {
    const isContact = rng.chance(CONTACT_SHARE);
    const style = rng.weighted(EMAIL_STYLE_WEIGHTS);
    const keepNames = rng.chance(0.95);
    const withPhone = rng.chance(0.6);
    if (isContact) chosen.push({ person, style, keepNames, withPhone });
    else if (person.orders.some((o) => o.outcome === 'paid')) buyersNotContacts++;
  }
  chosen.sort((a, b) => Date.parse(a.person.created_at) - Date.parse(b.person.created_at) || (a.person.person_id < b.person.person_id ? -1 : 1));
  let nextId = 1;
  const drafts = chosen.map(({ person, style, keepNames, withPhone }) => {
    if (rng.chance(0.05)) nextId += rng.int(1, 3);
    const cdateMs = Date.parse(person.created_at);
    return {
      id: nextId++,
      person,
      email: style === 'canonical' ? person.email : restyleEmail(person.email, style),
      firstName: keepNames ? person.first_name : '',
      lastName: keepNames ? person.last_name : '',
      phone: withPhone ? person.phone : '',
      cdateMs,
      udateMs: cdateMs,
    };
  });
  return { drafts, buyersNotContacts };
}

function hexHash(seed: number, id: number): string {
  let out = '';
  let h = hash32(seed, id);
  for (let i = 0; i < 4; i++) {
    out += h.toString(16).padStart(8, '0');
    h = hash32(h, id + i + 1);
  }
  return out;
}

/** The contact as GET /api/3/contacts prints it. */
export function contactRecord(d: ContactDraft, ctx: AcContext, seed: number): AcRecord<AcContact> {
  const object: AcContact = {
    cdate: ctx.iso(d.cdateMs),
    email: d.email,
    phone: d.phone,
    firstName: d.firstName,
    lastName: d.lastName,
    orgid: '0',
    orgname: '',
    segmentio_id: '',
    bounced_hard: '0',
    bounced_soft: '0',
    bounced_date: null,
    ip: '0',
    ua: null,
    hash: hexHash(seed, d.id),
    socialdata_lastcheck: null,
    email_local: '',
    email_domain: '',
    sentcnt: '0',
    rating_tstamp: null,
    gravatar: '0',
    deleted: '0',
    anonymized: '0',
    adate: null,
    udate: ctx.iso(d.udateMs),
    edate: null,
    deleted_at: null,
    created_utc_timestamp: ctx.sqlUtc(d.cdateMs),
    updated_utc_timestamp: ctx.sqlUtc(d.udateMs),
    created_timestamp: ctx.sql(d.cdateMs),
    updated_timestamp: ctx.sql(d.udateMs),
    created_by: null,
    updated_by: null,
    email_empty: false,
    mpp_tracking: '0',
    scoreValues: [],
    accountContacts: [],
    links: linksFor(ctx, 'contacts', d.id, CONTACT_LINKS),
    id: String(d.id),
    organization: null,
  };
  return { id: d.id, cdateMs: d.cdateMs, udateMs: d.udateMs, object };
}
