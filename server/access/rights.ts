import type { ServerContext } from '../context';
import { HttpError } from '../http-errors';
import type { AccessGrant, AccessScope } from '../store/access-grants';
import type { User } from '../store/app-store';

// What a person may do with the customer data of an environment or a connection. Admins may do
// everything; a member may do what their unexpired access grants say, read from the store on every
// request, so a revoke or an expiry takes effect on the very next one. Reading comes with every
// grant; editing and deleting are granted each on its own.

export interface Rights {
  read: boolean;
  edit: boolean;
  delete: boolean;
  /** When the grants behind these rights end; null when one of them does not (and for admins). */
  expiresAtMs: number | null;
}

export type Level = 'read' | 'edit' | 'delete';

export const NO_RIGHTS: Rights = { read: false, edit: false, delete: false, expiresAtMs: null };
export const ALL_RIGHTS: Rights = { read: true, edit: true, delete: true, expiresAtMs: null };

/** The union of rights from several sources; they last as long as the longest-lived of them. */
export function unionOf(rights: Rights[]): Rights {
  const held = rights.filter((r) => r.read);
  if (!held.length) return NO_RIGHTS;
  const ends = held.map((r) => r.expiresAtMs);
  return {
    read: true,
    edit: held.some((r) => r.edit),
    delete: held.some((r) => r.delete),
    expiresAtMs: ends.includes(null) ? null : Math.max(...(ends as number[])),
  };
}

const rightsOf = (grant: AccessGrant): Rights => ({ read: true, edit: grant.edit, delete: grant.delete, expiresAtMs: grant.expiresAtMs });

async function grantedRights(ctx: ServerContext, user: User, scopes: AccessScope[]): Promise<Rights> {
  const grants = await ctx.store.access.liveOf(user.email, ctx.nowMs());
  return unionOf(grants.filter((g) => scopes.some((s) => s.kind === g.scope.kind && s.name === g.scope.name)).map(rightsOf));
}

/** A user's rights on every customer, segment and report of an environment. */
export async function environmentRights(ctx: ServerContext, user: User, environment: string): Promise<Rights> {
  if (user.isAdmin) return ALL_RIGHTS;
  return grantedRights(ctx, user, [{ kind: 'environment', name: environment }]);
}

/** A user's rights on a connection: its own grant, or its environment's. */
export async function connectionRights(ctx: ServerContext, user: User, connection: { id: string; environment: string }): Promise<Rights> {
  if (user.isAdmin) return ALL_RIGHTS;
  return grantedRights(ctx, user, [
    { kind: 'environment', name: connection.environment },
    { kind: 'connection', name: connection.id },
  ]);
}

const VERB: Record<Level, string> = { read: 'see', edit: 'change', delete: 'delete' };

/** Throws a 403 unless the user may `level` the customer data of the environment. */
export async function requireEnvironment(ctx: ServerContext, user: User, environment: string, level: Level): Promise<Rights> {
  const rights = await environmentRights(ctx, user, environment);
  if (!rights[level]) throw new HttpError(403, `you may not ${VERB[level]} the customer data of the ${environment} environment; an admin grants access (\`cdp user grant\`)`);
  return rights;
}
