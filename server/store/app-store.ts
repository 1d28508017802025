import Database from 'libsql';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { DataLayout } from '../../lib/paths';
import { ACCESS_GRANTS_SCHEMA, AccessGrantTable } from './access-grants';

// The web app's own state: users, sessions, access grants, segment owners, sharing grants and
// invitations. It is a SQLite file beside the warehouse, never inside it, because every build
// replaces the warehouse file. SQLite's locking lets `cdp user add` write while `cdp serve` reads.

export interface User {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
  createdAtMs: number;
}

export interface Session {
  userId: number;
  csrfToken: string;
  expiresAtMs: number;
}

export interface Grant {
  /** The segment's id (its name, for a segment file that states no id). */
  segment: string;
  email: string;
  read: boolean;
  edit: boolean;
  delete: boolean;
  /** Null for a grant that does not expire. */
  expiresAtMs: number | null;
  grantedBy: number;
  createdAtMs: number;
}

export interface Invitation {
  email: string;
  invitedBy: number;
  expiresAtMs: number;
  acceptedAtMs: number | null;
}

const SCHEMA = `
create table if not exists users (
  id integer primary key,
  email text not null unique,
  name text not null default '',
  password_hash text not null,
  is_admin integer not null default 0,
  created_at_ms integer not null
);
create table if not exists sessions (
  token_hash text primary key,
  user_id integer not null references users(id) on delete cascade,
  csrf_token text not null,
  created_at_ms integer not null,
  expires_at_ms integer not null
);
create table if not exists segment_owners (
  segment text primary key,
  user_id integer not null references users(id) on delete cascade,
  created_at_ms integer not null
);
create table if not exists grants (
  segment text not null,
  email text not null,
  can_read integer not null,
  can_edit integer not null,
  can_delete integer not null,
  expires_at_ms integer,
  granted_by integer not null,
  created_at_ms integer not null,
  primary key (segment, email)
);
create table if not exists invitations (
  token_hash text primary key,
  email text not null,
  invited_by integer not null,
  created_at_ms integer not null,
  expires_at_ms integer not null,
  accepted_at_ms integer
);
`;

export const SESSION_TTL_MS = 7 * 86_400_000;
export const INVITATION_TTL_MS = 14 * 86_400_000;

/** Emails compare as people type them: trimmed, lower-case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Tokens travel to the browser; only their hashes are stored, so a copy of the store opens no session. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const newToken = (): string => randomBytes(32).toString('base64url');

/** The app store's file under the data folder. */
export const appStorePath = (layout: DataLayout): string => path.join(layout.root, 'app', 'app.sqlite');

type Row = Record<string, unknown>;

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

export class AppStore {
  /** Who may read, edit and delete the customer data of which environment or connection. */
  readonly access: AccessGrantTable;

  private constructor(private readonly db: Database.Database) {
    this.access = new AccessGrantTable(db);
  }

  /** Opens (and creates when missing) the store; a writer waits up to five seconds for another's lock. */
  static open(file: string): AppStore {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    db.exec(SCHEMA);
    db.exec(ACCESS_GRANTS_SCHEMA);
    return new AppStore(db);
  }

  close(): void {
    this.db.close();
  }

  private one(sql: string, ...params: unknown[]): Row | undefined {
    return this.db.prepare(sql).get(...params) as Row | undefined;
  }

  private all(sql: string, ...params: unknown[]): Row[] {
    return this.db.prepare(sql).all(...params) as Row[];
  }

  private run(sql: string, ...params: unknown[]): number {
    return this.db.prepare(sql).run(...params).changes;
  }

  // Users

  /** Adds a user; the first user of a store is an admin whatever `isAdmin` says, so a new install is never locked out. */
  addUser(input: { email: string; name?: string; passwordHash: string; isAdmin?: boolean; nowMs: number }): User {
    return this.db.transaction(() => {
      const first = Number(this.one('select count(*) as n from users')!.n) === 0;
      const email = normalizeEmail(input.email);
      this.run(
        'insert into users (email, name, password_hash, is_admin, created_at_ms) values (?, ?, ?, ?, ?)',
        email,
        input.name ?? '',
        input.passwordHash,
        first || input.isAdmin ? 1 : 0,
        input.nowMs,
      );
      return this.userByEmail(email)!;
    }).immediate();
  }

  userByEmail(email: string): User | undefined {
    const r = this.one('select * from users where email = ?', normalizeEmail(email));
    return r && toUser(r);
  }

  userById(id: number): User | undefined {
    const r = this.one('select * from users where id = ?', id);
    return r && toUser(r);
  }

  passwordHashOf(userId: number): string | undefined {
    const r = this.one('select password_hash from users where id = ?', userId);
    return r ? String(r.password_hash) : undefined;
  }

  listUsers(): User[] {
    return this.all('select * from users order by email').map(toUser);
  }

  setPassword(userId: number, passwordHash: string): void {
    this.db.transaction(() => {
      this.run('update users set password_hash = ? where id = ?', passwordHash, userId);
      // A new password signs every browser out.
      this.run('delete from sessions where user_id = ?', userId);
    }).immediate();
  }

