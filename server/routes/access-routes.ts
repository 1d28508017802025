import type { FastifyInstance } from 'fastify';
import { ENVIRONMENTS } from '../../lib/config-schema';
import { ConfigError } from '../../lib/errors';
import { grantAccess, revokeAccess } from '../access/grant-access';
import { accessGrantBody, accessScopeParams, type AccessOverview } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, parseInput } from '../http-errors';
import type { AccessScope } from '../store/access-grants';

// The admins' page of who may see which customers: every account with its access grants, granting
// an environment or a connection with read, edit and delete and an optional expiry, and revoking.

/** A request the grant rules refuse is the admin's to fix: 422 with the reason. */
async function asUnprocessable<T>(act: () => Promise<T>): Promise<T> {
  try {
    return await act();
  } catch (err) {
    if (err instanceof ConfigError) throw new HttpError(422, err.message);
    throw err;
  }
}

/** Registers the admins' routes of access grants. */
export function registerAccessRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const admin = { config: { access: 'admin' as const } };

  app.get('/api/access', admin, async (): Promise<AccessOverview> => {
    const now = ctx.nowMs();
    return {
      users: (await ctx.store.listUsers()).map((u) => ({ id: u.id, email: u.email, name: u.name, isAdmin: u.isAdmin })),
      grants: (await ctx.store.access.all()).map((g) => ({
        email: g.email,
        scope: g.scope,
        edit: g.edit,
        delete: g.delete,
        expiresAt: g.expiresAtMs === null ? null : new Date(g.expiresAtMs).toISOString(),
        expired: g.expiresAtMs !== null && g.expiresAtMs <= now,
        grantedAt: new Date(g.createdAtMs).toISOString(),
      })),
      environments: [...ENVIRONMENTS],
      connections: ctx.config.connections.map((c) => ({ id: c.id, source: c.source, environment: c.environment })),
    };
  });

  app.post('/api/access', admin, async (request, reply) => {
    const body = parseInput(accessGrantBody, request.body);
    const scope: AccessScope = body.environment ? { kind: 'environment', name: body.environment } : { kind: 'connection', name: body.connection! };
    const expiresAtMs = body.expiresAt ? Date.parse(body.expiresAt) : null;
    const message = await asUnprocessable(() =>
      grantAccess(ctx.store, ctx.config, { email: body.email, scope, edit: body.edit, delete: body.delete, expiresAtMs }, { userId: request.user!.id, nowMs: ctx.nowMs() }),
    );
    reply.code(201);
    return { message };
  });

  app.delete('/api/access/:email/:kind/:name', admin, async (request) => {
    const { email, kind, name } = parseInput(accessScopeParams, request.params);
    try {
      return { message: await revokeAccess(ctx.store, email, { kind, name }) };
    } catch (err) {
      if (err instanceof ConfigError) throw new HttpError(404, err.message);
      throw err;
    }
  });
}
