import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../app/query';
import { appStorePath } from '../../server/store/open-app-store';
import { addUsers, ApiClient, buildEmptyWarehouse, serveWorkspace, writeSegmentFile, type ServedWorkspace } from './support';

// The web app's security over real HTTP: who may call what, CSRF, grants that expire or are
// revoked, and hostile text kept as text.

const ADMIN = 'admin@example.com';
const READER = 'reader@example.com';
const EDITOR = 'editor@example.com';
const OTHER = 'other@example.com';
const MAKER = 'maker@example.com';

let served: ServedWorkspace;
let admin: ApiClient;
let reader: ApiClient;
let editor: ApiClient;
let other: ApiClient;
// The served app's clock: the real one, moved on by tests of expiry.
let clockOffsetMs = 0;
const serverNowMs = () => Date.now() + clockOffsetMs;

beforeAll(async () => {
  served = await serveWorkspace({
    nowMs: serverNowMs,
    prepare: async (config) => {
      writeSegmentFile(config, 'vip', { environment: 'live', description: 'written with the CLI', rules: { has: 'tag', where: { field: 'tag', op: 'equals', value: 'VIP' } } });
      writeSegmentFile(config, 'big-spenders', { environment: 'live', rules: { all: [{ field: 'amount_spent', op: 'greater_than', value: 500 }] } });
      await buildEmptyWarehouse(config);
      await addUsers(config, [{ email: ADMIN }, { email: READER }, { email: EDITOR }, { email: OTHER }, { email: MAKER }]);
    },
  });
  [admin, reader, editor, other] = [ADMIN, READER, EDITOR, OTHER].map(() => new ApiClient(served.server.url)) as [ApiClient, ApiClient, ApiClient, ApiClient];
  for (const [client, email] of [[admin, ADMIN], [reader, READER], [editor, EDITOR], [other, OTHER]] as const) expect((await client.signIn(email)).status).toBe(200);
});

afterAll(async () => {
  await served?.close();
});

const sample = (url: string) => url.replace(':name', 'vip').replace(':email', 'reader%40example.com').replace(':id', 'crm').replace(':token', 'x'.repeat(43)).replace(':file', 'x.js');

describe('sessions', () => {
  it('refuses every route that is not public without a session, whatever the method', async () => {
    const anonymous = new ApiClient(served.server.url);
    const guarded = served.server.routes.filter((r) => r.access !== 'public');
    expect(guarded.length).toBeGreaterThan(15);
    for (const route of guarded) {
      const answer = await anonymous.call(route.method, sample(route.url), route.method === 'GET' ? undefined : {});
      expect(answer.status, `${route.method} ${route.url}`).toBe(401);
    }
    // The public ones are the page, sign-in and invitations, and none of them shows data.
    expect(served.server.routes.filter((r) => r.access === 'public').map((r) => `${r.method} ${r.url}`).sort()).toEqual([
      'GET /',
      'GET /api/invitations/:token',
      'GET /assets/:file',
      'POST /api/invitations/:token',
      'POST /api/session',
    ]);
  });

  it('refuses a wrong password and sets an HTTP-only, same-site session cookie on sign-in', async () => {
    const client = new ApiClient(served.server.url);
    expect((await client.signIn(ADMIN, 'not the password')).status).toBe(401);
    expect((await client.signIn('nobody@example.com')).status).toBe(401);
    const ok = await client.signIn(ADMIN);
    const cookie = ok.headers.get('set-cookie')!;
    expect(cookie).toMatch(/^cdp_session=/);
    expect(cookie).toMatch(/HttpOnly/i);
    expect(cookie).toMatch(/SameSite=Strict/i);
    expect(ok.body).not.toHaveProperty('user.passwordHash');
    // The store keeps a hash of the session token, never the token itself.
    const token = client.cookie.split('=')[1]!;
    expect(fs.readFileSync(appStorePath(served.config.layout)).includes(Buffer.from(token))).toBe(false);
    expect((await client.call('DELETE', '/api/session')).status).toBe(200);
    expect((await client.get('/api/segments')).status).toBe(401);
  });

  it('refuses forged cross-site requests: no CSRF token, a wrong one, another site as Origin, a form post', async () => {
    const create = (name: string) => ({ name, environment: 'live', rules: { field: 'orders_count', op: 'equals', value: 3 } });
    expect((await admin.call('POST', '/api/segments', create('forged-a'), { csrf: null })).status).toBe(403);
    expect((await admin.call('POST', '/api/segments', create('forged-b'), { csrf: 'a'.repeat(43) })).status).toBe(403);
    expect((await admin.call('POST', '/api/segments', create('forged-c'), { origin: 'https://evil.example' })).status).toBe(403);
    expect((await admin.call('DELETE', '/api/segments/vip', undefined, { csrf: null })).status).toBe(403);
    const form = await admin.call('POST', '/api/segments', undefined, { contentType: 'text/plain', rawBody: '{"name":"forged-d","rules":{"field":"orders_count","op":"equals","value":3}}' });
    expect(form.status).toBe(415);
    // Nor may another site sign someone in.
    expect((await new ApiClient(served.server.url).call('POST', '/api/session', { email: ADMIN, password: 'x' }, { origin: 'https://evil.example' })).status).toBe(403);
    for (const name of ['forged-a', 'forged-b', 'forged-c', 'forged-d']) expect(fs.existsSync(path.join(served.config.segmentsDir, `${name}.yaml`)), name).toBe(false);
    // The same request from the app's own page goes through.
    expect((await admin.call('POST', '/api/segments', create('three-orders'), { origin: served.server.url })).status).toBe(201);
  });
});

