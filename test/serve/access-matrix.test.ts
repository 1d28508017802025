import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LoadedConfig } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { materializeSegments } from '../../lib/segments/materialize';
import { buildWarehouse } from '../../lib/warehouse/build-warehouse';
import { addUsers, ApiClient, grantEnvironment, serveWorkspace, type Answer, type ServedWorkspace } from './support';
import { landRawRows } from '../support/raw-lake';

// Every route the app registers, called by every kind of person, over real HTTP on a warehouse
// with customers in both environments. The table says what each must answer; every answer is also
// searched for customers the caller may not see. The customers are landed here as Stripe records,
// so which emails each person may see is known without asking the code under test.

const ROLES = ['anonymous', 'noAccess', 'connectionRead', 'connectionEdit', 'environmentRead', 'segmentRead', 'segmentEdit', 'segmentDelete', 'owner', 'admin'] as const;
type Role = (typeof ROLES)[number];

const EMAIL: Record<Exclude<Role, 'anonymous'>, string> = {
  admin: 'admin@example.com',
  noAccess: 'no-access@example.com',
  connectionRead: 'connection-read@example.com',
  connectionEdit: 'connection-edit@example.com',
  environmentRead: 'environment-read@example.com',
  segmentRead: 'segment-read@example.com',
  segmentEdit: 'segment-edit@example.com',
  segmentDelete: 'segment-delete@example.com',
  owner: 'owner@example.com',
};
const FRIEND = 'friend@example.com';

// The customers: live ones in the segment, live ones outside it, and sandbox ones.
const LIVE_MEMBERS = [1, 2, 3].map((i) => `live-member-${i}@shop.example`);
const LIVE_OUTSIDE = [1, 2].map((i) => `live-outside-${i}@shop.example`);
const SANDBOX = [1, 2].map((i) => `sandbox-${i}@shop.example`);
const EVERY_CUSTOMER = [...LIVE_MEMBERS, ...LIVE_OUTSIDE, ...SANDBOX];

/** The customers each person may be shown, by what they were granted. */
const MAY_SEE: Record<Role, string[]> = {
  anonymous: [],
  noAccess: [],
  connectionRead: [],
  connectionEdit: [],
  environmentRead: [...LIVE_MEMBERS, ...LIVE_OUTSIDE],
  segmentRead: LIVE_MEMBERS,
  segmentEdit: LIVE_MEMBERS,
  segmentDelete: LIVE_MEMBERS,
  owner: [...LIVE_MEMBERS, ...LIVE_OUTSIDE],
  admin: EVERY_CUSTOMER,
};

const SEGMENT = 'owned-list';
const SEGMENT_BODY = { name: SEGMENT, environment: 'live', rules: { field: 'first_name', op: 'equals', value: 'Member' } };
const EVERYONE_LIVE = { environment: 'live', rules: { field: 'last_name', op: 'equals', value: 'Doe' } };

interface Row {
  /** The call, with sample path parameters filled in. */
  url: string;
  body?: unknown;
  /** The answer per role, in ROLES order. */
  status: [number, number, number, number, number, number, number, number, number, number];
}

