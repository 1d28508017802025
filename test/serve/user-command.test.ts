import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../../lib/paths';
import { makeWorkspace } from '../support/workspace';
import { withAppStore } from '../../server/store/open-app-store';

// `cdp user add` and friends, run as a person runs them, the password piped on stdin.

const ws = makeWorkspace([]);
afterAll(() => ws.cleanup());

function cdp(args: string[], input = ''): { status: number | null; out: string } {
  const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', ws.configFile, ...args], { input, encoding: 'utf8' });
  return { status: run.status, out: `${run.stdout}${run.stderr}` };
}

describe('cdp user', () => {
  it('adds the first user as an admin, the next ones as they are asked, and never stores the password', async () => {
    expect(cdp(['user', 'add', 'Ada@Example.com'], 'a long enough password\n')).toMatchObject({ status: 0, out: expect.stringContaining('added ada@example.com (admin: the first user is one)') });
    expect(cdp(['user', 'add', 'bob@example.com', '--name', 'Bob'], 'another long password\n')).toMatchObject({ status: 0, out: expect.stringMatching(/added bob@example\.com;/) });
    expect(cdp(['user', 'add', 'cy@example.com', '--admin'], 'a third long password\n').out).toContain('added cy@example.com (admin)');
    expect(cdp(['user', 'list']).out).toBe('ada@example.com  admin\nbob@example.com  (Bob)\n  no access to customer data\ncy@example.com  admin\n');
    const hash = await withAppStore(ws.config(), async (store) => store.passwordHashOf((await store.userByEmail('bob@example.com'))!.id));
    expect(hash).toMatch(/^\$argon2id\$/);
  });

  it('refuses a short password, a taken email and a non-email, saving nothing', () => {
    expect(cdp(['user', 'add', 'dee@example.com'], 'short\n')).toMatchObject({ status: 2, out: expect.stringContaining('at least 10 characters; nothing saved') });
    expect(cdp(['user', 'add', 'bob@example.com'], 'a long enough password\n')).toMatchObject({ status: 2, out: expect.stringContaining('has an account already') });
    expect(cdp(['user', 'add', 'not-an-email'], 'a long enough password\n')).toMatchObject({ status: 2, out: expect.stringContaining('is not an email address') });
    expect(cdp(['user', 'list']).out).not.toContain('dee@');
  });

  it('sets a new password and removes a user', () => {
    expect(cdp(['user', 'password', 'bob@example.com'], 'a brand new password\n').out).toContain('new password set for bob@example.com');
    expect(cdp(['user', 'remove', 'bob@example.com']).out).toContain('removed bob@example.com');
    expect(cdp(['user', 'list']).out).not.toContain('bob@');
  });
});
