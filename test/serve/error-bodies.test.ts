import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { removeUser } from '../../cli/commands/user-accounts';
import { withoutServerPaths } from '../../server/public-message';
import { addUsers, ApiClient, grantEnvironment, serveWorkspace, writeSegmentFile, type Answer, type ServedWorkspace } from './support';

// What a refusal gives away: no folder of the server in any 4xx body, the same answer for a segment
// someone may not see as for one that does not exist, and nothing left behind for an account that
// is removed and made again.

const ADMIN = 'admin@example.com';
const MEMBER = 'member@example.com';
const READER = 'reader@example.com';
const DEPUTY = 'deputy@example.com';
const MAKER = 'maker@example.com';

let served: ServedWorkspace;
let admin: ApiClient;
let member: ApiClient;
let reader: ApiClient;
let deputy: ApiClient;

beforeAll(async () => {
  served = await serveWorkspace({
    prepare: async (config) => {
      writeSegmentFile(config, 'vip', { environment: 'live', rules: { field: 'in_crm', op: 'is_true' } });
      writeSegmentFile(config, 'spenders', { environment: 'live', rules: { field: 'amount_spent', op: 'greater_than', value: 100 } });
      fs.writeFileSync(path.join(config.segmentsDir, 'broken.yaml'), 'environment: [live\n');
      await addUsers(config, [{ email: ADMIN }, { email: MEMBER }, { email: READER }, { email: DEPUTY, admin: true }, { email: MAKER }]);
      await grantEnvironment(config, MAKER, 'live', { edit: true });
    },
  });
  [admin, member, reader, deputy] = [ADMIN, MEMBER, READER, DEPUTY].map(() => new ApiClient(served.server.url)) as [ApiClient, ApiClient, ApiClient, ApiClient];
  for (const [client, email] of [[admin, ADMIN], [member, MEMBER], [reader, READER], [deputy, DEPUTY]] as const) expect((await client.signIn(email)).status).toBe(200);
});

afterAll(async () => {
  await served?.close();
});