describe('segment permissions', () => {
  it('gives segment files to the admins, lets only members who may edit an environment make segments in it, and shows those to the admins as owned by others', async () => {
    const names = (list: Record<string, unknown>, tab = 'owned') => (list[tab] as { name: string }[]).map((s) => s.name);
    expect(names((await admin.get('/api/segments')).body)).toEqual(expect.arrayContaining(['vip', 'big-spenders', 'customers']));
    expect(names((await other.get('/api/segments')).body)).toEqual([]);
    expect((await other.get('/api/segments/vip')).status).toBe(404);
    const segment = { name: 'members-own', environment: 'live', rules: { field: 'in_crm', op: 'is_true' } };
    expect((await other.call('POST', '/api/segments', segment)).status).toBe(403);
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'members-own.yaml'))).toBe(false);

    expect((await admin.call('POST', '/api/access', { email: MAKER, environment: 'live', edit: true })).status).toBe(201);
    const maker = new ApiClient(served.server.url);
    expect((await maker.signIn(MAKER)).status).toBe(200);
    expect((await maker.call('POST', '/api/segments', { ...segment, environment: 'sandbox' })).status).toBe(403);
    expect((await maker.call('POST', '/api/segments', segment)).status).toBe(201);
    const makersList = (await maker.get('/api/segments')).body;
    expect(names(makersList)).toEqual(['members-own']);
    // The environment's other segments are the maker's to read and edit, not to delete.
    expect(names(makersList, 'shared')).toEqual(expect.arrayContaining(['vip', 'big-spenders', 'customers']));
    expect((await maker.call('DELETE', '/api/segments/vip')).status).toBe(403);
    const adminsList = (await admin.get('/api/segments')).body;
    expect(names(adminsList, 'ownedByOthers')).toEqual(['members-own']);
    expect(names(adminsList)).not.toContain('members-own');
    expect((await admin.get('/api/segments/members-own')).status).toBe(200);
    expect((await other.get('/api/segments/members-own')).status).toBe(404);
  });

  it('lets a reader see and export but not edit, delete, share, revoke or materialize', async () => {
    expect((await admin.call('POST', '/api/segments/vip/grants', { email: READER, read: true })).status).toBe(201);
    expect((await reader.get('/api/segments/vip')).status).toBe(200);
    expect((await reader.get('/api/segments/vip/members')).status).toBe(200);
    expect((await reader.get('/api/segments/vip/history')).status).toBe(200);
    const csv = await reader.get('/api/segments/vip/export?format=email');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-disposition')).toBe('attachment; filename="vip-email.csv"');
    expect(csv.text.trim()).toBe('name,phone,email');

    const before = fs.readFileSync(path.join(served.config.segmentsDir, 'vip.yaml'), 'utf8');
    expect((await reader.call('PUT', '/api/segments/vip', { environment: 'live', rules: { field: 'in_crm', op: 'is_true' } })).status).toBe(403);
    expect((await reader.call('DELETE', '/api/segments/vip')).status).toBe(403);
    expect((await reader.call('POST', '/api/segments/vip/materialize')).status).toBe(403);
    expect((await reader.get('/api/segments/vip/grants')).status).toBe(403);
    expect((await reader.call('POST', '/api/segments/vip/grants', { email: OTHER, read: true })).status).toBe(403);
    expect((await reader.call('DELETE', `/api/segments/vip/grants/${encodeURIComponent(READER)}`)).status).toBe(403);
    expect(fs.readFileSync(path.join(served.config.segmentsDir, 'vip.yaml'), 'utf8')).toBe(before);
    expect((await other.get('/api/segments/vip')).status).toBe(404);
  });

  it('lets an editor edit but not delete or share, and a deleter delete', async () => {
    expect((await admin.call('POST', '/api/segments/big-spenders/grants', { email: EDITOR, edit: true })).status).toBe(201);
    const edited = await editor.call('PUT', '/api/segments/big-spenders', { environment: 'live', rules: { all: [{ field: 'amount_spent', op: 'greater_than', value: 750 }] } });
    expect(edited.status).toBe(200);
    expect(parse(fs.readFileSync(path.join(served.config.segmentsDir, 'big-spenders.yaml'), 'utf8')).rules.all[0].value).toBe(750);
    expect((await editor.call('DELETE', '/api/segments/big-spenders')).status).toBe(403);
    expect((await editor.call('POST', '/api/segments/big-spenders/grants', { email: OTHER, read: true })).status).toBe(403);
    expect((await admin.call('POST', '/api/segments/big-spenders/grants', { email: EDITOR, delete: true })).status).toBe(201);
    expect((await editor.call('DELETE', '/api/segments/big-spenders')).status).toBe(200);
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'big-spenders.yaml'))).toBe(false);
  });

  it('refuses a revoked grant on the very next request', async () => {
    expect((await admin.call('POST', '/api/segments/three-orders/grants', { email: READER, read: true })).status).toBe(201);
    expect((await reader.get('/api/segments/three-orders')).status).toBe(200);
    expect((await admin.call('DELETE', `/api/segments/three-orders/grants/${encodeURIComponent(READER)}`)).status).toBe(200);
    expect((await reader.get('/api/segments/three-orders')).status).toBe(404);
    expect((await reader.get('/api/segments/three-orders/export?format=basic')).status).toBe(404);
  });

  it('refuses an expired grant, and lists it as expired to the owner', async () => {
    const expiresAtMs = serverNowMs() + 60 * 60_000;
    expect((await admin.call('POST', '/api/segments/three-orders/grants', { email: OTHER, read: true, expiresAt: new Date(expiresAtMs).toISOString() })).status).toBe(201);
    expect((await other.get('/api/segments/three-orders')).status).toBe(200);
    // The server's clock moves past the expiry: a minute before it the grant still holds, at it no more.
    clockOffsetMs += expiresAtMs - serverNowMs() - 60_000;
    try {
      expect((await other.get('/api/segments/three-orders')).status).toBe(200);
      clockOffsetMs += 60_000;
      expect((await other.get('/api/segments/three-orders')).status).toBe(404);
      expect((await other.get('/api/segments')).body.shared).toEqual([]);
      const grants = (await admin.get('/api/segments/three-orders/grants')).body.grants as { email: string; expired: boolean }[];
      expect(grants.find((g) => g.email === OTHER)).toMatchObject({ expired: true });
      expect((await admin.call('POST', '/api/segments/three-orders/grants', { email: OTHER, read: true, expiresAt: new Date(serverNowMs() - 1000).toISOString() })).status).toBe(422);
    } finally {
      clockOffsetMs = 0;
    }
  });

  it('answers a connection nobody configured with 404 for admins and members alike', async () => {
    expect((await reader.call('POST', '/api/connections/crm/sync', { mode: 'manual' })).status).toBe(404);
    expect((await reader.call('POST', '/api/connections/crm/schedule', { action: 'pause' })).status).toBe(404);
    expect((await admin.call('POST', '/api/connections/crm/sync', { mode: 'manual' })).status).toBe(404);
  });
});

