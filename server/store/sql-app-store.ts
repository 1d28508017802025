import { accessGrantsSchema, SqlAccessGrants, type AccessGrants } from './access-grants';
import { hashToken, INVITATION_TTL_MS, newToken, normalizeEmail, SESSION_TTL_MS, type AppStore, type Grant, type Invitation, type Session, type User } from './app-store';
import type { Row, SqlDatabase, SqlDialect, SqlExecutor } from './sql-database';

// The app store's tables and queries, one text for SQLite and PostgreSQL: `?` parameters, numbers
// for flags and times (epoch milliseconds), `on conflict ... do update` for upserts. What differs
// is in the dialect: the width of an integer column and how an id numbers itself.

const appSchema = (d: SqlDialect): string => `
create table if not exists users (
  id ${d.autoId},
  email text not null unique,
  name text not null default '',
  password_hash text not null,
  is_admin ${d.integer} not null default 0,
  created_at_ms ${d.integer} not null
);
create table if not exists sessions (
  token_hash text primary key,
  user_id ${d.integer} not null references users(id) on delete cascade,
  csrf_token text not null,
  created_at_ms ${d.integer} not null,
  expires_at_ms ${d.integer} not null
);
create table if not exists segment_owners (
  segment text primary key,
  user_id ${d.integer} not null references users(id) on delete cascade,
  created_at_ms ${d.integer} not null
);
create table if not exists grants (
  segment text not null,
  email text not null,
  can_read ${d.integer} not null,
  can_edit ${d.integer} not null,
  can_delete ${d.integer} not null,
  expires_at_ms ${d.integer},
  granted_by ${d.integer} not null,
  created_at_ms ${d.integer} not null,
  primary key (segment, email)
);
create table if not exists invitations (
  token_hash text primary key,
  email text not null,
  invited_by ${d.integer} not null,
  created_at_ms ${d.integer} not null,
  expires_at_ms ${d.integer} not null,
  accepted_at_ms ${d.integer}
);
`;

const toUser = (r: Row): User => ({
  id: Number(r.id),
  email: String(r.email),
  name: String(r.name ?? ''),
  isAdmin: Number(r.is_admin) === 1,
  createdAtMs: Number(r.created_at_ms),
});

const toGrant = (r: Row): Grant => ({
  segment: String(r.segment),
  email: String(r.email),
  read: Number(r.can_read) === 1,
  edit: Number(r.can_edit) === 1,
  delete: Number(r.can_delete) === 1,
  expiresAtMs: r.expires_at_ms === null || r.expires_at_ms === undefined ? null : Number(r.expires_at_ms),
  grantedBy: Number(r.granted_by),
  createdAtMs: Number(r.created_at_ms),
});

/** The app store over a SQL database, SQLite or PostgreSQL: the same statements on both. */
export class SqlAppStore implements AppStore {
  readonly access: AccessGrants;

  private constructor(
    private readonly db: SqlDatabase,
    private readonly q: SqlExecutor,
  ) {
    this.access = new SqlAccessGrants(q);
  }

  /** The store on a database, its tables made when missing. */
  static async open(db: SqlDatabase): Promise<SqlAppStore> {
    try {
      await db.exec(appSchema(db.dialect) + accessGrantsSchema(db.dialect));
    } catch (err) {
      await db.close().catch(() => undefined);
      throw err;
    }
    return new SqlAppStore(db, db);
  }

  /** Runs `act` on a copy of the store bound to one write transaction. */
  private inTransaction<T>(act: (store: SqlAppStore) => Promise<T>): Promise<T> {
    return this.db.transaction((tx) => act(new SqlAppStore(this.db, tx)));
  }

  close(): Promise<void> {
    return this.db.close();
  }

  // Users

  addUser(input: { email: string; name?: string; passwordHash: string; isAdmin?: boolean; nowMs: number }): Promise<User> {
    return this.inTransaction(async (tx) => {
      const first = Number((await tx.q.one('select count(*) as n from users'))!.n) === 0;
      const email = normalizeEmail(input.email);
      await tx.q.run(
        'insert into users (email, name, password_hash, is_admin, created_at_ms) values (?, ?, ?, ?, ?)',
        email,
        input.name ?? '',
        input.passwordHash,
        first || input.isAdmin ? 1 : 0,
        input.nowMs,
      );
      return (await tx.userByEmail(email))!;
    });
  }

  async userByEmail(email: string): Promise<User | undefined> {
    const r = await this.q.one('select * from users where email = ?', normalizeEmail(email));
    return r && toUser(r);
  }

  async userById(id: number): Promise<User | undefined> {
    const r = await this.q.one('select * from users where id = ?', id);
    return r && toUser(r);
  }

  async passwordHashOf(userId: number): Promise<string | undefined> {
    const r = await this.q.one('select password_hash from users where id = ?', userId);
    return r ? String(r.password_hash) : undefined;
  }

  async listUsers(): Promise<User[]> {
    return (await this.q.all('select * from users order by email')).map(toUser);
  }

  setPassword(userId: number, passwordHash: string): Promise<void> {
    return this.inTransaction(async (tx) => {
      await tx.q.run('update users set password_hash = ? where id = ?', passwordHash, userId);
      await tx.q.run('delete from sessions where user_id = ?', userId);
    });
  }

  removeUser(userId: number): Promise<void> {
    return this.inTransaction(async (tx) => {
      const email = (await tx.userById(userId))?.email;
      if (email !== undefined) {
        await tx.q.run('delete from grants where email = ?', email);
        await tx.access.removeAllOf(email);
        await tx.q.run('delete from invitations where email = ?', email);
      }
      await tx.q.run('delete from invitations where invited_by = ? and accepted_at_ms is null', userId);
      await tx.q.run('delete from users where id = ?', userId);
    });
  }

