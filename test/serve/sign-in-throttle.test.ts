import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { hashPassword, verifyPassword } from '../../server/auth/passwords';
import { withAppStore } from '../../server/store/open-app-store';
import { rawCall } from './raw-http';
import { addUsers, PASSWORD, serveWorkspace, type ServedWorkspace } from './support';

// Guessing passwords and invitation tokens over real HTTP, on a clock the test moves: an account
// locks after five failures, an address after twenty across accounts, each lockout lifts by itself
// and the next one is longer; a bad invitation is refused before any password is hashed; and every
// attempt leaves one JSON line in the server's log without the password.

vi.mock('../../server/auth/passwords', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../server/auth/passwords')>();
  return { ...real, hashPassword: vi.fn(real.hashPassword), verifyPassword: vi.fn(real.verifyPassword) };
});

const START_MS = Date.parse('2026-03-01T09:00:00Z');
let nowMs = START_MS;
const log: string[] = [];
let served: ServedWorkspace;

const ALICE = 'alice@example.com';
const BOB = 'bob@example.com';
const CAROL = 'carol@example.com';
const ADMIN = 'admin@example.com';
const WRONG = (i: number) => `wrong guess number ${i}`;

const signIn = (email: string, password: string, localAddress = '127.0.0.1') =>
  rawCall(served.server.url, '/api/session', { method: 'POST', body: { email, password }, localAddress });

beforeAll(async () => {
  served = await serveWorkspace({
    nowMs: () => nowMs,
    eventLog: (line) => log.push(line),
    prepare: (config) => addUsers(config, [{ email: ADMIN, admin: true }, { email: ALICE }, { email: BOB }, { email: CAROL }]),
  });
});

afterAll(async () => {
  await served?.close();
});

describe('sign-in throttle', () => {
  it('locks an account after five wrong passwords, refuses the right one until the lockout lifts, then doubles the next lockout', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 30; i++) statuses.push((await signIn(ALICE, WRONG(i))).status);
    expect(statuses).toEqual([...Array(5).fill(401), ...Array(25).fill(429)]);

    const refused = await signIn(ALICE, PASSWORD);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(60);
    expect(refused.body.error).toMatch(/try again in 60 seconds/);
    expect(refused.headers.get('set-cookie')).toBeNull();

    nowMs += 30_000;
    expect(Number((await signIn(ALICE, PASSWORD)).headers.get('retry-after'))).toBe(30);
    nowMs += 30_001;
    // One more failure soon after a lockout locks again, for twice as long.
    expect((await signIn(ALICE, WRONG(30))).status).toBe(401);
    const longer = await signIn(ALICE, PASSWORD);
    expect(longer.status).toBe(429);
    expect(Number(longer.headers.get('retry-after'))).toBe(120);
    nowMs += 120_001;
    const ok = await signIn(ALICE, PASSWORD);
    expect(ok.status).toBe(200);
    expect(ok.headers.get('set-cookie')).toMatch(/^cdp_session=/);
    // Signing in starts the account afresh: one wrong password is just a wrong password.
    expect((await signIn(ALICE, WRONG(31))).status).toBe(401);
    expect((await signIn(ALICE, PASSWORD)).status).toBe(200);
  });

  it('locks an email nobody has the same way, so a lockout tells nothing about which accounts exist', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 7; i++) statuses.push((await signIn('nobody@example.com', WRONG(i))).status);
    expect(statuses).toEqual([401, 401, 401, 401, 401, 429, 429]);
    nowMs += 15 * 60_000;
  });

  it('locks a client address after twenty failures across accounts, and no other address', async () => {
    const victims = ['v1@example.com', 'v2@example.com', 'v3@example.com', 'v4@example.com', 'v5@example.com'];
    const statuses: number[] = [];
    // Four guesses per email stay under each account's threshold; the address's count is what stops them.
    for (let i = 0; i < 20; i++) statuses.push((await signIn(victims[i % 5]!, WRONG(i), '127.0.0.2')).status);
    expect(statuses).toEqual(Array(20).fill(401));
    const refused = await signIn(BOB, PASSWORD, '127.0.0.2');
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get('retry-after'))).toBe(60);
    expect((await signIn(CAROL, PASSWORD, '127.0.0.3')).status).toBe(200);
    nowMs += 60_001;
    expect((await signIn(BOB, PASSWORD, '127.0.0.2')).status).toBe(200);
  });
});

describe('invitation throttle', () => {
  it('refuses a bad invitation token before hashing or checking any password, and locks the address that keeps guessing', async () => {
    vi.mocked(hashPassword).mockClear();
    vi.mocked(verifyPassword).mockClear();
    const statuses: number[] = [];
    for (let i = 0; i < 22; i++) {
      const token = `guessed-token-${String(i).padStart(10, '0')}`;
      statuses.push((await rawCall(served.server.url, `/api/invitations/${token}`, { method: 'POST', body: { name: 'Eve', password: 'a long enough password' }, localAddress: '127.0.0.4' })).status);
    }
    expect(statuses).toEqual([...Array(20).fill(410), 429, 429]);
    expect(vi.mocked(hashPassword)).not.toHaveBeenCalled();
    expect(vi.mocked(verifyPassword)).not.toHaveBeenCalled();

    // A real link still works, from an address that did not guess, and hashes the password once.
    const token = await withAppStore(served.config, async (store) => store.createInvitation('invited@example.com', (await store.userByEmail(ADMIN))!.id, nowMs));
    const accepted = await rawCall(served.server.url, `/api/invitations/${token}`, { method: 'POST', body: { name: 'Invited', password: 'a long enough password' } });
    expect(accepted.status).toBe(201);
    expect(vi.mocked(hashPassword)).toHaveBeenCalledTimes(1);
  });
});

describe('sign-in log', () => {
  it('holds one JSON line per attempt, with time, email, client address, outcome and reason, and never a password', async () => {
    expect(log.length).toBeGreaterThan(60);
    const lines = log.map((line) => JSON.parse(line) as Record<string, unknown>);
    for (const line of lines) expect(Object.keys(line).sort()).toEqual(['client', 'email', 'event', 'outcome', 'reason', 'time']);
    for (const text of log) {
      expect(text).not.toContain(PASSWORD);
      expect(text).not.toContain('wrong guess');
      expect(text).not.toContain('a long enough password');
    }
    const alice = lines.filter((l) => l.email === ALICE);
    expect(alice[0]).toEqual({ time: new Date(START_MS).toISOString(), event: 'sign_in', email: ALICE, client: '127.0.0.1', outcome: 'failure', reason: 'wrong_password' });
    expect(alice.filter((l) => l.reason === 'locked_out').length).toBe(25 + 1 + 1 + 1);
    expect(alice.filter((l) => l.outcome === 'success').length).toBe(2);
    expect(lines).toContainEqual(expect.objectContaining({ email: 'nobody@example.com', reason: 'unknown_email' }));
    expect(lines).toContainEqual(expect.objectContaining({ email: BOB, client: '127.0.0.2', outcome: 'failure', reason: 'locked_out' }));
    expect(lines).toContainEqual(expect.objectContaining({ email: BOB, client: '127.0.0.2', outcome: 'success', reason: 'signed_in' }));
    expect(lines.filter((l) => l.event === 'invitation' && l.reason === 'bad_invitation')).toHaveLength(20);
    expect(lines).toContainEqual(expect.objectContaining({ event: 'invitation', email: 'invited@example.com', outcome: 'success', reason: 'accepted' }));
  });
});
