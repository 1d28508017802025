import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths';
import { appStorePath } from '../../server/store/open-app-store';
import { startPostgres, type TestPostgres } from '../support/lake-servers';
import { addUsers, ApiClient, PASSWORD, serveWorkspace, type ServedWorkspace } from './support';

// `cdp serve` with the lake's catalog in PostgreSQL keeps its accounts, sessions and grants in that
// database: a user signs in, `cdp user add` run beside the server adds one who signs in at once,
// and a bad password names the server, never the password.

const PASSWORD_ENV = 'CDP_CATALOG_PASSWORD';
const ADMIN = 'admin@example.com';
const MEMBER = 'member@example.com';

let postgres: TestPostgres;
let served: ServedWorkspace;
let savedPassword: string | undefined;

beforeAll(async () => {
  postgres = await startPostgres();
  savedPassword = process.env[PASSWORD_ENV];
  process.env[PASSWORD_ENV] = postgres.password;
  served = await serveWorkspace({
    connections: [{ id: 'shop-live', source: 'stripe', environment: 'live', base_url: 'https://api.stripe.com', credential_env: 'CDP_TEST_STRIPE_KEY' }],
    config: { storage: { catalog: `postgres:${postgres.settings}`, catalog_password_env: PASSWORD_ENV } },
    prepare: (config) => addUsers(config, [{ email: ADMIN }]),
  });
}, 180_000);

afterAll(async () => {
  await served?.close();
  await postgres?.stop();
  if (savedPassword === undefined) delete process.env[PASSWORD_ENV];
  else process.env[PASSWORD_ENV] = savedPassword;
});

/** The `cdp` command on the served workspace's config, with the given environment. */
async function cdp(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', served.ws.configFile, ...args], { env }, (err, stdout, stderr) =>
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, out: `${stdout}${stderr}` }),
    );
    child.stdin!.end(input);
  });
}

describe('cdp serve with a PostgreSQL catalog', () => {
  it('signs a user in and out, and keeps no app file under the data folder', async () => {
    const client = new ApiClient(served.server.url);
    expect((await client.signIn(ADMIN, 'a wrong password')).status).toBe(401);
    const signIn = await client.signIn(ADMIN);
    expect(signIn.status).toBe(200);
    expect(signIn.body).toMatchObject({ user: { email: ADMIN, isAdmin: true } });
    expect((await client.get('/api/session')).body).toMatchObject({ user: { email: ADMIN }, csrfToken: client.csrf });
    expect((await client.call('DELETE', '/api/session')).status).toBe(200);
    expect((await client.get('/api/session')).status).toBe(401);
    expect(fs.existsSync(appStorePath(served.config.layout))).toBe(false);
  });

  it('lets `cdp user add` add an account while the server runs, which signs in at once and gets what the admin grants', async () => {
    const env = { ...process.env, [PASSWORD_ENV]: postgres.password };
    const added = await cdp(['user', 'add', MEMBER], env, `${PASSWORD}\n`);
    expect(added).toMatchObject({ code: 0, out: expect.stringContaining(`added ${MEMBER};`) });

    const member = new ApiClient(served.server.url);
    expect((await member.signIn(MEMBER)).status).toBe(200);
    expect((await member.get('/api/connections')).body).toMatchObject({ connections: [] });

    const admin = new ApiClient(served.server.url);
    expect((await admin.signIn(ADMIN)).status).toBe(200);
    expect((await admin.call('POST', '/api/access', { email: MEMBER, connection: 'shop-live' })).status).toBe(201);
    expect(((await member.get('/api/connections')).body.connections as { id: string }[]).map((c) => c.id)).toEqual(['shop-live']);
    expect((await cdp(['user', 'list'], env)).out).toBe(`${ADMIN}  admin\n${MEMBER}\n  connection shop-live: read\n`);

    expect((await cdp(['user', 'remove', MEMBER], env)).code).toBe(0);
    expect((await member.get('/api/session')).status).toBe(401);
  });

  it('names the server and database when the password is wrong, never the password', async () => {
    const wrong = 'wrong-catalog-password-51c2';
    const listed = await cdp(['user', 'list'], { ...process.env, [PASSWORD_ENV]: wrong });
    expect(listed.code).not.toBe(0);
    expect(listed.out).toContain(`database "${postgres.database}" on ${postgres.host}:${postgres.port} as ${postgres.user}`);
    expect(listed.out).not.toContain(wrong);
    expect(listed.out).not.toContain(postgres.password);
  });

  it('answers 503 without naming the database when it goes away, and logs where it is but not the password', async () => {
    const client = new ApiClient(served.server.url);
    expect((await client.signIn(ADMIN)).status).toBe(200);
    await postgres.stop();
    const logged: string[] = [];
    const spy = vi.spyOn(console, 'error').mockImplementation((...args: unknown[]) => void logged.push(args.map(String).join(' ')));
    try {
      const answer = await client.get('/api/session');
      expect(answer.status).toBe(503);
      expect(answer.body.error).toBe("the app's database cannot be reached; try again shortly");
      expect(answer.text).not.toContain(String(postgres.port));
      expect(logged.join('\n')).toContain(`on ${postgres.host}:${postgres.port}`);
      expect(logged.join('\n')).not.toContain(postgres.password);
    } finally {
      spy.mockRestore();
    }
  });
});
