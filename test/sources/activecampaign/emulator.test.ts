import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  AC_STREAMS, buildAcData, CUSTOMER_TAG, PURCHASE_TAG_PREFIX, startActiveCampaignEmulator,
  type ActiveCampaignEmulator, type AcGroundTruth, type AcStream,
} from '../../../emulators/activecampaign';
import { startFacebookAdsEmulator } from '../../../emulators/facebook-ads';
import { DEFAULT_ANCHOR, generateWorld } from '../../../emulators/world';

const KEY = 'ac-suite-key-0123456789abcdef';
type AcObject = Record<string, unknown> & { id: string };
type AcList = Record<string, unknown> & { meta: { total: string } };

async function get<T = AcList>(url: string, path: string, key: string | null = KEY): Promise<{ status: number; headers: Headers; text: string; body: T }> {
  const response = await fetch(`${url}${path}`, { headers: key === null ? {} : { 'Api-Token': key } });
  const text = await response.text();
  let body: unknown = null;
  try {
    body = JSON.parse(text);
  } catch {
    body = null;
  }
  return { status: response.status, headers: response.headers, text, body: body as T };
}

/** Pages a list with limit=100 and offset until a short page, as a v3 client does. */
async function listAll(url: string, stream: string, params = ''): Promise<AcObject[]> {
  const out: AcObject[] = [];
  for (let offset = 0; ; offset += 100) {
    const { status, body } = await get(url, `/api/3/${stream}?limit=100&offset=${offset}${params}`);
    if (status !== 200) throw new Error(`${stream} answered ${status}`);
    const page = body[stream] as AcObject[];
    out.push(...page);
    if (page.length < 100) return out;
  }
}

const seconds = (iso: unknown): number => Date.parse(String(iso));

let emulator: ActiveCampaignEmulator;
let truth: AcGroundTruth;
const everything = new Map<AcStream, AcObject[]>();

beforeAll(async () => {
  emulator = await startActiveCampaignEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.1, apiKeys: [KEY], rateLimitPerSecond: 0 });
  truth = emulator.truth();
  for (const stream of AC_STREAMS) everything.set(stream, await listAll(emulator.url, stream));
});

afterAll(async () => {
  await emulator?.close();
});

const all = (stream: AcStream): AcObject[] => everything.get(stream)!;

