import type Database from 'libsql';

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

export const ACCESS_GRANTS_SCHEMA = `
create table if not exists access_grants (
  email text not null,
  scope_kind text not null check (scope_kind in ('environment', 'connection')),
  scope_name text not null,
  can_edit integer not null,
  can_delete integer not null,
  expires_at_ms integer,
  granted_by integer not null,
  created_at_ms integer not null,
  primary key (email, scope_kind, scope_name)
);
`;

type Row = Record<string, unknown>;

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
export class AccessGrantTable {
  constructor(private readonly db: Database.Database) {}

  /** Creates or replaces the grant of a scope to an email. */
  put(grant: AccessGrant): void {
    this.db
      .prepare(
        `insert into access_grants (email, scope_kind, scope_name, can_edit, can_delete, expires_at_ms, granted_by, created_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?)
         on conflict (email, scope_kind, scope_name) do update set can_edit = excluded.can_edit, can_delete = excluded.can_delete,
           expires_at_ms = excluded.expires_at_ms, granted_by = excluded.granted_by, created_at_ms = excluded.created_at_ms`,
      )
      .run(grant.email, grant.scope.kind, grant.scope.name, grant.edit ? 1 : 0, grant.delete ? 1 : 0, grant.expiresAtMs, grant.grantedBy, grant.createdAtMs);
  }

  /** Every grant, expired ones included (an admin sees until when each ran). */
  all(): AccessGrant[] {
    return (this.db.prepare('select * from access_grants order by email, scope_kind, scope_name').all() as Row[]).map(toAccessGrant);
  }

  /** The unexpired grants an email holds. */
  liveOf(email: string, nowMs: number): AccessGrant[] {
    const rows = this.db.prepare('select * from access_grants where email = ? and (expires_at_ms is null or expires_at_ms > ?)').all(email, nowMs) as Row[];
    return rows.map(toAccessGrant);
  }

  revoke(email: string, scope: AccessScope): boolean {
    return this.db.prepare('delete from access_grants where email = ? and scope_kind = ? and scope_name = ?').run(email, scope.kind, scope.name).changes > 0;
  }

  removeAllOf(email: string): void {
    this.db.prepare('delete from access_grants where email = ?').run(email);
  }
}
