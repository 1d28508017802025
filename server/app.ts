import cookie from '@fastify/cookie';
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify';
import fs from 'node:fs';
import path from 'node:path';
import { SyncAlreadyRunningError } from '../app/errors';
import { CdpError } from '../lib/errors';
import { registerSessionGuard } from './auth/session-guard';
import type { ServerContext } from './context';
import { HttpError } from './http-errors';
import { registerHostGuard } from './net/serve-settings';
import { withoutServerPaths } from './public-message';
import { registerAccessRoutes } from './routes/access-routes';
import { REPORT_CSP, registerAttributionRoutes } from './routes/attribution-routes';
import { registerConnectionRoutes } from './routes/connection-routes';
import { registerMemberRoutes } from './routes/member-routes';
import { registerSegmentRoutes } from './routes/segment-routes';
import { registerSessionRoutes } from './routes/session-routes';
import { registerSharingRoutes } from './routes/sharing-routes';
import { AppStoreUnavailableError } from './store/errors';

// The `cdp serve` HTTP app: a JSON API under /api, the attribution report under /reports, and the
// built page. Requests are JSON only: a cross-site HTML form (urlencoded, multipart, text/plain)
// cannot reach a handler, on top of the CSRF token and Origin checks of the session guard.

const APP_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "frame-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

const CONTENT_TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
};

function statusOf(err: unknown): number {
  if (err instanceof HttpError) return err.statusCode;
  if (err instanceof SyncAlreadyRunningError) return 409;
  if (err instanceof AppStoreUnavailableError) return 503;
  if (err instanceof CdpError) return 409;
  const code = (err as FastifyError).statusCode;
  return typeof code === 'number' && code >= 400 && code < 500 ? code : 500;
}

function registerPage(app: FastifyInstance, webDir: string): void {
  const index = fs.readFileSync(path.join(webDir, 'index.html'));
  app.get('/', { config: { access: 'public' } }, async (_request, reply) => reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(index));
  app.get('/assets/:file', { config: { access: 'public' } }, async (request, reply) => {
    const { file } = request.params as { file: string };
    const type = CONTENT_TYPES[path.extname(file)];
    const full = path.join(webDir, 'assets', file);
    if (!/^[A-Za-z0-9._-]+$/.test(file) || !type || !fs.existsSync(full)) throw new HttpError(404, 'no such file');
    // Built file names carry a content hash: a changed file is a new name.
    return reply.type(type).header('cache-control', 'public, max-age=31536000, immutable').send(fs.readFileSync(full));
  });
}

export interface RouteInfo {
  method: string;
  url: string;
  access: 'public' | 'user' | 'admin';
}

/** The app, ready to listen, and every route it serves with who may call it; `webDir` is a built page (see web-build.ts). */
export async function buildApp(ctx: ServerContext, webDir: string): Promise<{ app: FastifyInstance; routes: RouteInfo[] }> {
  const { trustedProxies } = ctx.serve;
  const app = Fastify({ logger: false, bodyLimit: 256 * 1024, trustProxy: trustedProxies.length ? trustedProxies : false });
  const routes: RouteInfo[] = [];
  app.addHook('onRoute', (r) => {
    for (const method of [r.method].flat()) if (method !== 'HEAD') routes.push({ method, url: r.url, access: r.config?.access ?? 'user' });
  });
  app.removeContentTypeParser('text/plain');
  await app.register(cookie);

  app.addHook('onSend', async (request, reply) => {
    const report = request.url.startsWith('/reports/');
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    if (!report) {
      reply.header('content-security-policy', APP_CSP);
      reply.header('x-frame-options', 'DENY');
    } else reply.header('content-security-policy', REPORT_CSP);
    if (request.url.startsWith('/api/') || report) reply.header('cache-control', 'no-store');
  });

  app.setErrorHandler(async (err, request, reply) => {
    const status = statusOf(err);
    if (status === 500) console.error(`cdp serve: ${request.method} ${request.url}: ${(err as Error).stack ?? String(err)}`);
    // Which database server the app uses is the operator's business, not the client's.
    if (status === 503) console.error(`cdp serve: ${request.method} ${request.url}: ${(err as Error).message}`);
    const message =
      status === 500 ? 'internal error; the server log has the details' : status === 503 ? "the app's database cannot be reached; try again shortly" : withoutServerPaths(ctx.config, (err as Error).message);
    const problems = err instanceof HttpError && err.problems ? err.problems.map((p) => ({ path: p.path, message: withoutServerPaths(ctx.config, p.message) })) : undefined;
    if (err instanceof HttpError && err.retryAfterSeconds !== undefined) reply.header('retry-after', String(err.retryAfterSeconds));
    return reply.code(status).send({ error: message, ...(problems ? { problems } : {}) });
  });
  app.setNotFoundHandler({ preHandler: undefined }, async (_request, reply) => reply.code(404).send({ error: 'not found' }));

  registerHostGuard(app, ctx.serve);
  registerSessionGuard(app, ctx);
  registerPage(app, webDir);
  registerSessionRoutes(app, ctx);
  registerSegmentRoutes(app, ctx);
  registerMemberRoutes(app, ctx);
  registerSharingRoutes(app, ctx);
  registerAccessRoutes(app, ctx);
  registerConnectionRoutes(app, ctx);
  registerAttributionRoutes(app, ctx);
  return { app, routes };
}
