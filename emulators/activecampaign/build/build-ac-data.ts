import { deriveSeed, Rng, type World } from '../../world/index.js';
import type { AcData } from './ac-data.js';
import { acContext } from './ac-context.js';
import { contactRecord, draftContacts } from './build-contacts.js';
import { buildEcom } from './build-ecom.js';
import { buildFields } from './build-fields.js';
import { buildTags } from './build-tags.js';

export interface AcAccountOptions {
  /** The `<account>` in `https://<account>.api-us1.com`, used in served links. */
  accountName: string;
  /** IANA zone the account prints times in. */
  timeZone: string;
}

/** Turns a world into the objects of one ActiveCampaign account; the same world and options always give the same objects. */
export function buildAcData(world: World, account: AcAccountOptions): AcData {
  const anchorMs = Date.parse(world.anchor);
  const ctx = acContext(account.accountName, account.timeZone);
  const rng = new Rng(deriveSeed(world.seed, 'activecampaign'));
  const { drafts, buyersNotContacts } = draftContacts(world.people, rng);
  // Tags and field values move each contact's udate forward, so contacts are printed last.
  const { tags, contactTags } = buildTags(world.catalog, drafts, rng, ctx, anchorMs);
  const { fields, fieldValues } = buildFields(drafts, ctx, anchorMs);
  const ecom = buildEcom(drafts, world.catalog, new Rng(deriveSeed(world.seed, 'activecampaign-ecom')), ctx, anchorMs);
  return {
    seed: world.seed,
    scale: world.scale,
    anchor: world.anchor,
    accountName: account.accountName,
    timeZone: account.timeZone,
    contacts: drafts.map((d) => contactRecord(d, ctx, world.seed)),
    tags,
    contactTags,
    fields,
    fieldValues,
    ...ecom,
    contactPerson: new Map(drafts.map((d) => [d.id, d.person.person_id] as const)),
    buyersNotContacts,
  };
}
