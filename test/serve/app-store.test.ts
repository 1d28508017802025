import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { StorageConfig } from '../../lib/lake/storage-config';
import { dataLayout } from '../../lib/paths';
import { hashToken, INVITATION_TTL_MS, SESSION_TTL_MS, type AppStore } from '../../server/store/app-store';
import { AppStoreUnavailableError } from '../../server/store/errors';
import { APP_SCHEMA, appStorePath, openAppStore } from '../../server/store/open-app-store';
import { startPostgres, type TestPostgres } from '../support/lake-servers';

// The app store's cases, run twice: on the SQLite file of the embedded setting and on a real
// PostgreSQL server (a throwaway one, started for this file), each case on a store of its own.

const PASSWORD_ENV = 'CDP_TEST_APP_STORE_PASSWORD';
const T0 = Date.UTC(2026, 0, 1);
const HASH = '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA';

let postgres: TestPostgres;
const dirs: string[] = [];
let databases = 0;

beforeAll(async () => {
  postgres = await startPostgres();
  process.env[PASSWORD_ENV] = postgres.password;
}, 120_000);
afterAll(async () => {
  await postgres?.stop();
  delete process.env[PASSWORD_ENV];
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

const newDataDir = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-app-store-'));
  dirs.push(dir);
  return dir;
};

/** The storage settings of a fresh PostgreSQL database on the test server. */
async function freshPostgresStorage(): Promise<StorageConfig> {
  const database = `app_store_${++databases}`;
  await postgres.createDatabase(database);
  return { catalog: `postgres:${postgres.settings.replace(/dbname=\S+/, `dbname=${database}`)}`, catalog_password_env: PASSWORD_ENV };
}

const BACKENDS = {
  sqlite: async (): Promise<StorageConfig> => ({}),
  postgres: freshPostgresStorage,
};

describe.each(Object.keys(BACKENDS) as (keyof typeof BACKENDS)[])('the app store on %s', (backend) => {
  const open: AppStore[] = [];
  let storage: StorageConfig;
  let root: string;

  /** Another opening of the same store, as `cdp user add` opens it beside `cdp serve`. */
  const openStore = async () => {
    const store = await openAppStore({ storage, layout: dataLayout(root) });
    open.push(store);
    return store;
  };

  const fresh = async () => {
    storage = await BACKENDS[backend]();
    root = newDataDir();
    return openStore();
  };

  afterEach(async () => {
    for (const store of open.splice(0)) await store.close();
  });

  it('makes the first user an admin whatever was asked, and later ones as asked, emails as people type them', async () => {
    const store = await fresh();
    const ada = await store.addUser({ email: ' Ada@Example.COM ', name: 'Ada', passwordHash: HASH, isAdmin: false, nowMs: T0 });
    const bob = await store.addUser({ email: 'bob@example.com', passwordHash: HASH, nowMs: T0 + 1 });
    const cy = await store.addUser({ email: 'cy@example.com', passwordHash: HASH, isAdmin: true, nowMs: T0 + 2 });
    expect(ada).toEqual({ id: ada.id, email: 'ada@example.com', name: 'Ada', isAdmin: true, createdAtMs: T0 });
    expect([bob.isAdmin, cy.isAdmin]).toEqual([false, true]);
    expect(new Set([ada.id, bob.id, cy.id]).size).toBe(3);
    expect((await store.listUsers()).map((u) => u.email)).toEqual(['ada@example.com', 'bob@example.com', 'cy@example.com']);
    expect(await store.userByEmail('BOB@example.com')).toEqual(bob);
    expect(await store.userById(cy.id)).toEqual(cy);
    expect(await store.userById(9999)).toBeUndefined();
    expect(await store.passwordHashOf(bob.id)).toBe(HASH);
    await expect(store.addUser({ email: 'bob@example.com', passwordHash: HASH, nowMs: T0 })).rejects.toThrow();
    expect(await store.listUsers()).toHaveLength(3);
  });

  it('makes exactly one first admin when accounts are added at once from two openings', async () => {
    const a = await fresh();
    const b = await openStore();
    const users = await Promise.all(Array.from({ length: 8 }, (_, i) => (i % 2 ? a : b).addUser({ email: `u${i}@example.com`, passwordHash: HASH, nowMs: T0 })));
    expect(users.filter((u) => u.isAdmin)).toHaveLength(1);
    expect(await a.listUsers()).toHaveLength(8);
  });

  it('opens a session by its token until it expires, keeps only the token hash, and ends it on sign-out or a new password', async () => {
    const store = await fresh();
    const ada = await store.addUser({ email: 'ada@example.com', passwordHash: HASH, nowMs: T0 });
    const { token, session } = await store.createSession(ada.id, T0);
    expect(session).toEqual({ userId: ada.id, csrfToken: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), expiresAtMs: T0 + SESSION_TTL_MS });
    expect(token).not.toBe(session.csrfToken);
    expect(await store.sessionByToken(token, T0 + SESSION_TTL_MS - 1)).toEqual(session);
    expect(await store.sessionByToken(token, T0 + SESSION_TTL_MS)).toBeUndefined();
    expect(await store.sessionByToken(hashToken(token), T0)).toBeUndefined();
    expect(await (await openStore()).sessionByToken(token, T0)).toEqual(session);

    await store.deleteSession(token);
    expect(await store.sessionByToken(token, T0)).toBeUndefined();

    const first = await store.createSession(ada.id, T0);
    const second = await store.createSession(ada.id, T0);
    await store.setPassword(ada.id, 'new-hash');
    expect(await store.passwordHashOf(ada.id)).toBe('new-hash');
    expect(await store.sessionByToken(first.token, T0)).toBeUndefined();
    expect(await store.sessionByToken(second.token, T0)).toBeUndefined();
  });

  it('replaces a segment grant, lists expired ones to the owner and counts only live ones for access', async () => {
    const store = await fresh();
    const owner = await store.addUser({ email: 'owner@example.com', passwordHash: HASH, nowMs: T0 });
    const grant = { segment: 'seg-1', email: 'Reader@Example.com', read: true, edit: false, delete: false, expiresAtMs: T0 + 1000, grantedBy: owner.id, createdAtMs: T0 };
    await store.putGrant(grant);
    await store.putGrant({ ...grant, segment: 'seg-2', expiresAtMs: null });
    await store.putGrant({ ...grant, segment: 'seg-3', email: 'other@example.com' });
    const stored = { ...grant, email: 'reader@example.com' };
    expect(await store.liveGrant('seg-1', 'reader@example.com', T0 + 999)).toEqual(stored);
    expect(await store.liveGrant('seg-1', 'reader@example.com', T0 + 1000)).toBeUndefined();
    expect((await store.liveGrantsOf('READER@example.com', T0 + 1000)).map((g) => g.segment)).toEqual(['seg-2']);
    expect((await store.liveGrantsOf('reader@example.com', T0)).map((g) => g.segment)).toEqual(['seg-1', 'seg-2']);

    await store.putGrant({ ...grant, edit: true, delete: true, expiresAtMs: null, createdAtMs: T0 + 5 });
    expect(await store.grantsOfSegment('seg-1')).toEqual([{ ...stored, edit: true, delete: true, expiresAtMs: null, createdAtMs: T0 + 5 }]);
    expect(await store.revokeGrant('seg-1', 'Reader@example.com')).toBe(true);
    expect(await store.revokeGrant('seg-1', 'reader@example.com')).toBe(false);
    expect(await store.grantsOfSegment('seg-1')).toEqual([]);
    // Expired grants stay listed for the owner.
    expect((await store.grantsOfSegment('seg-3')).map((g) => g.email)).toEqual(['other@example.com']);
  });

  it('keeps access grants per scope, live until they expire, and revokes them one by one', async () => {
    const store = await fresh();
    const base = { email: 'm@example.com', edit: false, delete: false, grantedBy: 1, createdAtMs: T0 };
    await store.access.put({ ...base, scope: { kind: 'environment', name: 'live' }, expiresAtMs: T0 + 10 });
    await store.access.put({ ...base, scope: { kind: 'connection', name: 'stripe-live' }, expiresAtMs: null, edit: true });
    await store.access.put({ ...base, email: 'a@example.com', scope: { kind: 'environment', name: 'sandbox' }, expiresAtMs: null });
    await store.access.put({ ...base, scope: { kind: 'environment', name: 'live' }, expiresAtMs: T0 + 20, delete: true });
    expect((await store.access.all()).map((g) => [g.email, g.scope.kind, g.scope.name, g.edit, g.delete, g.expiresAtMs])).toEqual([
      ['a@example.com', 'environment', 'sandbox', false, false, null],
      ['m@example.com', 'connection', 'stripe-live', true, false, null],
      ['m@example.com', 'environment', 'live', false, true, T0 + 20],
    ]);
    expect((await store.access.liveOf('m@example.com', T0 + 20)).map((g) => g.scope.name)).toEqual(['stripe-live']);
    expect((await store.access.liveOf('m@example.com', T0 + 19)).map((g) => g.scope.name)).toEqual(['stripe-live', 'live']);
    expect(await store.access.revoke('m@example.com', { kind: 'environment', name: 'live' })).toBe(true);
    expect(await store.access.revoke('m@example.com', { kind: 'environment', name: 'live' })).toBe(false);
    await expect(store.access.put({ ...base, scope: { kind: 'team' as 'environment', name: 'x' }, expiresAtMs: null })).rejects.toThrow();
    await store.access.removeAllOf('m@example.com');
    expect((await store.access.all()).map((g) => g.email)).toEqual(['a@example.com']);
  });

  it('records segment owners and forgets a segment with its grants', async () => {
    const store = await fresh();
    const ada = await store.addUser({ email: 'ada@example.com', passwordHash: HASH, nowMs: T0 });
    const bob = await store.addUser({ email: 'bob@example.com', passwordHash: HASH, nowMs: T0 });
    await store.setSegmentOwner('seg-1', ada.id, T0);
    await store.setSegmentOwner('seg-2', ada.id, T0);
    await store.setSegmentOwner('seg-1', bob.id, T0 + 1);
    expect(await store.segmentOwner('seg-1')).toBe(bob.id);
    expect(await store.segmentOwner('seg-9')).toBeUndefined();
    expect(await store.segmentOwners()).toEqual(new Map([['seg-1', bob.id], ['seg-2', ada.id]]));
    await store.putGrant({ segment: 'seg-1', email: 'x@example.com', read: true, edit: false, delete: false, expiresAtMs: null, grantedBy: bob.id, createdAtMs: T0 });
    await store.forgetSegment('seg-1');
    expect(await store.segmentOwners()).toEqual(new Map([['seg-2', ada.id]]));
    expect(await store.grantsOfSegment('seg-1')).toEqual([]);
  });

  it('accepts an invitation once, and not when expired or when its email has an account', async () => {
    const store = await fresh();
    const ada = await store.addUser({ email: 'ada@example.com', passwordHash: HASH, nowMs: T0 });
    const token = await store.createInvitation('New@Example.com', ada.id, T0);
    expect(await store.invitation(token)).toEqual({ email: 'new@example.com', invitedBy: ada.id, expiresAtMs: T0 + INVITATION_TTL_MS, acceptedAtMs: null });
    expect(await store.invitation('no-such-token')).toBeUndefined();
    const attempts = await Promise.all([0, 1].map(() => store.acceptInvitation(token, { name: 'New', passwordHash: HASH, nowMs: T0 + 5 })));
    expect(attempts.filter((u) => u !== undefined)).toEqual([{ id: expect.any(Number), email: 'new@example.com', name: 'New', isAdmin: false, createdAtMs: T0 + 5 }]);
    expect((await store.invitation(token))?.acceptedAtMs).toBe(T0 + 5);

    const late = await store.createInvitation('late@example.com', ada.id, T0);
    expect(await store.acceptInvitation(late, { name: 'Late', passwordHash: HASH, nowMs: T0 + INVITATION_TTL_MS })).toBeUndefined();
    const taken = await store.createInvitation('taken@example.com', ada.id, T0);
    await store.addUser({ email: 'taken@example.com', passwordHash: HASH, nowMs: T0 });
    expect(await store.acceptInvitation(taken, { name: 'Taken', passwordHash: HASH, nowMs: T0 + 1 })).toBeUndefined();
    expect((await store.listUsers()).map((u) => u.email)).toEqual(['ada@example.com', 'new@example.com', 'taken@example.com']);
  });

  it('removes a user with their sessions, grants, ownerships and invitations, and the unused links they sent', async () => {
    const store = await fresh();
    const ada = await store.addUser({ email: 'ada@example.com', passwordHash: HASH, nowMs: T0 });
    const bob = await store.addUser({ email: 'bob@example.com', passwordHash: HASH, nowMs: T0 });
    const { token } = await store.createSession(bob.id, T0);
    await store.setSegmentOwner('seg-b', bob.id, T0);
    await store.putGrant({ segment: 'seg-a', email: 'bob@example.com', read: true, edit: false, delete: false, expiresAtMs: null, grantedBy: ada.id, createdAtMs: T0 });
    await store.access.put({ email: 'bob@example.com', scope: { kind: 'environment', name: 'live' }, edit: false, delete: false, expiresAtMs: null, grantedBy: ada.id, createdAtMs: T0 });
    const toBob = await store.createInvitation('bob@example.com', ada.id, T0);
    const fromBob = await store.createInvitation('friend@example.com', bob.id, T0);
    const usedFromBob = await store.createInvitation('used@example.com', bob.id, T0);
    await store.acceptInvitation(usedFromBob, { name: 'Used', passwordHash: HASH, nowMs: T0 });

    await store.removeUser(bob.id);
    expect(await store.userById(bob.id)).toBeUndefined();
    expect(await store.sessionByToken(token, T0)).toBeUndefined();
    expect(await store.segmentOwners()).toEqual(new Map());
    expect(await store.liveGrantsOf('bob@example.com', T0)).toEqual([]);
    expect(await store.access.all()).toEqual([]);
    expect(await store.invitation(toBob)).toBeUndefined();
    expect(await store.invitation(fromBob)).toBeUndefined();
    expect((await store.invitation(usedFromBob))?.acceptedAtMs).toBe(T0);
    expect((await store.listUsers()).map((u) => u.email)).toEqual(['ada@example.com', 'used@example.com']);
  });

  it('keeps its tables where the setting says: a file under the data folder, or a schema of the catalog database', async () => {
    const store = await fresh();
    await store.addUser({ email: 'ada@example.com', passwordHash: HASH, nowMs: T0 });
    const file = appStorePath(dataLayout(root));
    if (backend === 'sqlite') {
      expect(fs.existsSync(file)).toBe(true);
      return;
    }
    expect(fs.existsSync(file)).toBe(false);
    const database = /dbname=(\S+)/.exec(storage.catalog!)![1];
    const client = new pg.Client({ host: postgres.host, port: postgres.port, user: postgres.user, password: postgres.password, database });
    await client.connect();
    try {
      const tables = await client.query('select table_name from information_schema.tables where table_schema = $1 order by table_name', [APP_SCHEMA]);
      expect(tables.rows.map((r) => r.table_name)).toEqual(['access_grants', 'grants', 'invitations', 'segment_owners', 'sessions', 'users']);
      const users = await client.query(`select email, is_admin from ${APP_SCHEMA}.users`);
      expect(users.rows).toEqual([{ email: 'ada@example.com', is_admin: '1' }]);
    } finally {
      await client.end();
    }
  });
});

