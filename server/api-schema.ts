import { z } from 'zod';
import type { Rule } from '../lib/segments/definition';
import { MEMBER_SORT_COLUMNS, type MemberSortColumn } from '../lib/segments/member-columns';

// The web API's shapes, in one place for both sides: the request schemas the routes validate
// with, and the answers they give. The page imports this file for its types only, so it must stay
// free of Node: zod, and pure lib modules.

// ---- Requests ----

export const signInBody = z.object({ email: z.string().min(1).max(320), password: z.string().min(1).max(1024) });
export const acceptInvitationBody = z.object({ name: z.string().max(200).default(''), password: z.string().max(1024) });

/**
 * Any object without an id: the definition's own validation names what is wrong in it, path by
 * path. A segment's id is cdp's own; a request that could name one could claim an earlier segment's members.
 */
export const definitionBody = z.record(z.string(), z.unknown()).refine((body) => !Object.hasOwn(body, 'id'), { message: "a segment's id is given by cdp and never changes; leave it out", path: ['id'] });

const pageQuery = {
  page: z.coerce.number().int().min(1).max(1_000_000).default(1),
  size: z.coerce.number().int().min(1).max(500).default(50),
};
export const membersQuery = z.object({
  ...pageQuery,
  sort: z.enum(MEMBER_SORT_COLUMNS).default('amount_spent'),
  dir: z.enum(['asc', 'desc']).default('desc'),
  q: z.string().max(200).optional(),
});
export const historyQuery = z.object(pageQuery);

