import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { decoyHash, hashPassword, passwordProblem, verifyPassword } from '../auth/passwords';
import { clearSessionCookie, setSessionCookie } from '../auth/session-guard';
import { acceptInvitationBody, signInBody, type InvitationInfo, type PublicUser, type SessionInfo } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import type { User } from '../store/app-store';

// Signing in and out, who is signed in (with the CSRF token the page sends back on every change),
// and invitations: the link a sharer got for an unknown email, which creates that account.

const tokenParams = z.object({ token: z.string().regex(/^[A-Za-z0-9_-]{20,100}$/, 'an invitation token') });

const publicUser = (u: User): PublicUser => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin });

/** Registers the routes of signing in and out, and invitations. */
export function registerSessionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const startSession = (reply: FastifyReply, user: User): SessionInfo => {
    const now = ctx.nowMs();
    const { token, session } = ctx.store.createSession(user.id, now);
    setSessionCookie(reply, token, session, now);
    return { user: publicUser(user), csrfToken: session.csrfToken };
  };

  app.post('/api/session', { config: { access: 'public' } }, async (request, reply) => {
    const { email, password } = parseInput(signInBody, request.body);
    const user = ctx.store.userByEmail(email);
    const hash = user ? ctx.store.passwordHashOf(user.id) : undefined;
    const ok = await verifyPassword(hash ?? (await decoyHash()), password);
    if (!user || !hash || !ok) throw new HttpError(401, 'wrong email or password');
    return startSession(reply, user);
  });

  app.get('/api/session', async (request): Promise<SessionInfo> => ({ user: publicUser(request.user!), csrfToken: request.session!.csrfToken }));

  app.delete('/api/session', async (request, reply) => {
    ctx.store.deleteSession(request.session!.token);
    clearSessionCookie(reply);
    return { signedOut: true };
  });

  app.get('/api/invitations/:token', { config: { access: 'public' } }, async (request): Promise<InvitationInfo> => {
    const { token } = parseInput(tokenParams, request.params);
    const inv = ctx.store.invitation(token);
    const usable = inv && inv.acceptedAtMs === null && inv.expiresAtMs > ctx.nowMs() && !ctx.store.userByEmail(inv.email);
    if (!inv || !usable) throw new HttpError(410, 'this invitation was used, has expired, or its email has an account already; sign in instead');
    return { email: inv.email, expiresAt: new Date(inv.expiresAtMs).toISOString() };
  });

  app.post('/api/invitations/:token', { config: { access: 'public' } }, async (request, reply) => {
    const { token } = parseInput(tokenParams, request.params);
    const body = parseInput(acceptInvitationBody, request.body);
    const problem = passwordProblem(body.password);
    if (problem) throw new HttpError(422, problem, [{ path: 'password', message: problem }]);
    const user = ctx.store.acceptInvitation(token, { name: body.name.trim(), passwordHash: await hashPassword(body.password), nowMs: ctx.nowMs() });
    if (!user) throw new HttpError(410, 'this invitation was used, has expired, or its email has an account already; sign in instead');
    reply.code(201);
    return startSession(reply, user);
  });
}