describe('4xx bodies', () => {
  it('name no folder of the server, even for errors that the CLI reports with the file', async () => {
    // Each ApiClient call also checks every 4xx it gets for the test's folders (support.ts).
    const answers: Answer[] = [
      await admin.call('DELETE', '/api/segments/no-such-segment'),
      await admin.get('/api/segments/broken'),
      await admin.call('POST', '/api/segments', { name: 'vip', environment: 'live', rules: { field: 'in_crm', op: 'is_true' } }),
      await admin.call('POST', '/api/segments/no-such-segment/grants', { email: READER, read: true }),
      await admin.call('POST', '/api/connections/nope/sync', { mode: 'manual' }),
      await admin.call('PUT', '/api/segments/no-such-segment', { environment: 'live', rules: { field: 'in_crm', op: 'is_true' } }),
    ];
    for (const answer of answers) {
      expect(answer.status).toBeGreaterThanOrEqual(400);
      expect(answer.status).toBeLessThan(500);
      expect(answer.text).not.toContain(served.ws.dir);
      expect(answer.text).not.toMatch(/(^|[\s"'(])\/(tmp|home|root|work|usr|var|etc)\//);
    }
    expect(answers[0]!.status).toBe(404);
  });

  it('show the admins the invalid files by their place in the project, not on the disk', async () => {
    const invalid = (await admin.get('/api/segments')).body.invalid as string[];
    expect(invalid).toEqual([expect.stringMatching(/^segments\/broken\.yaml: not valid YAML/)]);
    const deleted = await admin.call('DELETE', '/api/segments/spenders');
    expect(deleted.status).toBe(200);
    expect(deleted.body.message).toBe('deleted segments/spenders.yaml with its members and membership history; a new segment of this name starts empty');
  });

  it('make paths relative to the project, and cut any other absolute path to its file name', () => {
    const config = served.config;
    const inside = path.join(path.dirname(config.file), 'segments', 'vip.yaml');
    expect(withoutServerPaths(config, `segment file ${inside} not found`)).toBe('segment file segments/vip.yaml not found');
    expect(withoutServerPaths(config, 'cannot read /etc/cdp/secret.yaml (/var/lib/x): see http://example.com/a/b')).toBe('cannot read secret.yaml (x): see http://example.com/a/b');
    expect(withoutServerPaths(config, 'read/edit and 1/2 stay')).toBe('read/edit and 1/2 stay');
  });
});

describe('segment names', () => {
  it('answer someone without access to a segment exactly as for a segment that does not exist', async () => {
    const routes: [string, string, unknown?][] = [
      ['GET', '/api/segments/:name'],
      ['PUT', '/api/segments/:name', { environment: 'live', rules: { field: 'in_crm', op: 'is_true' } }],
      ['DELETE', '/api/segments/:name'],
      ['POST', '/api/segments/:name/materialize'],
      ['GET', '/api/segments/:name/members'],
      ['GET', '/api/segments/:name/history'],
      ['GET', '/api/segments/:name/export?format=basic'],
      ['GET', '/api/segments/:name/grants'],
      ['POST', '/api/segments/:name/grants', { email: READER, read: true }],
      ['DELETE', `/api/segments/:name/grants/${encodeURIComponent(READER)}`],
    ];
    for (const [method, url, body] of routes) {
      const hidden = await member.call(method, url.replace(':name', 'vip'), body);
      const missing = await member.call(method, url.replace(':name', 'zz-nothing'), body);
      expect(hidden.status, `${method} ${url}`).toBe(404);
      expect({ status: missing.status, body: missing.text.replace('zz-nothing', 'vip') }, `${method} ${url}`).toEqual({ status: hidden.status, body: hidden.text });
    }
  });

  it('refuse a taken name with one answer, whoever holds it', async () => {
    const maker = new ApiClient(served.server.url);
    expect((await maker.signIn(MAKER)).status).toBe(200);
    const create = (client: ApiClient, name: string) => client.call('POST', '/api/segments', { name, environment: 'live', rules: { field: 'in_crm', op: 'is_true' } });
    expect((await create(maker, 'members-own')).status).toBe(201);
    const takenByAdmins = await create(maker, 'vip');
    const takenByMe = await create(maker, 'members-own');
    expect(takenByAdmins.status).toBe(409);
    expect(takenByAdmins.body).toEqual({ error: 'the name "vip" is not available; pick another name', problems: [{ path: 'name', message: 'this name is taken' }] });
    expect({ status: takenByMe.status, text: takenByMe.text.replace('members-own', 'vip') }).toEqual({ status: takenByAdmins.status, text: takenByAdmins.text });
  });
});

describe('removing a user', () => {
  it('removes the grants and invitations made to them, so an account made again for that email sees nothing shared', async () => {
    expect((await admin.call('POST', '/api/segments/vip/grants', { email: READER, read: true, edit: true })).status).toBe(201);
    expect((await reader.get('/api/segments/vip')).status).toBe(200);
    expect(await removeUser(served.config, READER)).toMatch(/^removed reader@example\.com: /);
    expect((await reader.get('/api/segments/vip')).status).toBe(401);
    expect((await admin.get('/api/segments/vip/grants')).body.grants).toEqual([]);

    await addUsers(served.config, [{ email: READER }]);
    const again = new ApiClient(served.server.url);
    expect((await again.signIn(READER)).status).toBe(200);
    expect((await again.get('/api/segments')).body).toMatchObject({ owned: [], shared: [] });
    expect((await again.get('/api/segments/vip')).status).toBe(404);
  });

  it('voids an invitation to a removed account, which would otherwise make it again with its grants', async () => {
    const shared = await admin.call('POST', '/api/segments/vip/grants', { email: 'late@example.com', read: true });
    const token = String(shared.body.invitation).split('#/invite/')[1]!;
    await addUsers(served.config, [{ email: 'late@example.com' }]);
    await removeUser(served.config, 'late@example.com');
    const visitor = new ApiClient(served.server.url);
    expect((await visitor.get(`/api/invitations/${token}`)).status).toBe(410);
    expect((await visitor.call('POST', `/api/invitations/${token}`, { name: 'Late', password: 'a long enough password' })).status).toBe(410);
  });

  it('voids the unused invitation links a removed admin sent', async () => {
    const shared = await deputy.call('POST', '/api/segments/vip/grants', { email: 'friend@example.com', read: true });
    const token = String(shared.body.invitation).split('#/invite/')[1]!;
    expect((await new ApiClient(served.server.url).get(`/api/invitations/${token}`)).status).toBe(200);
    await removeUser(served.config, DEPUTY);
    expect((await new ApiClient(served.server.url).get(`/api/invitations/${token}`)).status).toBe(410);
  });
});