// Sync and materialize buttons reach Temporal, which is not running here: 503 means the caller
// was let through. Rows run in this order for each role; sign-out comes last.
const TABLE: Record<string, Row> = {
  //                                                                        anon nobody connR connE envR segR segE segD owner admin
  'GET /': { url: '/', status: [200, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /assets/:file': { url: '/assets/nothing.js', status: [404, 404, 404, 404, 404, 404, 404, 404, 404, 404] },
  'POST /api/session': { url: '/api/session', body: {}, status: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400] },
  'GET /api/invitations/:token': { url: '/api/invitations/bad', status: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400] },
  'POST /api/invitations/:token': { url: '/api/invitations/bad', body: {}, status: [400, 400, 400, 400, 400, 400, 400, 400, 400, 400] },
  'GET /api/session': { url: '/api/session', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /api/catalog': { url: '/api/catalog', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /api/catalog/custom-attributes': { url: '/api/catalog/custom-attributes', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /api/segments': { url: '/api/segments', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /api/segments/:name': { url: `/api/segments/${SEGMENT}`, status: [401, 404, 404, 404, 200, 200, 200, 200, 200, 200] },
  'GET /api/segments/:name/members': { url: `/api/segments/${SEGMENT}/members`, status: [401, 404, 404, 404, 200, 200, 200, 200, 200, 200] },
  'GET /api/segments/:name/history': { url: `/api/segments/${SEGMENT}/history`, status: [401, 404, 404, 404, 200, 200, 200, 200, 200, 200] },
  'GET /api/segments/:name/export': { url: `/api/segments/${SEGMENT}/export?format=extended`, status: [401, 404, 404, 404, 200, 200, 200, 200, 200, 200] },
  'POST /api/segments/preview': { url: '/api/segments/preview', body: EVERYONE_LIVE, status: [401, 403, 403, 403, 200, 403, 403, 403, 200, 200] },
  'POST /api/segments': { url: '/api/segments', body: { ...EVERYONE_LIVE, name: 'made-here' }, status: [401, 403, 403, 403, 403, 403, 403, 403, 201, 201] },
  'PUT /api/segments/:name': { url: `/api/segments/${SEGMENT}`, body: SEGMENT_BODY, status: [401, 404, 404, 404, 403, 403, 200, 403, 200, 200] },
  'POST /api/segments/:name/materialize': { url: `/api/segments/${SEGMENT}/materialize`, status: [401, 404, 404, 404, 403, 403, 503, 403, 503, 503] },
  'GET /api/segments/:name/grants': { url: `/api/segments/${SEGMENT}/grants`, status: [401, 404, 404, 404, 403, 403, 403, 403, 200, 200] },
  'POST /api/segments/:name/grants': { url: `/api/segments/${SEGMENT}/grants`, body: { email: FRIEND }, status: [401, 404, 404, 404, 403, 403, 403, 403, 201, 201] },
  'DELETE /api/segments/:name/grants/:email': { url: `/api/segments/${SEGMENT}/grants/${encodeURIComponent(FRIEND)}`, status: [401, 404, 404, 404, 403, 403, 403, 403, 200, 200] },
  'GET /api/access': { url: '/api/access', status: [401, 403, 403, 403, 403, 403, 403, 403, 403, 200] },
  'POST /api/access': { url: '/api/access', body: { email: FRIEND, environment: 'sandbox' }, status: [401, 403, 403, 403, 403, 403, 403, 403, 403, 201] },
  'DELETE /api/access/:email/:kind/:name': { url: `/api/access/${encodeURIComponent(FRIEND)}/environment/sandbox`, status: [401, 403, 403, 403, 403, 403, 403, 403, 403, 200] },
  'GET /api/connections': { url: '/api/connections', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'POST /api/connections/:id/sync': { url: '/api/connections/shop-live/sync', body: { mode: 'manual' }, status: [401, 404, 403, 503, 403, 404, 404, 404, 503, 503] },
  'POST /api/connections/:id/schedule': { url: '/api/connections/shop-live/schedule', body: { action: 'pause' }, status: [401, 404, 403, 503, 403, 404, 404, 404, 503, 503] },
  'GET /api/attribution/options': { url: '/api/attribution/options', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
  'GET /reports/attribution': { url: '/reports/attribution?environment=live', status: [401, 403, 403, 403, 200, 403, 403, 403, 200, 200] },
  'DELETE /api/segments/:name': { url: `/api/segments/${SEGMENT}`, status: [401, 404, 404, 404, 403, 403, 403, 200, 200, 200] },
  'DELETE /api/session': { url: '/api/session', status: [401, 200, 200, 200, 200, 200, 200, 200, 200, 200] },
};

/** The connections each person may see on the connections page. */
const CONNECTIONS_SEEN: Record<Role, string[]> = {
  anonymous: [],
  noAccess: [],
  connectionRead: ['shop-live'],
  connectionEdit: ['shop-live'],
  environmentRead: ['shop-live'],
  segmentRead: [],
  segmentEdit: [],
  segmentDelete: [],
  owner: ['shop-live'],
  admin: ['shop-live', 'shop-test'],
};

let served: ServedWorkspace;

/** Lands Stripe customers of one connection, named so that a segment can pick some of them. */
async function landCustomers(config: LoadedConfig, connection: string, environment: 'live' | 'sandbox', people: { email: string; first: string }[]): Promise<void> {
  const fixture = (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'test', 'fixtures', 'stripe', 'fixtures3.subset.json'), 'utf8')) as { resources: { customer: Record<string, unknown> } }).resources.customer;
  const customers = people.map((p, i) => ({ ...fixture, id: `cus_${connection.replace('-', '')}${i}`, livemode: environment === 'live', name: `${p.first} Doe`, email: p.email, created: 1_700_000_000 + i }));
  await landRawRows(
    config,
    { source: 'stripe', stream: 'customers', connection, environment, syncId: 'access-test', syncMode: 'historical', seq: 0 },
    customers.map((c) => ({ primaryKey: c.id, cursorValue: String(c.created), syncedAt: new Date('2026-01-01T00:00:00Z'), payload: c })),
  );
}

async function signedIn(role: Role): Promise<ApiClient> {
  const client = new ApiClient(served.server.url);
  if (role !== 'anonymous') expect((await client.signIn(EMAIL[role])).status, `sign-in of ${role}`).toBe(200);
  return client;
}

/** The owner makes the segment and shares it at each level, and it is materialized: the state every role starts from. */
async function ownerMakesTheSegment(): Promise<void> {
  const owner = await signedIn('owner');
  expect((await owner.call('POST', '/api/segments', SEGMENT_BODY)).status).toBe(201);
  for (const [role, levels] of [
    ['segmentRead', {}],
    ['segmentEdit', { edit: true }],
    ['segmentDelete', { delete: true }],
  ] as const) {
    expect((await owner.call('POST', `/api/segments/${SEGMENT}/grants`, { email: EMAIL[role], ...levels })).status).toBe(201);
  }
  const materialized = await materializeSegments(served.config, { names: [SEGMENT] });
  expect(materialized.segments).toMatchObject([{ segment: SEGMENT, members: LIVE_MEMBERS.length }]);
}

beforeAll(async () => {
  const connection = (id: string, environment: string) => ({ id, source: 'stripe', environment, base_url: 'https://api.stripe.com', credential_env: 'CDP_ACCESS_TEST_KEY' });
  served = await serveWorkspace({
    connections: [connection('shop-live', 'live'), connection('shop-test', 'sandbox')],
    prepare: async (config) => {
      await landCustomers(config, 'shop-live', 'live', [...LIVE_MEMBERS.map((email) => ({ email, first: 'Member' })), ...LIVE_OUTSIDE.map((email) => ({ email, first: 'Outside' }))]);
      await landCustomers(config, 'shop-test', 'sandbox', SANDBOX.map((email) => ({ email, first: 'Member' })));
      await buildWarehouse(config, { modelsDir: path.join(PROJECT_ROOT, 'models') });
      await addUsers(config, [{ email: EMAIL.admin }, ...ROLES.filter((r) => r !== 'anonymous' && r !== 'admin').map((r) => ({ email: EMAIL[r as Exclude<Role, 'anonymous'>] })), { email: FRIEND }]);
      await grantEnvironment(config, EMAIL.environmentRead, 'live');
      await grantEnvironment(config, EMAIL.owner, 'live', { edit: true });
    },
  });
  const admin = await signedIn('admin');
  expect((await admin.call('POST', '/api/access', { email: EMAIL.connectionRead, connection: 'shop-live' })).status).toBe(201);
  expect((await admin.call('POST', '/api/access', { email: EMAIL.connectionEdit, connection: 'shop-live', edit: true })).status).toBe(201);
  await ownerMakesTheSegment();
}, 180_000);

afterAll(async () => {
  await served?.close();
});

/** Fails when an answer shows a customer the role may not see. */
function expectNoLeak(role: Role, call: string, answer: Answer): void {
  const leaked = EVERY_CUSTOMER.filter((email) => !MAY_SEE[role].includes(email) && answer.text.includes(email));
  expect(leaked, `${call} as ${role} showed customers it may not see`).toEqual([]);
}

describe('every route, every role', () => {
  it('has a row for every registered route, and no row for a route that does not exist', () => {
    expect(served.server.routes.map((r) => `${r.method} ${r.url}`).sort()).toEqual(Object.keys(TABLE).sort());
  });

  for (const [index, role] of ROLES.entries()) {
    it(`answers ${role} as the table says, and shows no customer beyond their access`, async () => {
      const client = await signedIn(role);
      for (const [call, row] of Object.entries(TABLE)) {
        const method = call.split(' ')[0]!;
        const answer = await client.call(method, row.url, row.body ?? (method === 'GET' || method === 'DELETE' ? undefined : {}));
        expect(answer.status, `${call} as ${role}: ${answer.text.slice(0, 200)}`).toBe(row.status[index]);
        expectNoLeak(role, call, answer);
        if (call === 'GET /api/segments/:name/members' && answer.status === 200) {
          // Those let in see the segment's members, and only them.
          expect((answer.body.rows as { email: string }[]).map((r) => r.email).sort()).toEqual(LIVE_MEMBERS);
        }
        if (call === 'GET /api/segments' && answer.status === 200 && MAY_SEE[role].length === 0) expect(answer.text).not.toContain(SEGMENT);
        if (call === 'GET /api/connections' && answer.status === 200) {
          expect((answer.body.connections as { id: string }[]).map((c) => c.id).sort(), `connections shown to ${role}`).toEqual(CONNECTIONS_SEEN[role]);
        }
        if (call === 'POST /api/segments' && answer.status === 201) expect((await client.call('DELETE', '/api/segments/made-here')).status).toBe(200);
      }
      // A deleted segment is made again for the next role.
      if (!fs.existsSync(path.join(served.config.segmentsDir, `${SEGMENT}.yaml`))) await ownerMakesTheSegment();
    }, 120_000);
  }
});