describe('ActiveCampaign emulator lists', () => {
  it('pages through every list with limit and offset, returning exactly the ground-truth counts without duplicates', () => {
    for (const stream of AC_STREAMS) {
      const items = all(stream);
      expect(items.length, stream).toBe(truth.streams[stream].count);
      expect(new Set(items.map((o) => o.id)).size, stream).toBe(items.length);
      expect(items.every((o) => /^\d+$/.test(o.id)), stream).toBe(true);
    }
    expect(truth.streams.contacts.count).toBeGreaterThan(200);
    expect(truth.streams.ecomOrders.count).toBeGreaterThan(200);
  });

  it('wraps lists in the v3 envelope with the default limit of 20 and the total as a string', async () => {
    const { status, body } = await get(emulator.url, '/api/3/contacts');
    expect(status).toBe(200);
    expect((body.contacts as unknown[]).length).toBe(20);
    expect(body.meta.total).toBe(String(truth.streams.contacts.count));
    const { body: tags } = await get(emulator.url, '/api/3/tags');
    expect(Object.keys(tags).sort()).toEqual(['meta', 'tags']);
  });

  it('caps limit at 100 and treats an unreadable limit as the default', async () => {
    expect(((await get(emulator.url, '/api/3/contactTags?limit=500')).body.contactTags as unknown[]).length).toBe(100);
    expect(((await get(emulator.url, '/api/3/contactTags?limit=abc')).body.contactTags as unknown[]).length).toBe(20);
  });

  it('walks every contact once with orders[id]=ASC and id_greater, even though ids have gaps', async () => {
    const seen: string[] = [];
    let last = 0;
    for (;;) {
      const { body } = await get(emulator.url, `/api/3/contacts?orders%5Bid%5D=ASC&id_greater=${last}&limit=100`);
      const page = body.contacts as AcObject[];
      if (page.length === 0) break;
      seen.push(...page.map((c) => c.id));
      last = Number(page[page.length - 1]!.id);
    }
    expect(seen).toEqual(all('contacts').map((c) => c.id));
    const ids = seen.map(Number);
    expect(ids.some((id, i) => i > 0 && id - ids[i - 1]! > 1)).toBe(true);
  });

  it('filters contacts by filters[updated_after] inclusively and honours orders[udate]', async () => {
    const contacts = all('contacts');
    const pivot = [...contacts].sort((a, b) => seconds(a.udate) - seconds(b.udate))[Math.floor(contacts.length * 0.8)]!;
    const bound = encodeURIComponent(String(pivot.udate));
    const expected = contacts.filter((c) => seconds(c.udate) >= seconds(pivot.udate));
    const got = await listAll(emulator.url, 'contacts', `&filters%5Bupdated_after%5D=${bound}&orders%5Budate%5D=ASC`);
    expect(got.map((c) => c.id).sort()).toEqual(expected.map((c) => c.id).sort());
    expect(got.some((c) => c.id === pivot.id)).toBe(true);
    for (let i = 1; i < got.length; i++) expect(seconds(got[i]!.udate)).toBeGreaterThanOrEqual(seconds(got[i - 1]!.udate));
  });

  it('reads a bare date in filters as midnight in the account time zone (America/Chicago)', async () => {
    const contacts = all('contacts');
    const got = await listAll(emulator.url, 'contacts', '&filters%5Bcreated_after%5D=2025-07-01&filters%5Bcreated_before%5D=2025-09-30T23:59:59-05:00');
    const from = Date.parse('2025-07-01T05:00:00Z');
    const to = Date.parse('2025-10-01T04:59:59Z');
    const expected = contacts.filter((c) => seconds(c.cdate) >= from && seconds(c.cdate) <= to);
    expect(got.length).toBeGreaterThan(0);
    expect(got.map((c) => c.id)).toEqual(expected.map((c) => c.id));
  });

  it('orders contacts by cdate descending and reports the filtered total', async () => {
    const { body } = await get(emulator.url, '/api/3/contacts?orders%5Bcdate%5D=DESC&limit=5');
    const page = body.contacts as AcObject[];
    const newest = [...all('contacts')].sort((a, b) => seconds(b.cdate) - seconds(a.cdate) || Number(a.id) - Number(b.id)).slice(0, 5);
    expect(page.map((c) => c.id)).toEqual(newest.map((c) => c.id));
  });

  it('answers 400 for an unreadable date filter and silently ignores unknown filters', async () => {
    const bad = await get<{ errors: { title: string }[] }>(emulator.url, '/api/3/contacts?filters%5Bupdated_after%5D=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.errors[0]!.title).toBe('Bad Request');
    const ignored = await get(emulator.url, '/api/3/ecomOrders?filters%5Bupdated_after%5D=2026-10-01&filters%5Bnonsense%5D=1');
    expect(ignored.status).toBe(200);
    expect(ignored.body.meta.total).toBe(String(truth.streams.ecomOrders.count));
  });

  it('serves single objects under their singular key and 404s unknown ids in v3 wording', async () => {
    const contact = all('contacts')[3]!;
    const one = await get<{ contact: AcObject }>(emulator.url, `/api/3/contacts/${contact.id}`);
    expect(one.body.contact).toEqual(contact);
    const missing = await get<{ message: string }>(emulator.url, '/api/3/contacts/99999999');
    expect(missing.status).toBe(404);
    expect(missing.body.message).toBe('No Result found for Subscriber with id 99999999');
  });
});

describe('ActiveCampaign emulator tags, fields and Deep Data', () => {
  it('counts contacts per tag and "STATUS: Customer" contacts as the ground truth says', () => {
    const tagName = new Map(all('tags').map((t) => [t.id, String(t.tag)] as const));
    const byTag: Record<string, number> = {};
    for (const ct of all('contactTags')) byTag[tagName.get(String(ct.tag))!] = (byTag[tagName.get(String(ct.tag))!] ?? 0) + 1;
    for (const [name, n] of Object.entries(truth.tags.contacts_by_tag)) expect(byTag[name] ?? 0, name).toBe(n);
    for (const t of all('tags')) expect(t.subscriber_count).toBe(String(truth.tags.contacts_by_tag[String(t.tag)]));
    expect(truth.tags.customer_tagged_contacts).toBe(truth.tags.contacts_by_tag[CUSTOMER_TAG]);
    expect(Object.keys(truth.tags.contacts_by_tag).filter((n) => n.startsWith(PURCHASE_TAG_PREFIX)).length).toBeGreaterThan(3);
  });

  it('dates the customer tag at the first paid purchase, which Deep Data shows as the first completed order', () => {
    const customerTag = all('tags').find((t) => t.tag === CUSTOMER_TAG)!.id;
    const emailOf = new Map(all('contacts').map((c) => [c.id, String(c.email).trim().toLowerCase()] as const));
    const firstCompleted = new Map<string, number>();
    for (const o of all('ecomOrders')) {
      if (o.state !== 1) continue;
      const email = String(o.email);
      firstCompleted.set(email, Math.min(firstCompleted.get(email) ?? Infinity, seconds(o.orderDate)));
    }
    const tagged = all('contactTags').filter((ct) => ct.tag === customerTag);
    expect(tagged.length).toBe(truth.tags.customer_tagged_contacts);
    for (const ct of tagged) expect(seconds(ct.cdate), `contact ${ct.contact}`).toBe(firstCompleted.get(emailOf.get(String(ct.contact))!));
  });

  it('lists one contact\'s tags unpaged, and 404s an unknown contact', async () => {
    const counts = new Map<string, number>();
    for (const ct of all('contactTags')) counts.set(String(ct.contact), (counts.get(String(ct.contact)) ?? 0) + 1);
    const [contactId, n] = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]!;
    const { status, body } = await get<{ contactTags: AcObject[] }>(emulator.url, `/api/3/contacts/${contactId}/contactTags?limit=1`);
    expect(status).toBe(200);
    expect(body.contactTags.length).toBe(n);
    expect(n).toBeGreaterThan(1);
    expect((await get(emulator.url, '/api/3/contacts/99999999/contactTags')).status).toBe(404);
  });

  it('keeps some CRM emails cased or padded while normalized emails stay distinct', () => {
    const emails = all('contacts').map((c) => String(c.email));
    expect(new Set(emails.map((e) => e.trim().toLowerCase())).size).toBe(truth.people.distinct_normalized_contact_emails);
    expect(emails.filter((e) => e !== e.trim().toLowerCase()).length).toBe(truth.people.contacts_with_unnormalized_email);
    expect(truth.people.contacts_with_unnormalized_email).toBeGreaterThan(0);
    expect(truth.people.buyers_not_contacts).toBeGreaterThan(0);
    expect(truth.people.contacts_never_bought).toBeGreaterThan(0);
  });

  it('serves UTM field values per field, filterable by filters[fieldid]', async () => {
    const fields = all('fields');
    expect(fields.map((f) => f.title)).toEqual(Object.keys(truth.fields.values_by_field));
    for (const f of fields) {
      const { body } = await get(emulator.url, `/api/3/fieldValues?filters%5Bfieldid%5D=${f.id}&limit=1`);
      expect(body.meta.total, String(f.title)).toBe(String(truth.fields.values_by_field[String(f.title)]));
    }
  });

  it('uses the Facebook Ads emulator\'s campaign names for the Meta campaigns in UTM fields', async () => {
    const fb = await startFacebookAdsEmulator({ anchor: DEFAULT_ANCHOR, seed: 7, scale: 0.1 });
    try {
      const fbNames = new Set(fb.truth().campaigns.map((c) => c.name));
      const byField = new Map(all('fields').map((f) => [String(f.title), f.id] as const));
      const sourceOf = new Map(all('fieldValues').filter((v) => v.field === byField.get('UTM Source')).map((v) => [v.contact, String(v.value)] as const));
      const metaCampaigns = all('fieldValues')
        .filter((v) => v.field === byField.get('UTM Campaign') && ['facebook', 'instagram'].includes(sourceOf.get(v.contact) ?? ''))
        .map((v) => String(v.value));
      expect(metaCampaigns.length).toBeGreaterThan(0);
      for (const name of metaCampaigns) expect(fbNames.has(name), name).toBe(true);
      for (const c of fb.truth().campaigns.filter((c) => c.in_world)) expect(truth.fields.campaign_names).toContain(c.name);
    } finally {
      await fb.close();
    }
  });

  it('sums Deep Data order totals (integer cents) per currency as the ground truth does', () => {
    const totals: Record<string, number> = {};
    for (const o of all('ecomOrders')) {
      expect(Number.isInteger(o.totalPrice)).toBe(true);
      totals[String(o.currency).toLowerCase()] = (totals[String(o.currency).toLowerCase()] ?? 0) + Number(o.totalPrice);
    }
    expect(totals).toEqual(truth.ecom.order_total_by_currency);
    const products = all('ecomOrderProducts');
    expect(products.every((p) => /^\d+$/.test(String(p.price)))).toBe(true);
    expect(all('connections')).toHaveLength(1);
  });
});

