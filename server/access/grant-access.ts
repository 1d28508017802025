import type { LoadedConfig } from '../../lib/config';
import { ENVIRONMENTS } from '../../lib/config-schema';
import { ConfigError } from '../../lib/errors';
import type { AccessGrant, AccessScope } from '../store/access-grants';
import { normalizeEmail, type AppStore } from '../store/app-store';

// Granting and revoking access to an environment or a connection, the same for `cdp user grant`
// and the admin's page: the account must exist, the scope must be one the config has, and an
// expiry must lie ahead. A bad request is a ConfigError naming what to fix.

export interface AccessRequest {
  email: string;
  scope: AccessScope;
  edit: boolean;
  delete: boolean;
  expiresAtMs: number | null;
}

/** Throws unless the scope is an environment cdp knows or a connection of the config. */
export function checkScope(config: LoadedConfig, scope: AccessScope): void {
  if (scope.kind === 'environment' && !(ENVIRONMENTS as readonly string[]).includes(scope.name)) {
    throw new ConfigError(`no environment "${scope.name}"; environments: ${ENVIRONMENTS.join(', ')}`);
  }
  if (scope.kind === 'connection' && !config.connections.some((c) => c.id === scope.name)) {
    throw new ConfigError(`no connection "${scope.name}" in ${config.file}; connections: ${config.connections.map((c) => c.id).join(', ') || 'none'}`);
  }
}

const describeScope = (scope: AccessScope) => `the ${scope.name} ${scope.kind}`;

/** What a grant allows, as a person reads it: "read, edit until 2027-01-01T00:00:00.000Z". */
export function describeRights(grant: Pick<AccessGrant, 'edit' | 'delete' | 'expiresAtMs'>): string {
  const levels = ['read', ...(grant.edit ? ['edit'] : []), ...(grant.delete ? ['delete'] : [])].join(', ');
  return grant.expiresAtMs === null ? levels : `${levels} until ${new Date(grant.expiresAtMs).toISOString()}`;
}

/** Grants (or changes) a member's access; says what was done. */
export async function grantAccess(store: AppStore, config: LoadedConfig, request: AccessRequest, by: { userId: number; nowMs: number }): Promise<string> {
  const email = normalizeEmail(request.email);
  const user = await store.userByEmail(email);
  if (!user) throw new ConfigError(`no user ${email}; add the account first (\`cdp user add ${email}\`)`);
  if (user.isAdmin) throw new ConfigError(`${email} is an admin and may do everything already`);
  checkScope(config, request.scope);
  if (request.expiresAtMs !== null && request.expiresAtMs <= by.nowMs) throw new ConfigError(`the expiry ${new Date(request.expiresAtMs).toISOString()} is in the past; pick a time ahead`);
  const grant: AccessGrant = { email, scope: request.scope, edit: request.edit, delete: request.delete, expiresAtMs: request.expiresAtMs, grantedBy: by.userId, createdAtMs: by.nowMs };
  await store.access.put(grant);
  return `${email} may now ${describeRights(grant)} ${describeScope(request.scope)}`;
}

/** Revokes a member's access to a scope; says what was done. */
export async function revokeAccess(store: AppStore, email: string, scope: AccessScope): Promise<string> {
  const normalized = normalizeEmail(email);
  if (!(await store.access.revoke(normalized, scope))) throw new ConfigError(`${normalized} has no access to ${describeScope(scope)}`);
  return `${normalized} no longer has access to ${describeScope(scope)}`;
}
