import { segmentIdOf } from '../../lib/segments/definition';
import { findSegment } from '../../lib/segments/files';
import { ALL_RIGHTS, environmentRights, NO_RIGHTS, unionOf, type Rights } from '../access/rights';
import type { ServerContext } from '../context';
import { forbidden, notFound } from '../http-errors';
import type { Grant, User } from '../store/app-store';

// What a person may do with a segment. A segment created in the app belongs to its creator; one
// that exists only as a file (written with the CLI, or the generated `customers` segment) belongs
// to the admins. Rights come from four places, and add up:
// - admins may do everything with every segment;
// - the owner may do everything while they may read the segment's environment;
// - an access grant on the environment gives its rights on every segment of it;
// - a segment grant gives its rights on that one segment, while whoever made it may still share it.
// Everything is read from the store on each request, so a revoke or an expiry counts at once.
// Owners and grants hang on the segment's id, so a new segment given an old name inherits neither.

export type Permission = 'read' | 'edit' | 'delete' | 'share';

export interface SegmentAccess extends Rights {
  owned: boolean;
  /** Sharing and revoking are the owner's and the admins'. */
  share: boolean;
}

/** A segment as access sees it: its name, its id, the environment its rules read, and its owner (none for a file). */
export interface SegmentRef {
  name: string;
  id: string;
  environment: string;
  ownerId: number | undefined;
}

const NONE: SegmentAccess = { ...NO_RIGHTS, owned: false, share: false };

/** The segment a name stands for, or undefined when there is none (or its file is not valid: only admins see those). */
export async function segmentRef(ctx: ServerContext, name: string, owners?: Map<string, number>): Promise<SegmentRef | undefined> {
  let definition;
  try {
    definition = findSegment(ctx.config, name).definition;
  } catch {
    return undefined;
  }
  const id = segmentIdOf(definition);
  return { name, id, environment: definition.environment, ownerId: owners ? owners.get(id) : await ctx.store.segmentOwner(id) };
}

/** Whether the user owns the segment: its creator, or an admin for a segment nobody created in the app. */
export function ownsSegment(user: User, segment: SegmentRef): boolean {
  return segment.ownerId === undefined ? user.isAdmin : segment.ownerId === user.id;
}

/** Whether a segment grant still stands: its maker is an admin, or still owns the segment and may read its environment. */
async function grantStands(ctx: ServerContext, grant: Grant, segment: SegmentRef): Promise<boolean> {
  const maker = await ctx.store.userById(grant.grantedBy);
  if (!maker) return false;
  return maker.isAdmin || (segment.ownerId === maker.id && (await environmentRights(ctx, maker, segment.environment)).read);
}

/** Everything the user may do with the segment. */
export async function segmentAccess(ctx: ServerContext, user: User, segment: SegmentRef): Promise<SegmentAccess> {
  const owned = ownsSegment(user, segment);
  if (user.isAdmin) return { ...ALL_RIGHTS, owned, share: true };
  const environment = await environmentRights(ctx, user, segment.environment);
  if (owned && environment.read) return { ...ALL_RIGHTS, owned, share: true, expiresAtMs: environment.expiresAtMs };
  const grant = await ctx.store.liveGrant(segment.id, user.email, ctx.nowMs());
  // Edit and delete rights come with reading: nobody changes what they cannot see.
  const granted: Rights = grant && (await grantStands(ctx, grant, segment)) ? { read: true, edit: grant.edit, delete: grant.delete, expiresAtMs: grant.expiresAtMs } : NO_RIGHTS;
  const rights = unionOf([environment, granted]);
  return rights.read ? { ...rights, owned: false, share: false } : NONE;
}

const VERB: Record<Permission, string> = { read: 'see', edit: 'edit', delete: 'delete', share: 'share or revoke' };

/**
 * Throws unless the user may do `what` with the segment. Someone with no access at all gets a 404,
 * so segment names are not revealed to people they were never shared with. An admin may act on a
 * segment file that is not valid (to delete it); everyone else finds none.
 */
export async function requireSegment(ctx: ServerContext, user: User, name: string, what: Permission): Promise<SegmentAccess> {
  const segment = await segmentRef(ctx, name);
  if (!segment) {
    if (user.isAdmin) return { ...ALL_RIGHTS, owned: true, share: true };
    throw notFound(`segment "${name}"`);
  }
  const access = await segmentAccess(ctx, user, segment);
  if (!access.read) throw notFound(`segment "${name}"`);
  if (!access[what]) throw forbidden(`${VERB[what]} segment "${name}"`);
  return access;
}
