import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activecampaignSource } from '../../../activities/sources/activecampaign/spec';
import { nextToken, pageUrl } from '../../../activities/sources/pager';
import { readPath } from '../../../activities/sources/read-path';
import type { StreamSpec } from '../../../activities/sources/spec';
import type { ConnectionConfig } from '../../../lib/config-schema';
import { PROJECT_ROOT } from '../../../lib/paths';

// Fixtures are ActiveCampaign's own documented answers (see test/fixtures/activecampaign/README.md),
// one list answer per stream, read through the stream's own `recordsPath`.
const fixture = (stream: string): unknown =>
  JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'activecampaign', `${stream}.json`), 'utf8'));
const recordsOf = (stream: StreamSpec) => readPath(fixture(stream.name), stream.recordsPath) as Record<string, unknown>[];
const stream = (name: string) => activecampaignSource.streams.find((s) => s.name === name)!;

const connection: ConnectionConfig = { id: 'ac', source: 'activecampaign', environment: 'live', base_url: 'https://acme.api-us1.com', credential_env: 'AC_KEY' };
const ids = (from: number, n: number) => Array.from({ length: n }, (_, i) => ({ id: String(from + i) }));

describe('ActiveCampaign stream schemas', () => {
  for (const s of activecampaignSource.streams) {
    it(`accept the documented ${s.name} answer`, () => {
      const records = recordsOf(s);
      expect(records.length, `records of ${s.name}`).toBeGreaterThan(0);
      for (const record of records) {
        const result = s.schema.safeParse(record);
        expect(result.success ? 'ok' : result.error.issues).toBe('ok');
        // Unread fields pass through: the raw lake keeps the whole object.
        expect(result.data).toEqual(record);
        expect(readPath(record, s.primaryKey)).toBeTruthy();
      }
    });
  }

  it('reject an order whose total is a decimal amount rather than cents', () => {
    const [order] = recordsOf(stream('ecom_orders'));
    expect(stream('ecom_orders').schema.safeParse({ ...order, totalPrice: '10.50' }).success).toBe(false);
  });

  it('reject a contact without an id', () => {
    const [{ id: _id, ...contact }] = recordsOf(stream('contacts')) as [{ id: string }];
    expect(stream('contacts').schema.safeParse(contact).success).toBe(false);
  });
});

describe('ActiveCampaign paging', () => {
  it('stops offset paging when the string meta.total is reached', () => {
    const tags = stream('tags');
    const full = Array.from({ length: 100 }, (_, i) => ({ id: String(i) }));
    expect(nextToken(activecampaignSource, { meta: { total: '250' } }, full, '100', tags)).toBe('200');
    expect(nextToken(activecampaignSource, { meta: { total: '200' } }, full, '100', tags)).toBeNull();
    expect(nextToken(activecampaignSource, fixture('tags'), recordsOf(tags), null, tags)).toBeNull();
  });

  it('asks lists for 100 records from the token offset', () => {
    const url = pageUrl({ source: activecampaignSource, stream: stream('field_values'), connection, window: { from: null, to: 1_800_000_000 }, pageToken: '300' });
    expect(url.origin + url.pathname).toBe('https://acme.api-us1.com/api/3/fieldValues');
    expect(url.searchParams.get('limit')).toBe('100');
    expect(url.searchParams.get('offset')).toBe('300');
  });

  it('pages contacts by id inside an updated-at window written as ISO instants', () => {
    const contacts = stream('contacts');
    const url = pageUrl({ source: activecampaignSource, stream: contacts, connection, window: { from: 1_700_000_000, to: 1_700_086_400 }, pageToken: '4821' });
    expect(url.pathname).toBe('/api/3/contacts');
    expect(url.searchParams.get('orders[id]')).toBe('ASC');
    expect(url.searchParams.get('id_greater')).toBe('4821');
    expect(url.searchParams.has('offset')).toBe(false);
    expect(url.searchParams.get('filters[updated_after]')).toBe('2023-11-14T22:13:20Z');
    expect(url.searchParams.get('filters[updated_before]')).toBe('2023-11-15T22:13:20Z');
    // A full page continues after its last id; a short one ends the stream.
    expect(nextToken(activecampaignSource, { meta: { total: '5000' } }, ids(4822, 100), '4821', contacts)).toBe('4921');
    expect(nextToken(activecampaignSource, { meta: { total: '5000' } }, ids(4922, 7), '4921', contacts)).toBeNull();
  });

  it('reads a first historical page without a lower bound', () => {
    const url = pageUrl({ source: activecampaignSource, stream: stream('contacts'), connection, window: { from: null, to: 1_700_000_000 }, pageToken: null });
    expect(url.searchParams.has('filters[updated_after]')).toBe(false);
    expect(url.searchParams.has('id_greater')).toBe(false);
  });

  it('reads both error envelopes into one line', () => {
    expect(activecampaignSource.describeError({ errors: [{ title: 'Not Found', detail: 'Contact not found' }] })).toBe('Not Found: Contact not found');
    expect(activecampaignSource.describeError({ message: 'No Result found for Tag with id 1' })).toBe('No Result found for Tag with id 1');
  });
});
