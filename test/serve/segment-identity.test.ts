import { parse as parseCsv } from 'csv-parse/sync';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse, stringify } from 'yaml';
import type { LoadedConfig } from '../../lib/config';
import { EXPORT_FORMATS } from '../../lib/segments/audience';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { storeRows } from '../support/segment-store-rows';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { withAppStore } from '../../server/store/open-app-store';
import { EVERY_DOE, landKnownPeople, NOBODY, SHOP_CONNECTION, THE_DOES } from '../support/known-customers';
import { addUsers, ApiClient, grantEnvironment, serveWorkspace, type Answer, type ServedWorkspace } from './support';

// The name-reuse attack over a real `cdp serve`: user A makes `vip-list`, shares it, it is
// materialized with people the test landed, A deletes it, and user B makes `vip-list` matching
// nobody. B must get nothing of A's: no member, no history row, no export row, no grant. Temporal
// does not run here, so materializing calls the library as the build workflow's activity does.

const ADMIN = 'admin@example.com';
const USER_A = 'a@example.com';
const USER_B = 'b@example.com';
const USER_C = 'c@example.com';

const EMAILS = THE_DOES.map((p) => p.email).sort();

let served: ServedWorkspace;
let admin: ApiClient;
let userA: ApiClient;
let userB: ApiClient;
let userC: ApiClient;

beforeAll(async () => {
  served = await serveWorkspace({
    connections: [SHOP_CONNECTION],
    prepare: async (config) => {
      await landKnownPeople(config, THE_DOES);
      fs.mkdirSync(config.segmentsDir, { recursive: true });
      fs.writeFileSync(path.join(config.segmentsDir, 'short-ext.yml'), stringify({ environment: 'live', rules: EVERY_DOE }));
      await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
      await addUsers(config, [{ email: ADMIN }, { email: USER_A }, { email: USER_B }, { email: USER_C }]);
      // A and B may make segments of the live customers; C sees only what is shared with them.
      for (const email of [USER_A, USER_B]) await grantEnvironment(config, email, 'live', { edit: true });
    },
  });
  [admin, userA, userB, userC] = [ADMIN, USER_A, USER_B, USER_C].map(() => new ApiClient(served.server.url)) as [ApiClient, ApiClient, ApiClient, ApiClient];
  for (const [client, email] of [[admin, ADMIN], [userA, USER_A], [userB, USER_B], [userC, USER_C]] as const) expect((await client.signIn(email)).status).toBe(200);
}, 180_000);

afterAll(async () => {
  await served?.close();
});

/** Fails when an answer names any of the landed people. */
function expectNoPerson(answer: Answer, what: string): void {
  for (const person of THE_DOES) {
    expect(answer.text.toLowerCase(), what).not.toContain(person.email);
    expect(answer.text, what).not.toContain(`${person.first} ${person.last}`);
  }
}

/** Stored history rows and runs of a segment name, whatever its id, read from the lake with an engine of the test's own. */
async function storedRowsNamed(config: LoadedConfig, name: string): Promise<number> {
  return (await storeRows(config, 'history', name)).length + (await storeRows(config, 'runs', name)).length;
}

const emailsOf = (answer: Answer) => ((answer.body.rows ?? []) as { email: string }[]).map((r) => r.email).sort();

