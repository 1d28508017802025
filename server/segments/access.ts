import { segmentIdByName } from '../../lib/segments/files';
import type { ServerContext } from '../context';
import { forbidden, notFound } from '../http-errors';
import type { User } from '../store/app-store';

// What a person may do with a segment. A segment created in the app belongs to its creator; one
// that exists only as a file (written with the CLI, or the generated `customers` segment) belongs
// to the admins. The owner does everything; anyone else needs an unexpired grant, read each time
// it is asked, so a revoked or expired grant stops working on that person's very next request.
// Owners and grants hang on the segment's id, so a new segment given an old name inherits neither.

export type Permission = 'read' | 'edit' | 'delete' | 'share';

export interface SegmentAccess {
  owned: boolean;
  read: boolean;
  edit: boolean;
  delete: boolean;
  /** Sharing and revoking are the owner's alone. */
  share: boolean;
  /** When the grant this access comes from ends; null for owners and grants without expiry. */
  expiresAtMs: number | null;
}

const NONE: SegmentAccess = { owned: false, read: false, edit: false, delete: false, share: false, expiresAtMs: null };

/** Whether the user owns the segment of that id: its creator, or an admin for a segment nobody created in the app. */
export function ownsSegment(ctx: ServerContext, user: User, segmentId: string, owners?: Map<string, number>): boolean {
  const owner = owners ? owners.get(segmentId) : ctx.store.segmentOwner(segmentId);
  return owner === undefined ? user.isAdmin : owner === user.id;
}

/** What the user may do with the segment of that name. */
export function segmentAccess(ctx: ServerContext, user: User, segment: string): SegmentAccess {
  const segmentId = segmentIdByName(ctx.config, segment);
  if (ownsSegment(ctx, user, segmentId)) return { owned: true, read: true, edit: true, delete: true, share: true, expiresAtMs: null };
  const grant = ctx.store.liveGrant(segmentId, user.email, ctx.nowMs());
  if (!grant) return NONE;
  // Edit and delete rights come with reading: nobody changes what they cannot see.
  return { owned: false, read: true, edit: grant.edit, delete: grant.delete, share: false, expiresAtMs: grant.expiresAtMs };
}

const VERB: Record<Permission, string> = { read: 'see', edit: 'edit', delete: 'delete', share: 'share or revoke' };

/**
 * Throws unless the user may do `what` with the segment. Someone with no access at all gets a 404,
 * so segment names are not revealed to people they were never shared with.
 */
export function requireSegment(ctx: ServerContext, user: User, segment: string, what: Permission): SegmentAccess {
  const access = segmentAccess(ctx, user, segment);
  if (!access.read) throw notFound(`segment "${segment}"`);
  if (!access[what]) throw forbidden(`${VERB[what]} segment "${segment}"`);
  return access;
}
