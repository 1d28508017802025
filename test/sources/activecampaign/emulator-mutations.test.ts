import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../../emulators/activecampaign';

const KEY = 'ac-mutations-key';
type AcObject = Record<string, string> & { id: string };

let em: ActiveCampaignEmulator;

beforeAll(async () => {
  em = await startActiveCampaignEmulator({ seed: 11, scale: 0.03, apiKeys: [KEY], rateLimitPerSecond: 0 });
});

afterAll(async () => {
  await em?.close();
});

async function get<T>(path: string): Promise<T> {
  const response = await fetch(`${em.url}${path}`, { headers: { 'Api-Token': KEY } });
  expect(response.status, path).toBe(200);
  return (await response.json()) as T;
}

async function mutate(body: unknown): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${em.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

/** Contacts the account says were updated since `sinceMs`, through the filter an incremental sync uses. */
async function updatedSince(sinceMs: number): Promise<AcObject[]> {
  const after = encodeURIComponent(new Date(sinceMs).toISOString());
  return (await get<{ contacts: AcObject[] }>(`/api/3/contacts?filters[updated_after]=${after}&limit=100`)).contacts;
}

describe('ActiveCampaign emulator changes made after a sync', () => {
  it('updates a contact\'s email and name now, so the updated_after filter finds it with its new udate', async () => {
    const [contact] = (await get<{ contacts: AcObject[] }>('/api/3/contacts?limit=1&orders[id]=ASC')).contacts;
    const before = em.truth();
    const startedMs = Date.now() - 1000;
    const answer = await mutate({ action: 'update_contact', id: Number(contact!.id), email: '  Moved.Contact@Example.COM ', firstName: 'Nova' });
    expect(answer.status).toBe(200);
    const updated = answer.body.contact as AcObject;
    expect(updated).toMatchObject({ id: contact!.id, email: '  Moved.Contact@Example.COM ', firstName: 'Nova', lastName: contact!.lastName, cdate: contact!.cdate });
    expect(Date.parse(updated.udate!)).toBeGreaterThanOrEqual(startedMs);
    expect(updated.udate).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[56]:00$/);
    expect(updated.updated_utc_timestamp).toBe(new Date(Date.parse(updated.udate!)).toISOString().slice(0, 19).replace('T', ' '));

    expect(await updatedSince(startedMs)).toEqual([updated]);
    expect((await get<{ contact: AcObject }>(`/api/3/contacts/${contact!.id}`)).contact).toEqual(updated);
    const after = em.truth();
    expect(after.streams.contacts.count).toBe(before.streams.contacts.count);
    expect(after.people.contacts_with_unnormalized_email).toBe(before.people.contacts_with_unnormalized_email + (contact!.email === contact!.email!.trim().toLowerCase() ? 1 : 0));
  });

  it('tags a contact now: a new contactTag in every list of tags, the tag\'s count and the contact\'s udate move with it', async () => {
    const tags = (await get<{ tags: AcObject[] }>('/api/3/tags?limit=100')).tags;
    const [contact] = (await get<{ contacts: AcObject[] }>('/api/3/contacts?limit=1&orders[id]=DESC')).contacts;
    const held = new Set((await get<{ contactTags: AcObject[] }>(`/api/3/contacts/${contact!.id}/contactTags`)).contactTags.map((ct) => ct.tag));
    const tag = tags.find((t) => !held.has(t.id))!;
    const before = em.truth();
    const startedMs = Date.now() - 1000;

    const answer = await mutate({ action: 'add_contact_tag', contact: contact!.id, tag: tag.id });
    expect(answer.status).toBe(200);
    const contactTag = answer.body.contactTag as AcObject;
    expect(contactTag).toMatchObject({ contact: contact!.id, tag: tag.id, id: String(before.streams.contactTags.count + 1) });
    expect(Date.parse(contactTag.cdate!)).toBeGreaterThanOrEqual(startedMs);

    const listed = await get<{ contactTags: AcObject[]; meta: { total: string } }>(`/api/3/contactTags?limit=100&offset=${before.streams.contactTags.count - 1}`);
    expect(listed.meta.total).toBe(String(before.streams.contactTags.count + 1));
    expect(listed.contactTags.at(-1)).toEqual(contactTag);
    expect((await get<{ contactTags: AcObject[] }>(`/api/3/contacts/${contact!.id}/contactTags`)).contactTags).toContainEqual(contactTag);
    expect((await get<{ contacts: AcObject[] }>(`/api/3/contacts?tagid=${tag.id}&limit=100&filters[updated_after]=${encodeURIComponent(new Date(startedMs).toISOString())}`)).contacts.map((c) => c.id)).toContain(contact!.id);
    expect((await get<{ tag: AcObject }>(`/api/3/tags/${tag.id}`)).tag.subscriber_count).toBe(String(Number(tag.subscriber_count) + 1));
    expect((await updatedSince(startedMs)).map((c) => c.id)).toContain(contact!.id);

    const after = em.truth();
    expect(after.streams.contactTags.count).toBe(before.streams.contactTags.count + 1);
    expect(after.tags.contacts_by_tag[tag.tag!]).toBe(before.tags.contacts_by_tag[tag.tag!]! + 1);
  });

  it('answers 400 in the v3 errors form for a body it cannot use and 404 in v3 wording for an unknown id', async () => {
    for (const body of [{}, { action: 'delete_contact', id: 1 }, { action: 'update_contact', id: 1 }, { action: 'update_contact', id: 'one', email: 'a@b.c' }, { action: 'add_contact_tag', contact: 1 }]) {
      const answer = await mutate(body);
      expect(answer.status, JSON.stringify(body)).toBe(400);
      expect(answer.body, JSON.stringify(body)).toEqual({ errors: [expect.objectContaining({ status: 400, title: 'Bad Request', detail: expect.stringMatching(/^Invalid mutation: /) })] });
    }
    expect(await mutate({ action: 'update_contact', id: 999_999, email: 'x@example.com' })).toEqual({ status: 404, body: { message: 'No Result found for Subscriber with id 999999' } });
    expect(await mutate({ action: 'add_contact_tag', contact: 1, tag: 999 })).toEqual({ status: 404, body: { message: 'No Result found for Tag with id 999' } });
    const [first] = (await get<{ contactTags: AcObject[] }>('/api/3/contactTags?limit=1')).contactTags;
    const again = await mutate({ action: 'add_contact_tag', contact: first!.contact, tag: first!.tag });
    expect(again.status).toBe(400);
  });
});
