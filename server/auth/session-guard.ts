import { timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { ServerContext } from '../context';
import { forbidden, HttpError, unauthorized } from '../http-errors';
import type { Session } from '../store/app-store';

// Who asks, checked before any handler runs: every route is for signed-in users unless it says
// otherwise. A state-changing request must also come from this app's own pages: its Origin (when a
// browser sends one) is this server, and it carries the session's CSRF token in a header that a
// page on another site cannot set.

export const SESSION_COOKIE = 'cdp_session';
export const CSRF_HEADER = 'x-csrf-token';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** A browser's Origin header must name this server; requests without one (curl, tests) carry no ambient authority. */
function checkOrigin(request: FastifyRequest): void {
  const origin = request.headers.origin;
  if (origin === undefined) return;
  // request.host is the Host header, or a trusted proxy's X-Forwarded-Host.
  const host = request.host;
  let ok = false;
  try {
    ok = Boolean(host) && new URL(origin).host === host;
  } catch {
    ok = false;
  }
  if (!ok) throw new HttpError(403, 'cross-site request refused');
}

export function setSessionCookie(reply: FastifyReply, token: string, session: Session, nowMs: number): void {
  reply.setCookie(SESSION_COOKIE, token, {
    httpOnly: true,
    sameSite: 'strict',
    path: '/',
    secure: reply.request.protocol === 'https',
    maxAge: Math.floor((session.expiresAtMs - nowMs) / 1000),
  });
}

export function clearSessionCookie(reply: FastifyReply): void {
  reply.clearCookie(SESSION_COOKIE, { path: '/' });
}

/** Registers the hook that resolves the session and enforces each route's `access` and CSRF. */
export function registerSessionGuard(app: FastifyInstance, ctx: ServerContext): void {
  app.decorateRequest('user', null);
  app.decorateRequest('session', null);
  app.addHook('onRequest', async (request) => {
    const token = request.cookies[SESSION_COOKIE];
    if (token) {
      const session = await ctx.store.sessionByToken(token, ctx.nowMs());
      const user = session && (await ctx.store.userById(session.userId));
      if (session && user) {
        request.session = { ...session, token };
        request.user = user;
      }
    }
    const access = request.routeOptions.config.access ?? 'user';
    const changes = !SAFE_METHODS.has(request.method);
    if (changes) checkOrigin(request);
    if (access === 'public') return;
    if (!request.user || !request.session) throw unauthorized();
    if (changes) {
      const sent = request.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, request.session.csrfToken)) throw new HttpError(403, 'missing or wrong CSRF token; reload the page');
    }
    if (access === 'admin' && !request.user.isAdmin) throw forbidden('do this: it is for admins');
  });
}