describe('invitations', () => {
  it('shares with an unknown email through a link that creates the account once', async () => {
    const shared = await admin.call('POST', '/api/segments/vip/grants', { email: 'New.Person@Example.com', read: true });
    expect(shared.status).toBe(201);
    const link = String(shared.body.invitation);
    const token = link.split('#/invite/')[1]!;
    expect(link.startsWith(served.server.url)).toBe(true);
    const visitor = new ApiClient(served.server.url);
    expect((await visitor.get(`/api/invitations/${token}`)).body).toMatchObject({ email: 'new.person@example.com' });
    expect((await visitor.call('POST', `/api/invitations/${token}`, { name: 'New', password: 'short' })).status).toBe(422);
    const accepted = await visitor.call('POST', `/api/invitations/${token}`, { name: 'New Person', password: 'a long enough password' });
    expect(accepted.status).toBe(201);
    visitor.cookie = (accepted.headers.get('set-cookie') ?? '').split(';')[0]!;
    expect((await visitor.get('/api/segments/vip')).status).toBe(200);
    expect((await new ApiClient(served.server.url).call('POST', `/api/invitations/${token}`, { password: 'another long password' })).status).toBe(410);
    expect((await new ApiClient(served.server.url).signIn('new.person@example.com', 'a long enough password')).status).toBe(200);
  });
});

