import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { clearSessionCookie, setSessionCookie } from '../auth/session-guard';
import { logSignIn, type SignInEvent } from '../auth/sign-in-log';
import { acceptInvitationBody, signInBody, type InvitationInfo, type PublicUser, type SessionInfo } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import { normalizeEmail, type Invitation, type User } from '../store/app-store';

// Signing in and out, who is signed in (with the CSRF token the page sends back on every change),
// and invitations: the link a sharer got for an unknown email, which creates that account.
// Sign-in and invitations are throttled per account and per client address (auth/sign-in-throttle.ts),
// and every attempt is logged; a locked-out or unusable attempt is refused before any hashing.

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'an invitation token') });

const publicUser = (u: User): PublicUser => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin });

const UNUSABLE_INVITATION = 'this invitation was used, has expired, or its email has an account already; sign in instead';

/** Registers the routes of signing in and out, and invitations. */
export function registerSessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const { account, address } = ctx.throttle;

  const startSession = async (reply: FastifyReply, user: User): Promise<SessionInfo> => {
    const now = ctx.nowMs();
    const { token, session } = await ctx.store.createSession(user.id, now);
    setSessionCookie(reply, token, session, now);
    return { user: publicUser(user), csrfToken: session.csrfToken };
  };

  /** Refuses with 429 and Retry-After while the account (when one is named) or the client address is locked out. */
  const refuseWhileLocked = (request: FastifyRequest, event: SignInEvent['event'], email: string | null): void => {
    const now = ctx.nowMs();
    const waitMs = Math.max(email === null ? 0 : account.retryAfterMs(email, now), address.retryAfterMs(request.ip, now));
    if (waitMs === 0) return;
    logSignIn(ctx, request, { event, email, outcome: 'failure', reason: 'locked_out' });
    const seconds = Math.ceil(waitMs / 1000);
    throw new HttpError(429, `too many failed attempts; try again in ${seconds} seconds`, undefined, seconds);
  };

  const fail = (request: FastifyRequest, event: SignInEvent['event'], email: string | null, reason: SignInEvent['reason']): void => {
    const now = ctx.nowMs();
    if (email !== null) account.recordFailure(email, now);
    address.recordFailure(request.ip, now);
    logSignIn(ctx, request, { event, email, outcome: 'failure', reason });
  };

  /** The invitation a token names if it can still create its account. */
  const usableInvitation = async (token: string): Promise<Invitation | undefined> => {
    const inv = await ctx.store.invitation(token);
    return inv && inv.acceptedAtMs === null && inv.expiresAtMs > ctx.nowMs() && !(await ctx.store.userByEmail(inv.email)) ? inv : undefined;
  };

  app.post('/api/session', { config: { access: 'public' } }, async (request, reply) => {
    const { email: typed, password } = parseInput(signInBody, request.body);
    const email = normalizeEmail(typed);
    refuseWhileLocked(request, 'sign_in', email);
    const user = await ctx.store.userByEmail(email);
    const hash = user ? await ctx.store.passwordHashOf(user.id) : undefined;
    const ok = await verifyPassword(hash ?? (await decoyHash()), password);
    if (!user || !hash || !ok) {
      fail(request, 'sign_in', email, user ? 'wrong_password' : 'unknown_email');
      throw new HttpError(401, 'wrong email or password');
    }
    account.reset(email);
    logSignIn(ctx, request, { event: 'sign_in', email, outcome: 'success', reason: 'signed_in' });
    return startSession(reply, user);
  });

  app.get('/api/session', async (request): Promise<SessionInfo> => ({ user: publicUser(request.user!), csrfToken: request.session!.csrfToken }));

  app.delete('/api/session', async (request, reply) => {
    await ctx.store.deleteSession(request.session!.token);
    clearSessionCookie(reply);
    return { signedOut: true };
  });

  app.get('/api/invitations/:token', { config: { access: 'public' } }, async (request): Promise<InvitationInfo> => {
    const { token } = parseInput(tokenParams, request.params);
    refuseWhileLocked(request, 'invitation', null);
    const inv = await usableInvitation(token);
    if (!inv) {
      fail(request, 'invitation', null, 'bad_invitation');
      throw new HttpError(410, UNUSABLE_INVITATION);
    }
    return { email: inv.email, expiresAt: new Date(inv.expiresAtMs).toISOString() };
  });

  app.post('/api/invitations/:token', { config: { access: 'public' } }, async (request, reply) => {
    const { token } = parseInput(tokenParams, request.params);
    refuseWhileLocked(request, 'invitation', null);
    // The token first: argon2 costs a large share of a second, which nobody without a link may spend.
    const inv = await usableInvitation(token);
    if (!inv) {
      fail(request, 'invitation', null, 'bad_invitation');
      throw new HttpError(410, UNUSABLE_INVITATION);
    }
    const body = parseInput(acceptInvitationBody, request.body);
    const problem = passwordProblem(body.password);
    if (problem) {
      logSignIn(ctx, request, { event: 'invitation', email: inv.email, outcome: 'failure', reason: 'weak_password' });
      throw new HttpError(422, problem, [{ path: 'password', message: problem }]);
    }
    const user = await ctx.store.acceptInvitation(token, { name: body.name.trim(), passwordHash: await hashPassword(body.password), nowMs: ctx.nowMs() });
    if (!user) {
      fail(request, 'invitation', inv.email, 'bad_invitation');
      throw new HttpError(410, UNUSABLE_INVITATION);
    }
    logSignIn(ctx, request, { event: 'invitation', email: user.email, outcome: 'success', reason: 'accepted' });
    reply.code(201);
    return startSession(reply, user);
  });
}
