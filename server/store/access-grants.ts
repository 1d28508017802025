import type { Row, SqlDialect, SqlExecutor } from './sql-database';

// Access to customer data: an admin grants a member one environment (every customer, segment and
// report of it) or one connection (its status and its sync and schedule buttons), to read, and
// optionally to edit and to delete, with an optional expiry. Rows name the member by email, like
// segment grants, so `cdp user remove` takes them away with the account.

export type ScopeKind = 'environment' | 'connection';

export interface AccessScope {
  kind: ScopeKind;
  /** `live` or `sandbox` for an environment; the connection's id for a connection. */
  name: string;
}

export interface AccessGrant {
  email: string;
  scope: AccessScope;
  edit: boolean;
  delete: boolean;
  /** Null for a grant that does not expire. */
  expiresAtMs: number | null;
  grantedBy: number;
  createdAtMs: number;
}

/** The table's definition in a dialect. */
export const accessGrantsSchema = (d: SqlDialect): string => `
create table if not exists access_grants (
  email text not null,
  scope_kind text not null check (scope_kind in ('environment', 'connection')),
  scope_name text not null,
  can_edit ${d.integer} not null,
  can_delete ${d.integer} not null,
  expires_at_ms ${d.integer},
  granted_by ${d.integer} not null,
  created_at_ms ${d.integer} not null,
  primary key (email, scope_kind, scope_name)
);
`;

const toAccessGrant = (r: Row): AccessGrant => ({
  email: String(r.email),
  scope: { kind: String(r.scope_kind) as ScopeKind, name: String(r.scope_name) },
  edit: Number(r.can_edit) === 1,
  delete: Number(r.can_delete) === 1,
  expiresAtMs: r.expires_at_ms === null || r.expires_at_ms === undefined ? null : Number(r.expires_at_ms),
  grantedBy: Number(r.granted_by),
  createdAtMs: Number(r.created_at_ms),
});

/** The access_grants table of the app store; emails arrive normalized. */
export interface AccessGrants {
  /** Creates or replaces the grant of a scope to an email. */
  put(grant: AccessGrant): Promise<void>;
  /** Every grant, expired ones included (an admin sees until when each ran). */
  all(): Promise<AccessGrant[]>;
  /** The unexpired grants an email holds. */
  liveOf(email: string, nowMs: number): Promise<AccessGrant[]>;
  revoke(email: string, scope: AccessScope): Promise<boolean>;
  removeAllOf(email: string): Promise<void>;
}

/** The access_grants table over either database. */
export class SqlAccessGrants implements AccessGrants {
  constructor(private readonly q: SqlExecutor) {}

  async put(grant: AccessGrant): Promise<void> {
    await this.q.run(
      `insert into access_grants (email, scope_kind, scope_name, can_edit, can_delete, expires_at_ms, granted_by, created_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (email, scope_kind, scope_name) do update set can_edit = excluded.can_edit, can_delete = excluded.can_delete,
         expires_at_ms = excluded.expires_at_ms, granted_by = excluded.granted_by, created_at_ms = excluded.created_at_ms`,
      grant.email,
      grant.scope.kind,
      grant.scope.name,
      grant.edit ? 1 : 0,
      grant.delete ? 1 : 0,
      grant.expiresAtMs,
      grant.grantedBy,
      grant.createdAtMs,
    );
  }

  async all(): Promise<AccessGrant[]> {
    return (await this.q.all('select * from access_grants order by email, scope_kind, scope_name')).map(toAccessGrant);
  }

  async liveOf(email: string, nowMs: number): Promise<AccessGrant[]> {
    return (await this.q.all('select * from access_grants where email = ? and (expires_at_ms is null or expires_at_ms > ?) order by scope_kind, scope_name', email, nowMs)).map(toAccessGrant);
  }

  async revoke(email: string, scope: AccessScope): Promise<boolean> {
    return (await this.q.run('delete from access_grants where email = ? and scope_kind = ? and scope_name = ?', email, scope.kind, scope.name)) > 0;
  }

  async removeAllOf(email: string): Promise<void> {
    await this.q.run('delete from access_grants where email = ?', email);
  }
}