describe('invitations from someone who is not an admin', () => {
  it('store the grant without a link, so nobody can claim an email they do not own', async () => {
    const maker = new ApiClient(served.server.url);
    expect((await maker.signIn(MAKER)).status).toBe(200);
    const mine = { name: 'makers-list', environment: 'live', rules: { field: 'orders_count', op: 'equals', value: 3 } };
    expect((await maker.call('POST', '/api/segments', mine)).status).toBe(201);
    const shared = await maker.call('POST', '/api/segments/makers-list/grants', { email: 'unclaimed@example.com', read: true });
    expect(shared.status).toBe(201);
    expect(shared.body.invitation).toBeNull();
    expect(String(shared.body.note)).toContain('an admin');
    expect((await maker.get('/api/segments/makers-list/grants')).body.grants).toMatchObject([{ email: 'unclaimed@example.com', hasAccount: false }]);
  });
});

describe('hostile text', () => {
  const SQL = "x'); drop table core.customers; --";
  const HTML = '<img src=x onerror="alert(1)"><script>alert(2)</script>';

  it('stores SQL and HTML in a description and rule values as text, and runs them as bound values', async () => {
    const rules = { any: [{ field: 'email', op: 'contains', value: SQL }, { has: 'tag', where: { field: 'tag', op: 'equals', value: HTML } }] };
    const saved = await admin.call('POST', '/api/segments', { name: 'hostile', environment: 'live', description: HTML, rules });
    expect(saved.status).toBe(201);
    const file = parse(fs.readFileSync(path.join(served.config.segmentsDir, 'hostile.yaml'), 'utf8'));
    expect(file.description).toBe(HTML);
    expect(file.rules).toEqual(rules);
    const shown = await admin.get('/api/segments/hostile');
    expect(shown.headers.get('content-type')).toMatch(/^application\/json/);
    expect(shown.body).toMatchObject({ definition: { description: HTML, rules } });
    const preview = await admin.call('POST', '/api/segments/preview', { environment: 'live', rules });
    expect(preview.status).toBe(200);
    expect(preview.body.count).toBe(0);
    expect((await queryWarehouse(served.config.layout.warehouse, 'select count(*)::int as n from core.customers')).rows).toEqual([{ n: 0 }]);
  });

  it('refuses a segment name that is not a plain name, saving nothing', async () => {
    const answer = await admin.call('POST', '/api/segments', { name: SQL, environment: 'live', rules: { field: 'in_crm', op: 'is_true' } });
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([{ path: 'name', message: expect.stringContaining('lower-case letters') }]);
    expect(fs.readdirSync(served.config.segmentsDir).filter((f) => f.includes('drop'))).toEqual([]);
  });

  it('refuses an invalid rule with its path and saves nothing', async () => {
    const answer = await admin.call('POST', '/api/segments', {
      name: 'broken',
      environment: 'live',
      rules: { all: [{ field: 'amount_spent', op: 'bigger_than', value: 5 }, { any: [{ has: 'tags' }] }] },
    });
    expect(answer.status).toBe(422);
    expect(answer.body.problems).toEqual([
      { path: 'rules.all[0].op', message: expect.stringContaining('unknown operator "bigger_than"') },
      { path: 'rules.all[1].any[0].has', message: expect.stringContaining('unknown record kind "tags"') },
    ]);
    expect(fs.existsSync(path.join(served.config.segmentsDir, 'broken.yaml'))).toBe(false);
  });
});