describe('the app store on PostgreSQL, when it cannot be used', () => {
  it('names the server and database of a refused login, never the password', async () => {
    const wrong = 'not-the-password-7f3a9c';
    process.env.CDP_TEST_WRONG_PASSWORD = wrong;
    try {
      const storage: StorageConfig = { catalog: `postgres:${postgres.settings}`, catalog_password_env: 'CDP_TEST_WRONG_PASSWORD' };
      const err = await openAppStore({ storage, layout: dataLayout(newDataDir()) }).then(
        () => undefined,
        (e: Error) => e,
      );
      expect(err).toBeInstanceOf(AppStoreUnavailableError);
      expect(err!.message).toContain(`database "${postgres.database}" on ${postgres.host}:${postgres.port} as ${postgres.user}`);
      expect(`${err!.message}\n${err!.stack}`).not.toContain(wrong);
      expect(`${err!.message}\n${err!.stack}`).not.toContain(postgres.password);
    } finally {
      delete process.env.CDP_TEST_WRONG_PASSWORD;
    }
  });

  it('names the server it could not reach', async () => {
    const storage: StorageConfig = { catalog: `postgres:host=127.0.0.1 port=1 dbname=cdp user=cdp connect_timeout=5`, catalog_password_env: PASSWORD_ENV };
    const err = await openAppStore({ storage, layout: dataLayout(newDataDir()) }).then(
      () => undefined,
      (e: Error) => e,
    );
    expect(err).toBeInstanceOf(AppStoreUnavailableError);
    expect(err!.message).toContain('database "cdp" on 127.0.0.1:1 as cdp');
    expect(`${err!.message}\n${err!.stack}`).not.toContain(postgres.password);
  });

  it('says which variable is missing when the password variable is not set', async () => {
    const storage: StorageConfig = { catalog: `postgres:${postgres.settings}`, catalog_password_env: 'CDP_TEST_UNSET_PASSWORD' };
    await expect(openAppStore({ storage, layout: dataLayout(newDataDir()) })).rejects.toThrow(/CDP_TEST_UNSET_PASSWORD is not set/);
  });
});
