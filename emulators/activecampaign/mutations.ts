import { z } from 'zod';
import { numericIdSchema as idSchema } from '../http/mutation-input.js';
import type { AcContact, AcContactTag, AcData, AcRecord } from './build/ac-data.js';
import { acContext, linksFor } from './build/ac-context.js';
import { recordById } from './collection.js';
import { badBody, noResult } from './errors.js';

/** Changes a test can make to the account after a sync, as a user or an automation would make them. */
export const acMutationSchema = z.discriminatedUnion('action', [
  z
    .strictObject({
      action: z.literal('update_contact'),
      id: idSchema,
      email: z.string().optional(),
      firstName: z.string().optional(),
      lastName: z.string().optional(),
      phone: z.string().optional(),
    })
    .refine((m) => [m.email, m.firstName, m.lastName, m.phone].some((v) => v !== undefined), { message: 'name at least one of email, firstName, lastName, phone' }),
  z.strictObject({ action: z.literal('add_contact_tag'), contact: idSchema, tag: idSchema }),
]);
export type AcMutation = z.infer<typeof acMutationSchema>;

/** What a mutation changed: the objects to serve afresh and the answer, as the matching v3 write would give it. */
export interface AcMutationResult {
  changed: AcRecord<unknown>[];
  body: Record<string, unknown>;
}

/** Moves a contact's udate (and its printed update times) to `nowMs`, as any edit or tagging does. */
function touchContact(data: AcData, contact: AcRecord<AcContact>, nowMs: number): void {
  const ctx = acContext(data.accountName, data.timeZone);
  contact.udateMs = nowMs;
  contact.object.udate = ctx.iso(nowMs);
  contact.object.updated_timestamp = ctx.sql(nowMs);
  contact.object.updated_utc_timestamp = ctx.sqlUtc(nowMs);
}

/**
 * Applies a mutation at `nowMs`, the real clock: the account's history ends at its anchor, and a
 * change made by a test happens now, so the date filters of the next sync find it.
 */
export function applyAcMutation(data: AcData, m: AcMutation, nowMs: number): AcMutationResult {
  switch (m.action) {
    case 'update_contact': {
      const contact = recordById(data.contacts, m.id);
      if (!contact) throw noResult('Subscriber', String(m.id));
      if (m.email !== undefined) contact.object.email = m.email;
      if (m.firstName !== undefined) contact.object.firstName = m.firstName;
      if (m.lastName !== undefined) contact.object.lastName = m.lastName;
      if (m.phone !== undefined) contact.object.phone = m.phone;
      touchContact(data, contact, nowMs);
      return { changed: [contact], body: { contact: contact.object } };
    }
    case 'add_contact_tag': {
      const contact = recordById(data.contacts, m.contact);
      if (!contact) throw noResult('Subscriber', String(m.contact));
      const tag = recordById(data.tags, m.tag);
      if (!tag) throw noResult('Tag', String(m.tag));
      if (data.contactTags.some((ct) => ct.object.contact === contact.object.id && ct.object.tag === tag.object.id)) {
        throw badBody('/contactTag/tag', `Contact ${m.contact} already has tag ${m.tag}`);
      }
      const ctx = acContext(data.accountName, data.timeZone);
      const id = (data.contactTags.at(-1)?.id ?? 0) + 1;
      const object: AcContactTag = {
        contact: contact.object.id,
        tag: tag.object.id,
        cdate: ctx.iso(nowMs),
        created_timestamp: ctx.sql(nowMs),
        updated_timestamp: ctx.sql(nowMs),
        created_by: null,
        updated_by: null,
        links: linksFor(ctx, 'contactTags', id, ['tag', 'contact']),
        id: String(id),
      };
      const contactTag: AcRecord<AcContactTag> = { id, cdateMs: nowMs, udateMs: nowMs, object };
      data.contactTags.push(contactTag);
      tag.object.subscriber_count = String(Number(tag.object.subscriber_count) + 1);
      touchContact(data, contact, nowMs);
      return { changed: [contact, tag], body: { contactTag: object } };
    }
  }
}
