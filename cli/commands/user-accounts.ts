import readline from 'node:readline';
import type { LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { hashPassword, passwordProblem } from '../../server/auth/passwords';
import { describeRights, grantAccess, revokeAccess } from '../../server/access/grant-access';
import type { AccessScope } from '../../server/store/access-grants';
import { normalizeEmail } from '../../server/store/app-store';
import { withAppStore } from '../../server/store/open-app-store';

// Accounts of `cdp serve`, kept in the app store (a file under the data folder, or the PostgreSQL
// catalog's database). A password is never a
// flag (it would stay in the shell's history): it is typed at a hidden prompt, or piped on stdin.

const EMAIL = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

/** Asks for a line without echoing what is typed. */
function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const output = process.stderr;
    const rl = readline.createInterface({ input: process.stdin, output, terminal: true });
    const write = (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput.bind(rl);
    let asked = false;
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = (s: string) => {
      if (!asked) write(s);
    };
    rl.question(question, (answer) => {
      rl.close();
      output.write('\n');
      resolve(answer);
    });
    asked = true;
  });
}

async function readStdinLine(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  return text.split(/\r?\n/)[0] ?? '';
}

/** The new password: typed twice at a hidden prompt in a terminal, else the first line of stdin. */
export async function readNewPassword(): Promise<string> {
  let password: string;
  if (process.stdin.isTTY) {
    password = await promptHidden('password: ');
    if ((await promptHidden('again: ')) !== password) throw new ConfigError('the two passwords differ; nothing saved');
  } else {
    password = await readStdinLine();
  }
  const problem = passwordProblem(password);
  if (problem) throw new ConfigError(`${problem}; nothing saved`);
  return password;
}

/** Adds an account (the first one is an admin); says what was done. */
export async function addUser(config: LoadedConfig, email: string, opts: { admin?: boolean; name?: string; password: string }): Promise<string> {
  if (!EMAIL.test(email.trim())) throw new ConfigError(`"${email}" is not an email address`);
  const passwordHash = await hashPassword(opts.password);
  return withAppStore(config, async (store) => {
    if (await store.userByEmail(email)) throw new ConfigError(`${normalizeEmail(email)} has an account already; \`cdp user password ${normalizeEmail(email)}\` sets a new password`);
    const user = await store.addUser({ email, name: opts.name, passwordHash, isAdmin: opts.admin, nowMs: Date.now() });
    const admin = user.isAdmin ? (opts.admin ? ' (admin)' : ' (admin: the first user is one)') : '';
    return `added ${user.email}${admin}; sign in at \`cdp serve\``;
  });
}

/** Sets a new password, which signs that user's browsers out. */
export async function setUserPassword(config: LoadedConfig, email: string, password: string): Promise<string> {
  const passwordHash = await hashPassword(password);
  return withAppStore(config, async (store) => {
    const user = await store.userByEmail(email);
    if (!user) throw new ConfigError(`no user ${normalizeEmail(email)}; add one with \`cdp user add ${normalizeEmail(email)}\``);
    await store.setPassword(user.id, passwordHash);
    return `new password set for ${user.email}; their browsers are signed out`;
  });
}

/** Removes an account with its sessions, the grants and invitations made to it and the links it sent. */
export function removeUser(config: LoadedConfig, email: string): Promise<string> {
  return withAppStore(config, async (store) => {
    const user = await store.userByEmail(email);
    if (!user) throw new ConfigError(`no user ${normalizeEmail(email)}`);
    await store.removeUser(user.id);
    return `removed ${user.email}: their sessions ended, the segment and access grants and invitations made to them and the invitation links they sent are gone, and segments they created in the app now belong to the admins`;
  });
}

/** The accounts, one a line, each member followed by their access grants. */
export async function renderUsers(config: LoadedConfig): Promise<string> {
  const { users, grants } = await withAppStore(config, async (store) => ({ users: await store.listUsers(), grants: await store.access.all() }));
  if (!users.length) return 'no users; add one with `cdp user add <email>`\n';
  const now = Date.now();
  const lines: string[] = [];
  for (const u of users) {
    lines.push(`${u.email}${u.isAdmin ? '  admin' : ''}${u.name ? `  (${u.name})` : ''}`);
    if (u.isAdmin) continue;
    const own = grants.filter((g) => g.email === u.email);
    if (!own.length) lines.push('  no access to customer data');
    for (const g of own) lines.push(`  ${g.scope.kind} ${g.scope.name}: ${describeRights(g)}${g.expiresAtMs !== null && g.expiresAtMs <= now ? ' (expired)' : ''}`);
  }
  return `${lines.join('\n')}\n`;
}

/** The scope that `--environment` or `--connection` names; exactly one of them. */
export function scopeOf(flags: { environment?: string; connection?: string }): AccessScope {
  if ((flags.environment === undefined) === (flags.connection === undefined)) throw new ConfigError('name either --environment <live|sandbox> or --connection <id>');
  return flags.environment !== undefined ? { kind: 'environment', name: flags.environment } : { kind: 'connection', name: flags.connection! };
}

/** The time `--until` names (an ISO date or time), or null without one. */
function untilMs(until: string | undefined): number | null {
  if (until === undefined) return null;
  const ms = Date.parse(until);
  if (!/^\d{4}-\d{2}-\d{2}/.test(until) || Number.isNaN(ms)) throw new ConfigError(`--until: "${until}" is not a date or time like 2027-01-31 or 2027-01-31T18:00:00Z`);
  return ms;
}

/** Grants a member access to an environment or a connection (`cdp user grant`). */
export function grantUserAccess(config: LoadedConfig, email: string, flags: { environment?: string; connection?: string; edit?: boolean; delete?: boolean; until?: string }): Promise<string> {
  const scope = scopeOf(flags);
  const expiresAtMs = untilMs(flags.until);
  return withAppStore(config, (store) => grantAccess(store, config, { email, scope, edit: Boolean(flags.edit), delete: Boolean(flags.delete), expiresAtMs }, { userId: 0, nowMs: Date.now() }));
}

/** Revokes a member's access to an environment or a connection (`cdp user revoke`). */
export function revokeUserAccess(config: LoadedConfig, email: string, flags: { environment?: string; connection?: string }): Promise<string> {
  const scope = scopeOf(flags);
  return withAppStore(config, (store) => revokeAccess(store, email, scope));
}
