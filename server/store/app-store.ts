import { createHash, randomBytes } from 'node:crypto';
import type { AccessGrants } from './access-grants';

// The web app's own state: users, sessions, access grants, segment owners, sharing grants and
// invitations. One interface, kept in a SQLite file beside the warehouse (never inside it: every
// build replaces the warehouse file) or, when the lake's catalog is PostgreSQL, in that database
// (open-app-store.ts chooses). sql-app-store.ts holds the queries, written once for both.

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

export const SESSION_TTL_MS = 7 * 86_400_000;
export const INVITATION_TTL_MS = 14 * 86_400_000;

/** Emails compare as people type them: trimmed, lower-case. */
export const normalizeEmail = (email: string): string => email.trim().toLowerCase();

/** Tokens travel to the browser; only their hashes are stored, so a copy of the store opens no session. */
export const hashToken = (token: string): string => createHash('sha256').update(token).digest('hex');
export const newToken = (): string => randomBytes(32).toString('base64url');

/** Everything the web app keeps, on whichever database holds it. */
export interface AppStore {
  /** Who may read, edit and delete the customer data of which environment or connection. */
  readonly access: AccessGrants;

  /** Adds a user; the first user of a store is an admin whatever `isAdmin` says, so a new install is never locked out. */
  addUser(input: { email: string; name?: string; passwordHash: string; isAdmin?: boolean; nowMs: number }): Promise<User>;
  userByEmail(email: string): Promise<User | undefined>;
  userById(id: number): Promise<User | undefined>;
  passwordHashOf(userId: number): Promise<string | undefined>;
  listUsers(): Promise<User[]>;
  /** Sets a new password and signs every browser of the user out. */
  setPassword(userId: number, passwordHash: string): Promise<void>;
  /**
   * Removes a user with their sessions, the segment and access grants made to their email, the
   * invitations to it and the unused ones they sent, so an account made again for that email
   * starts with nothing.
   */
  removeUser(userId: number): Promise<void>;

  createSession(userId: number, nowMs: number): Promise<{ token: string; session: Session }>;
  /** The live session a cookie token names, or none when it is unknown or expired. */
  sessionByToken(token: string, nowMs: number): Promise<Session | undefined>;
  deleteSession(token: string): Promise<void>;

  // Owners and grants are keyed by segment id; rows from before segments had ids hold names, which
  // are the ids of files that state none.

  /** The user who created a segment in the app; none for a segment that exists only as a file. */
  segmentOwner(segment: string): Promise<number | undefined>;
  segmentOwners(): Promise<Map<string, number>>;
  setSegmentOwner(segment: string, userId: number, nowMs: number): Promise<void>;
  /** Forgets a deleted segment's owner and grants by its id. */
  forgetSegment(segment: string): Promise<void>;

  /** Creates or replaces the grant of a segment to an email. */
  putGrant(grant: Grant): Promise<void>;
  /** Every grant of a segment, expired ones included (the owner sees until when each ran). */
  grantsOfSegment(segment: string): Promise<Grant[]>;
  /** The grant an email holds on a segment, if it has not expired. */
  liveGrant(segment: string, email: string, nowMs: number): Promise<Grant | undefined>;
  /** The unexpired grants an email holds, one per segment. */
  liveGrantsOf(email: string, nowMs: number): Promise<Grant[]>;
  revokeGrant(segment: string, email: string): Promise<boolean>;

  /** A new invitation's token (only its hash is kept). */
  createInvitation(email: string, invitedBy: number, nowMs: number): Promise<string>;
  invitation(token: string): Promise<Invitation | undefined>;
  /**
   * Creates the invited account and uses up the invitation in one transaction, so a link works
   * once. Returns the new user, or undefined when the link is used, expired or its email taken.
   */
  acceptInvitation(token: string, input: { name: string; passwordHash: string; nowMs: number }): Promise<User | undefined>;

  close(): Promise<void>;
}