describe('ActiveCampaign emulator time zone', () => {
  it('prints every timestamp with the Chicago offset in force at that instant, -05:00 in summer and -06:00 in winter', () => {
    const cdt = [
      [Date.parse('2024-03-10T08:00:00Z'), Date.parse('2024-11-03T07:00:00Z')],
      [Date.parse('2025-03-09T08:00:00Z'), Date.parse('2025-11-02T07:00:00Z')],
      [Date.parse('2026-03-08T08:00:00Z'), Date.parse('2026-11-01T07:00:00Z')],
    ];
    const stamps = [...all('contacts').flatMap((c) => [c.cdate, c.udate]), ...all('contactTags').map((c) => c.cdate), ...all('ecomOrders').map((o) => o.orderDate)].map(String);
    const offsets = new Set<string>();
    for (const s of stamps) {
      expect(s).toMatch(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}-0[56]:00$/);
      const ms = Date.parse(s);
      const summer = cdt.some(([from, to]) => ms >= from! && ms < to!);
      expect(s.slice(-6), s).toBe(summer ? '-05:00' : '-06:00');
      offsets.add(s.slice(-6));
    }
    expect([...offsets].sort()).toEqual(['-05:00', '-06:00']);
  });
});

describe('ActiveCampaign emulator auth, rate limit and faults', () => {
  let local: ActiveCampaignEmulator | undefined;
  afterEach(async () => {
    await local?.close();
    local = undefined;
  });

  it('answers 403 with {"message":"Forbidden"} when the Api-Token is missing or wrong', async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY] });
    for (const key of [null, 'wrong']) {
      const { status, body } = await get<{ message: string }>(local.url, '/api/3/contacts', key);
      expect(status).toBe(403);
      expect(body).toEqual({ message: 'Forbidden' });
    }
    expect((await get(local.url, '/api/3/contacts')).status).toBe(200);
  });

  it('allows 5 requests a second per account and answers 429 with Retry-After beyond that', async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY, 'second-key'] });
    const burst = await Promise.all(Array.from({ length: 12 }, (_, i) => fetch(`${local!.url}/api/3/tags`, { headers: { 'Api-Token': i % 2 ? KEY : 'second-key' } })));
    const ok = burst.filter((r) => r.status === 200);
    const limited = burst.filter((r) => r.status === 429);
    expect(ok.length).toBeGreaterThanOrEqual(5);
    expect(ok.length).toBeLessThan(8);
    expect(limited.length).toBeGreaterThan(0);
    expect(limited[0]!.headers.get('retry-after')).toBe('1');
    await new Promise((resolve) => setTimeout(resolve, 1000));
    expect((await get(local.url, '/api/3/tags')).status).toBe(200);
  });

  it("answers 429 with the Rate Limits page's headers: Retry-After, RateLimit-Limit and RateLimit-Remaining: 0", async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY], rateLimitPerSecond: 3, faults: { retryAfterSeconds: 30 } });
    const burst = await Promise.all(Array.from({ length: 8 }, () => get(local!.url, '/api/3/tags')));
    const limited = burst.filter((r) => r.status === 429);
    expect(limited.length).toBeGreaterThan(0);
    for (const r of limited) {
      expect({ retryAfter: r.headers.get('retry-after'), limit: r.headers.get('ratelimit-limit'), remaining: r.headers.get('ratelimit-remaining') }).toEqual({ retryAfter: '30', limit: '3', remaining: '0' });
    }
    // Answers let through say the account's limit and what is left of this second's budget.
    for (const r of burst.filter((a) => a.status === 200)) {
      expect(r.headers.get('ratelimit-limit')).toBe('3');
      expect(Number(r.headers.get('ratelimit-remaining'))).toBeOneOf([0, 1, 2]);
    }
  });

  it('fails the next requests with a 5xx HTML page through setFaults, then recovers', async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY], rateLimitPerSecond: 0 });
    local.setFaults({ failNextRequests: 2, failStatus: 502 });
    const first = await get(local.url, '/api/3/contacts');
    expect(first.status).toBe(502);
    expect(first.headers.get('content-type')).toMatch(/text\/html/);
    expect((await get(local.url, '/api/3/contacts')).status).toBe(502);
    expect((await get(local.url, '/api/3/contacts')).status).toBe(200);
  });

  it('answers 503 to every request during an outage, before checking the token', async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY], rateLimitPerSecond: 0 });
    const on = await fetch(`${local.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ outage: true }) });
    expect(((await on.json()) as { outage: boolean }).outage).toBe(true);
    expect((await get(local.url, '/api/3/contacts', null)).status).toBe(503);
    expect((await get(local.url, '/api/3/contacts')).status).toBe(503);
    expect((await get(local.url, '/_emulator/health', null)).status).toBe(200);
    local.setFaults({ outage: false });
    expect((await get(local.url, '/api/3/contacts')).status).toBe(200);
  });

  it('answers 503 only while the clock is inside the outage window', async () => {
    let now = Date.parse('2030-01-01T12:00:00Z');
    local = await startActiveCampaignEmulator({
      seed: 1, scale: 0.02, apiKeys: [KEY], rateLimitPerSecond: 0, now: () => now,
      faults: { outageWindow: { from: '2030-01-01T12:10:00Z', until: '2030-01-01T12:20:00Z' } },
    });
    expect((await get(local.url, '/api/3/tags')).status).toBe(200);
    now = Date.parse('2030-01-01T12:10:00Z');
    expect((await get(local.url, '/api/3/tags')).status).toBe(503);
    now = Date.parse('2030-01-01T12:19:59Z');
    expect((await get(local.url, '/api/3/tags')).status).toBe(503);
    now = Date.parse('2030-01-01T12:20:00Z');
    expect((await get(local.url, '/api/3/tags')).status).toBe(200);
  });

  it('rejects malformed fault settings with 400', async () => {
    local = await startActiveCampaignEmulator({ seed: 1, scale: 0.02, apiKeys: [KEY] });
    const r = await fetch(`${local.url}/_emulator/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ failStatus: 418 }) });
    expect(r.status).toBe(400);
  });
});