export const grantBody = z
  .object({
    email: z.email('an email address').max(320),
    read: z.boolean().default(true),
    edit: z.boolean().default(false),
    delete: z.boolean().default(false),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .refine((g) => g.read || g.edit || g.delete, { message: 'choose at least one of read, edit and delete', path: ['read'] });
export type GrantRequest = z.input<typeof grantBody>;

/** An admin's grant of an environment or a connection to a member. */
export const accessGrantBody = z
  .object({
    email: z.email('an email address').max(320),
    environment: z.enum(['live', 'sandbox']).optional(),
    connection: z.string().min(1).max(63).optional(),
    edit: z.boolean().default(false),
    delete: z.boolean().default(false),
    expiresAt: z.iso.datetime({ offset: true }).nullable().optional(),
  })
  .refine((g) => (g.environment === undefined) !== (g.connection === undefined), { message: 'name either an environment or a connection', path: ['environment'] });
export type AccessGrantRequest = z.input<typeof accessGrantBody>;
export const accessScopeParams = z.object({ email: z.string().min(3).max(320), kind: z.enum(['environment', 'connection']), name: z.string().min(1).max(63) });

export const syncBody = z.object({ mode: z.enum(['manual', 'historical']) });
export type SyncRequest = z.input<typeof syncBody>;
export const scheduleBody = z.object({ action: z.enum(['pause', 'resume']) });
export type ScheduleRequest = z.input<typeof scheduleBody>;

// ---- Answers ----

/** A field problem of a refused request: where (`rules.all[1].op`, `name`) and what. */
export interface Problem {
  path: string;
  message: string;
}

export interface PublicUser {
  id: number;
  email: string;
  name: string;
  isAdmin: boolean;
}

/** Who is signed in, and the token the page sends back on every change. */
export interface SessionInfo {
  user: PublicUser;
  csrfToken: string;
}

export interface InvitationInfo {
  email: string;
  expiresAt: string;
}

/** A segment definition as its file holds it. */
export interface SegmentDefinitionJson {
  name: string;
  environment: 'live' | 'sandbox';
  description?: string;
  rules: Rule;
}

export interface SegmentSummary {
  name: string;
  environment: string;
  description: string;
  owner: string;
  members: number | null;
  materializedAt: string | null;
  /** For a segment shared with the reader: what the grant allows, and until when. */
  permissions?: { read: boolean; edit: boolean; delete: boolean };
  expiresAt?: string | null;
}

export interface SegmentList {
  owned: SegmentSummary[];
  /** Segments of others the reader may see: shared with them, or in an environment they were given. */
  shared: SegmentSummary[];
  /** For admins: the segments members created on the account's data. */
  ownedByOthers: SegmentSummary[];
  /** Files that are not valid segments (shown to admins only). */
  invalid: string[];
}

export interface SegmentInfo {
  definition: SegmentDefinitionJson;
  file: string | null;
  owner: string;
  access: { owned: boolean; read: boolean; edit: boolean; delete: boolean; share: boolean; expiresAt: string | null };
  members: number | null;
  materializedAt: string | null;
}

export interface SavedSegment {
  name: string;
  file: string;
}

/** A draft's live count and first members, not materialized. */
export interface SegmentPreview {
  count: number;
  ms: number;
  members: Record<string, unknown>[];
}

export interface MembersPage {
  total: number;
  page: number;
  size: number;
  sort: MemberSortColumn;
  dir: 'asc' | 'desc';
  columns: MemberSortColumn[];
  rows: Record<string, unknown>[];
}

export interface HistoryRow {
  customer_id: string;
  name: string | null;
  email: string | null;
  entered_at: string;
  exited_at: string | null;
  from_backfill: boolean;
  initial: boolean;
}

export interface HistoryPage {
  total: number;
  page: number;
  size: number;
  rows: HistoryRow[];
}

export interface Grant {
  email: string;
  read: boolean;
  edit: boolean;
  delete: boolean;
  expiresAt: string | null;
  expired: boolean;
  hasAccount: boolean;
  grantedAt: string;
}

export interface GrantList {
  grants: Grant[];
}

/** A grant made: an invitation link when an admin shared with an email that has no account. */
export interface GrantResult {
  email: string;
  invitation: string | null;
  note?: string;
}

/** A member's access to an environment or a connection, as the admin's page lists it. */
export interface AccessGrantInfo {
  email: string;
  scope: { kind: 'environment' | 'connection'; name: string };
  edit: boolean;
  delete: boolean;
  expiresAt: string | null;
  expired: boolean;
  grantedAt: string;
}

/** The admin's page: every account, every access grant, and what can be granted. */
export interface AccessOverview {
  users: PublicUser[];
  grants: AccessGrantInfo[];
  environments: string[];
  connections: { id: string; source: string; environment: string }[];
}

export interface AttributionOptions {
  models: readonly string[];
  groupings: readonly string[];
  /** The environment the report shows unless one is chosen: the config's, if the reader may see it. */
  environment: string;
  /** The environments the reader may see reports of. */
  environments: string[];
  available: boolean;
}

export interface StreamStatus {
  stream: string;
  mode: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  rows: number | null;
  quarantined: number | null;
  cursorAt: string | null;
  lagSeconds: number | null;
  inProgress: { mode: string; rows: number; quarantined: number } | null;
}

/** A running sync's progress, as its workflow answers the progress query. */
export interface SyncProgressInfo {
  mode: string;
  streams: { stream: string; slice?: { index: number; count: number }; pages: number; rows: number; quarantined: number; done: boolean }[];
}

export interface ConnectionInfo {
  id: string;
  source: string;
  environment: string;
  /** Whether the reader may start its syncs and pause its schedule. */
  mayEdit: boolean;
  lastRun: { status: string; startedAt: string; closedAt: string | null; failure: string | null } | null;
  schedule: { next: string | null; paused: boolean; note: string | null } | null;
  progress: SyncProgressInfo | null;
  streams: StreamStatus[];
}

export interface ConnectionsStatus {
  temporal: 'reachable' | 'unreachable';
  address: string;
  connections: ConnectionInfo[];
}

export interface SyncStarted {
  workflowId: string;
  runId: string;
  mode: SyncRequest['mode'];
}