  // Sessions

  async createSession(userId: number, nowMs: number): Promise<{ token: string; session: Session }> {
    const token = newToken();
    const session: Session = { userId, csrfToken: newToken(), expiresAtMs: nowMs + SESSION_TTL_MS };
    await this.q.run('delete from sessions where expires_at_ms <= ?', nowMs);
    await this.q.run(
      'insert into sessions (token_hash, user_id, csrf_token, created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?)',
      hashToken(token),
      userId,
      session.csrfToken,
      nowMs,
      session.expiresAtMs,
    );
    return { token, session };
  }

  async sessionByToken(token: string, nowMs: number): Promise<Session | undefined> {
    const r = await this.q.one('select * from sessions where token_hash = ? and expires_at_ms > ?', hashToken(token), nowMs);
    return r && { userId: Number(r.user_id), csrfToken: String(r.csrf_token), expiresAtMs: Number(r.expires_at_ms) };
  }

  async deleteSession(token: string): Promise<void> {
    await this.q.run('delete from sessions where token_hash = ?', hashToken(token));
  }

  // Segment owners

  async segmentOwner(segment: string): Promise<number | undefined> {
    const r = await this.q.one('select user_id from segment_owners where segment = ?', segment);
    return r ? Number(r.user_id) : undefined;
  }

  async segmentOwners(): Promise<Map<string, number>> {
    return new Map((await this.q.all('select segment, user_id from segment_owners')).map((r) => [String(r.segment), Number(r.user_id)]));
  }

  async setSegmentOwner(segment: string, userId: number, nowMs: number): Promise<void> {
    await this.q.run('insert into segment_owners (segment, user_id, created_at_ms) values (?, ?, ?) on conflict (segment) do update set user_id = excluded.user_id', segment, userId, nowMs);
  }

  forgetSegment(segment: string): Promise<void> {
    return this.inTransaction(async (tx) => {
      await tx.q.run('delete from segment_owners where segment = ?', segment);
      await tx.q.run('delete from grants where segment = ?', segment);
    });
  }

  // Grants

  async putGrant(grant: Grant): Promise<void> {
    await this.q.run(
      `insert into grants (segment, email, can_read, can_edit, can_delete, expires_at_ms, granted_by, created_at_ms) values (?, ?, ?, ?, ?, ?, ?, ?)
       on conflict (segment, email) do update set can_read = excluded.can_read, can_edit = excluded.can_edit, can_delete = excluded.can_delete,
         expires_at_ms = excluded.expires_at_ms, granted_by = excluded.granted_by, created_at_ms = excluded.created_at_ms`,
      grant.segment,
      normalizeEmail(grant.email),
      grant.read ? 1 : 0,
      grant.edit ? 1 : 0,
      grant.delete ? 1 : 0,
      grant.expiresAtMs,
      grant.grantedBy,
      grant.createdAtMs,
    );
  }

  async grantsOfSegment(segment: string): Promise<Grant[]> {
    return (await this.q.all('select * from grants where segment = ? order by email', segment)).map(toGrant);
  }

  async liveGrant(segment: string, email: string, nowMs: number): Promise<Grant | undefined> {
    const r = await this.q.one('select * from grants where segment = ? and email = ? and (expires_at_ms is null or expires_at_ms > ?)', segment, normalizeEmail(email), nowMs);
    return r && toGrant(r);
  }

  async liveGrantsOf(email: string, nowMs: number): Promise<Grant[]> {
    return (await this.q.all('select * from grants where email = ? and (expires_at_ms is null or expires_at_ms > ?) order by segment', normalizeEmail(email), nowMs)).map(toGrant);
  }

  async revokeGrant(segment: string, email: string): Promise<boolean> {
    return (await this.q.run('delete from grants where segment = ? and email = ?', segment, normalizeEmail(email))) > 0;
  }

  // Invitations

  async createInvitation(email: string, invitedBy: number, nowMs: number): Promise<string> {
    const token = newToken();
    await this.q.run(
      'insert into invitations (token_hash, email, invited_by, created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?)',
      hashToken(token),
      normalizeEmail(email),
      invitedBy,
      nowMs,
      nowMs + INVITATION_TTL_MS,
    );
    return token;
  }

  async invitation(token: string): Promise<Invitation | undefined> {
    const r = await this.q.one('select * from invitations where token_hash = ?', hashToken(token));
    return (
      r && {
        email: String(r.email),
        invitedBy: Number(r.invited_by),
        expiresAtMs: Number(r.expires_at_ms),
        acceptedAtMs: r.accepted_at_ms === null ? null : Number(r.accepted_at_ms),
      }
    );
  }

  acceptInvitation(token: string, input: { name: string; passwordHash: string; nowMs: number }): Promise<User | undefined> {
    return this.inTransaction(async (tx) => {
      const inv = await tx.invitation(token);
      if (!inv || inv.acceptedAtMs !== null || inv.expiresAtMs <= input.nowMs || (await tx.userByEmail(inv.email))) return undefined;
      await tx.q.run('update invitations set accepted_at_ms = ? where token_hash = ?', input.nowMs, hashToken(token));
      await tx.q.run('insert into users (email, name, password_hash, is_admin, created_at_ms) values (?, ?, ?, 0, ?)', inv.email, input.name, input.passwordHash, input.nowMs);
      return tx.userByEmail(inv.email);
    });
  }
}