describe('a segment name used again', () => {
  let oldId: string;

  it("A's vip-list is materialized with the landed people and shared with C", async () => {
    expect((await userA.call('POST', '/api/segments', { name: 'vip-list', environment: 'live', rules: EVERY_DOE })).status).toBe(201);
    expect((await userA.call('POST', '/api/segments/vip-list/grants', { email: USER_C, read: true })).status).toBe(201);
    await materializeSegments(served.config);
    const members = await userA.get('/api/segments/vip-list/members?sort=email&dir=asc');
    expect(members.status).toBe(200);
    expect(members.body.total).toBe(THE_DOES.length);
    expect(emailsOf(members)).toEqual(EMAILS);
    expect((await userA.get('/api/segments/vip-list/history')).body.total).toBe(THE_DOES.length);
    expect(parseCsv((await userA.get('/api/segments/vip-list/export?format=email')).text, { columns: true })).toHaveLength(THE_DOES.length);
    expect(emailsOf(await userC.get('/api/segments/vip-list/members'))).toEqual(EMAILS);
    oldId = String(((await userA.get('/api/segments/vip-list')).body.definition as { id: string }).id);
    expect(oldId).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('A deletes it, and its rows go with it', async () => {
    const deleted = await userA.call('DELETE', '/api/segments/vip-list');
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toBe('deleted segments/vip-list.yaml with its members and membership history; a new segment of this name starts empty');
    expect(await storedRowsNamed(served.config, 'vip-list')).toBe(0);
  });

  it("B cannot give a new vip-list A's id, at creation or by an edit", async () => {
    const claimed = await userB.call('POST', '/api/segments', { name: 'vip-list', id: oldId, environment: 'live', rules: NOBODY });
    expect(claimed.status).toBe(400);
    expect(claimed.body.problems).toEqual([{ path: 'id', message: "a segment's id is given by cdp and never changes; leave it out" }]);
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'vip-list.yaml'))).toBe(false);

    expect((await userB.call('POST', '/api/segments', { name: 'vip-list', environment: 'live', rules: NOBODY })).status).toBe(201);
    const file = path.join(served.config.segmentsDir, 'vip-list.yaml');
    const newId = (parse(fs.readFileSync(file, 'utf8')) as { id: string }).id;
    expect(newId).toMatch(/^[0-9a-f-]{36}$/);
    expect(newId).not.toBe(oldId);
    expect((await userB.call('PUT', '/api/segments/vip-list', { id: oldId, environment: 'live', rules: NOBODY })).status).toBe(400);
    expect((await userB.call('PUT', '/api/segments/vip-list', { environment: 'live', description: 'still nobody', rules: NOBODY })).status).toBe(200);
    expect(parse(fs.readFileSync(file, 'utf8'))).toMatchObject({ id: newId, description: 'still nobody' });
  });

  it("B's vip-list shows none of A's members before its first materialization", async () => {
    for (const url of ['/api/segments/vip-list/members', '/api/segments/vip-list/history', ...EXPORT_FORMATS.map((f) => `/api/segments/vip-list/export?format=${f}`)]) {
      const answer = await userB.get(url);
      expect(answer.status, url).toBe(409);
      expectNoPerson(answer, url);
    }
    const info = await userB.get('/api/segments/vip-list');
    expect(info.body).toMatchObject({ owner: USER_B, members: null, materializedAt: null });
  });

  it("B's materialized vip-list has no member, no history row and exports only headers", async () => {
    await materializeSegments(served.config);
    const members = await userB.get('/api/segments/vip-list/members');
    expect(members.status).toBe(200);
    expect(members.body).toMatchObject({ total: 0, rows: [] });
    const history = await userB.get('/api/segments/vip-list/history');
    expect(history.status).toBe(200);
    expect(history.body).toMatchObject({ total: 0, rows: [] });
    for (const format of EXPORT_FORMATS) {
      const csv = await userB.get(`/api/segments/vip-list/export?format=${format}`);
      expect(csv.status, format).toBe(200);
      expect(csv.text.trim().split('\n'), format).toHaveLength(1);
      expect(parseCsv(csv.text, { columns: true }), format).toEqual([]);
      expectNoPerson(csv, format);
    }
    expect((await userB.get('/api/segments/vip-list')).body).toMatchObject({ members: 0 });
  });

  it("B holds none of the grants A made: C sees nothing of B's vip-list", async () => {
    const grants = await userB.get('/api/segments/vip-list/grants');
    expect(grants.status).toBe(200);
    expect(grants.body.grants).toEqual([]);
    expect((await userC.get('/api/segments/vip-list')).status).toBe(404);
    const members = await userC.get('/api/segments/vip-list/members');
    expect(members.status).toBe(404);
    expectNoPerson(members, 'members');
    expect((await userC.get('/api/segments')).body.shared).toEqual([]);
  });
});

describe('deleting a .yml segment in the app', () => {
  it('deletes the file and its rows, and forgets its grants', async () => {
    await materializeSegments(served.config);
    expect(emailsOf(await admin.get('/api/segments/short-ext/members?sort=email&dir=asc'))).toEqual(EMAILS);
    expect((await admin.call('POST', '/api/segments/short-ext/grants', { email: USER_C, read: true })).status).toBe(201);

    const deleted = await admin.call('DELETE', '/api/segments/short-ext');
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toBe('deleted segments/short-ext.yml with its members and membership history; a new segment of this name starts empty');
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'short-ext.yml'))).toBe(false);
    expect(await storedRowsNamed(served.config, 'short-ext')).toBe(0);
    // A file without an id is identified by its name: the grant made on it is gone with it.
    expect(await withAppStore(served.config, (store) => store.grantsOfSegment('short-ext'))).toEqual([]);
    expect((await admin.get('/api/segments/short-ext')).status).toBe(404);
  });
});