describe('ActiveCampaign emulator determinism', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('serves the same bytes for the same seed and different bytes for another seed', async () => {
    const paths = ['/api/3/contacts?limit=50&offset=40', '/api/3/fieldValues?limit=100&offset=100', '/api/3/ecomOrders?limit=30', '/api/3/contactTags?orders%5Bcdate%5D=DESC'];
    const a = await startActiveCampaignEmulator({ anchor: DEFAULT_ANCHOR, seed: 11, scale: 0.05, apiKeys: [KEY], rateLimitPerSecond: 0 });
    const b = await startActiveCampaignEmulator({ anchor: DEFAULT_ANCHOR, seed: 11, scale: 0.05, apiKeys: [KEY], rateLimitPerSecond: 0 });
    const c = await startActiveCampaignEmulator({ anchor: DEFAULT_ANCHOR, seed: 12, scale: 0.05, apiKeys: [KEY], rateLimitPerSecond: 0 });
    try {
      for (const p of paths) {
        const [ta, tb, tc] = await Promise.all([a, b, c].map(async (e) => (await get(e.url, p)).text));
        expect(tb, p).toBe(ta);
        expect(tc, p).not.toBe(ta);
      }
      expect(JSON.stringify(b.truth())).toBe(JSON.stringify(a.truth()));
    } finally {
      await Promise.all([a.close(), b.close(), c.close()]);
    }
  });

  it('builds the account without reading the real clock', () => {
    const world = generateWorld({ seed: 4, scale: 0.03 });
    const account = { accountName: 'cdpdemo', timeZone: 'America/Chicago' };
    const before = JSON.stringify(buildAcData(world, account), (_k, v: unknown) => (v instanceof Map ? [...v] : v));
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2033-05-06T07:08:09Z') });
    expect(JSON.stringify(buildAcData(world, account), (_k, v: unknown) => (v instanceof Map ? [...v] : v))).toBe(before);
  });

  it('reports the same ground truth over HTTP as truth()', async () => {
    const { body } = await get<AcGroundTruth>(emulator.url, '/_emulator/truth', null);
    expect(body).toEqual(truth);
  });
});
