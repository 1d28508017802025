import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { SEGMENT_NAME } from '../../lib/segments/definition';
import { findSegment, segmentIdByName } from '../../lib/segments/files';
import { grantBody, type GrantList, type GrantResult } from '../api-schema';
import type { ServerContext } from '../context';
import { HttpError, notFound, parseInput } from '../http-errors';
import { requireSegment } from '../segments/access';
import { normalizeEmail } from '../store/app-store';

// Sharing a segment with an email, as seller tools do: read, edit and delete chosen each, an
// optional expiry. A person who has an account gets access at once; anyone else gets an invitation
// link that creates the account when an admin shares (a link makes whoever opens it that email's
// account). Only the owner shares, lists and revokes.

const nameParams = z.object({ name: z.string().regex(SEGMENT_NAME, 'a segment name') });
const grantParams = nameParams.extend({ email: z.string().min(3).max(320) });

/** The link an invited person opens; the token travels in the fragment, so it never reaches a server log. */
export function invitationUrl(request: FastifyRequest, token: string): string {
  return `${request.protocol}://${request.host}/#/invite/${token}`;
}

/** Registers the routes of sharing a segment, listing and revoking its grants. */
export function registerSharingRoutes(app: FastifyInstance, ctx: ServerContext): void {
  app.get('/api/segments/:name/grants', async (request): Promise<GrantList> => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'share');
    const now = ctx.nowMs();
    const grants = await ctx.store.grantsOfSegment(segmentIdByName(ctx.config, name));
    const accounts = new Set((await ctx.store.listUsers()).map((u) => u.email));
    return {
      grants: grants.map((g) => ({
        email: g.email,
        read: g.read,
        edit: g.edit,
        delete: g.delete,
        expiresAt: g.expiresAtMs === null ? null : new Date(g.expiresAtMs).toISOString(),
        expired: g.expiresAtMs !== null && g.expiresAtMs <= now,
        hasAccount: accounts.has(g.email),
        grantedAt: new Date(g.createdAtMs).toISOString(),
      })),
    };
  });

  app.post('/api/segments/:name/grants', async (request, reply): Promise<GrantResult> => {
    const { name } = parseInput(nameParams, request.params);
    await requireSegment(ctx, request.user!, name, 'share');
    try {
      findSegment(ctx.config, name);
    } catch {
      throw notFound(`segment "${name}"`);
    }
    const body = parseInput(grantBody, request.body);
    const email = normalizeEmail(body.email);
    if (email === request.user!.email) throw new HttpError(422, 'you own this segment already', [{ path: 'email', message: 'that is you' }]);
    const now = ctx.nowMs();
    const expiresAtMs = body.expiresAt ? Date.parse(body.expiresAt) : null;
    if (expiresAtMs !== null && expiresAtMs <= now) throw new HttpError(422, 'the expiry is in the past', [{ path: 'expiresAt', message: 'pick a time in the future' }]);
    // Edit and delete come with read: nobody changes what they cannot see.
    await ctx.store.putGrant({ segment: segmentIdByName(ctx.config, name), email, read: true, edit: body.edit, delete: body.delete, expiresAtMs, grantedBy: request.user!.id, createdAtMs: now });
    const known = (await ctx.store.userByEmail(email)) !== undefined;
    reply.code(201);
    if (known) return { email, invitation: null };
    // Whoever opens an invitation link becomes that email's account, with every grant made to it:
    // only an admin hands such links out. Anyone else's grant waits until an admin adds the account.
    if (!request.user!.isAdmin) return { email, invitation: null, note: `${email} has no account yet: the grant applies once an admin adds it` };
    const token = await ctx.store.createInvitation(email, request.user!.id, now);
    return { email, invitation: invitationUrl(request, token) };
  });

  app.delete('/api/segments/:name/grants/:email', async (request) => {
    const { name, email } = parseInput(grantParams, request.params);
    await requireSegment(ctx, request.user!, name, 'share');
    if (!(await ctx.store.revokeGrant(segmentIdByName(ctx.config, name), email))) throw notFound(`a grant of "${name}" to ${email}`);
    return { revoked: normalizeEmail(email) };
  });
}