  /**
   * Removes a user with their sessions, the segment and access grants made to their email, the
   * invitations to it and the unused ones they sent, so an account made again for that email
   * starts with nothing.
   */
  removeUser(userId: number): void {
    this.db.transaction(() => {
      const email = this.userById(userId)?.email;
      if (email !== undefined) {
        this.run('delete from grants where email = ?', email);
        this.access.removeAllOf(email);
        this.run('delete from invitations where email = ?', email);
      }
      this.run('delete from invitations where invited_by = ? and accepted_at_ms is null', userId);
      this.run('delete from users where id = ?', userId);
    }).immediate();
  }

  // Sessions

  createSession(userId: number, nowMs: number): { token: string; session: Session } {
    const token = newToken();
    const session: Session = { userId, csrfToken: newToken(), expiresAtMs: nowMs + SESSION_TTL_MS };
    this.run('delete from sessions where expires_at_ms <= ?', nowMs);
    this.run(
      'insert into sessions (token_hash, user_id, csrf_token, created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?)',
      hashToken(token),
      userId,
      session.csrfToken,
      nowMs,
      session.expiresAtMs,
    );
    return { token, session };
  }

  /** The live session a cookie token names, or none when it is unknown or expired. */
  sessionByToken(token: string, nowMs: number): Session | undefined {
    const r = this.one('select * from sessions where token_hash = ? and expires_at_ms > ?', hashToken(token), nowMs);
    return r && { userId: Number(r.user_id), csrfToken: String(r.csrf_token), expiresAtMs: Number(r.expires_at_ms) };
  }

  deleteSession(token: string): void {
    this.run('delete from sessions where token_hash = ?', hashToken(token));
  }

  // Segment owners

  // Owners and grants are keyed by segment id; rows from before segments had ids hold names, which
  // are the ids of files that state none.

  /** The user who created a segment in the app; none for a segment that exists only as a file. */
  segmentOwner(segment: string): number | undefined {
    const r = this.one('select user_id from segment_owners where segment = ?', segment);
    return r ? Number(r.user_id) : undefined;
  }

  segmentOwners(): Map<string, number> {
    return new Map(this.all('select segment, user_id from segment_owners').map((r) => [String(r.segment), Number(r.user_id)]));
  }

  setSegmentOwner(segment: string, userId: number, nowMs: number): void {
    this.run('insert into segment_owners (segment, user_id, created_at_ms) values (?, ?, ?) on conflict (segment) do update set user_id = excluded.user_id', segment, userId, nowMs);
  }

  /** Forgets a deleted segment's owner and grants by its id. */
  forgetSegment(segment: string): void {
    this.db.transaction(() => {
      this.run('delete from segment_owners where segment = ?', segment);
      this.run('delete from grants where segment = ?', segment);
    }).immediate();
  }

  // Grants

  /** Creates or replaces the grant of a segment to an email. */
  putGrant(grant: Grant): void {
    this.run(
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

  /** Every grant of a segment, expired ones included (the owner sees until when each ran). */
  grantsOfSegment(segment: string): Grant[] {
    return this.all('select * from grants where segment = ? order by email', segment).map(toGrant);
  }

  /** The grant an email holds on a segment, if it has not expired. */
  liveGrant(segment: string, email: string, nowMs: number): Grant | undefined {
    const r = this.one('select * from grants where segment = ? and email = ? and (expires_at_ms is null or expires_at_ms > ?)', segment, normalizeEmail(email), nowMs);
    return r && toGrant(r);
  }

  /** The unexpired grants an email holds, one per segment. */
  liveGrantsOf(email: string, nowMs: number): Grant[] {
    return this.all('select * from grants where email = ? and (expires_at_ms is null or expires_at_ms > ?) order by segment', normalizeEmail(email), nowMs).map(toGrant);
  }

  revokeGrant(segment: string, email: string): boolean {
    return this.run('delete from grants where segment = ? and email = ?', segment, normalizeEmail(email)) > 0;
  }

  // Invitations

  createInvitation(email: string, invitedBy: number, nowMs: number): string {
    const token = newToken();
    this.run(
      'insert into invitations (token_hash, email, invited_by, created_at_ms, expires_at_ms) values (?, ?, ?, ?, ?)',
      hashToken(token),
      normalizeEmail(email),
      invitedBy,
      nowMs,
      nowMs + INVITATION_TTL_MS,
    );
    return token;
  }

  invitation(token: string): Invitation | undefined {
    const r = this.one('select * from invitations where token_hash = ?', hashToken(token));
    return (
      r && {
        email: String(r.email),
        invitedBy: Number(r.invited_by),
        expiresAtMs: Number(r.expires_at_ms),
        acceptedAtMs: r.accepted_at_ms === null ? null : Number(r.accepted_at_ms),
      }
    );
  }

  /**
   * Creates the invited account and uses up the invitation in one transaction, so a link works
   * once. Returns the new user, or undefined when the link is used, expired or its email taken.
   */
  acceptInvitation(token: string, input: { name: string; passwordHash: string; nowMs: number }): User | undefined {
    return this.db.transaction(() => {
      const inv = this.invitation(token);
      if (!inv || inv.acceptedAtMs !== null || inv.expiresAtMs <= input.nowMs || this.userByEmail(inv.email)) return undefined;
      this.run('update invitations set accepted_at_ms = ? where token_hash = ?', input.nowMs, hashToken(token));
      this.run('insert into users (email, name, password_hash, is_admin, created_at_ms) values (?, ?, ?, 0, ?)', inv.email, input.name, input.passwordHash, input.nowMs);
      return this.userByEmail(inv.email);
    }).immediate();
  }
}
