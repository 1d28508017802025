import type { z } from 'zod';
import type { ConnectionConfig, Environment, SourceName } from '../../lib/config-schema';
import type { AnswerOrigin } from '../../lib/errors';

/**
 * The next page starts after the last record's id (Stripe's `starting_after`, ActiveCampaign's
 * `id_greater`, BigCommerce's `min_id`). Without `hasMoreField` a full page means there may be more.
 * `afterIsInclusive` says the API's bound includes the id it is given, so the pager asks from the next integer.
 */
export interface AfterLastIdPaging {
  type: 'after_last_id';
  pageSizeParam: string;
  pageSize: number;
  afterParam: string;
  idField: string;
  hasMoreField?: string;
  afterIsInclusive?: boolean;
}

/**
 * `limit`/`offset` paging (ActiveCampaign, Talon.One's `pageSize`/`skip`); ends on a short or empty
 * page or when the offset reaches `totalPath`. Where the answer carries a boolean at `hasMorePath`
 * (Talon.One's `hasMore`), that flag decides instead.
 */
export interface OffsetPaging {
  type: 'offset';
  limitParam: string;
  offsetParam: string;
  pageSize: number;
  totalPath?: string;
  hasMorePath?: string;
}

/** Numbered pages from `firstPage` (BigCommerce, ThriveCart); ends on a short or empty page, or at `totalPagesPath`. */
export interface PageNumberPaging {
  type: 'page_number';
  pageParam: string;
  pageSizeParam: string;
  pageSize: number;
  firstPage: number;
  totalPagesPath?: string;
}

/**
 * An opaque cursor from the answer (Graph API `paging.cursors.after`, Amazon's `NextToken`); ends
 * when `nextPath` is absent. Without `pageSizeParam` the API picks the page size (Amazon's order items).
 */
export interface NextCursorPaging {
  type: 'next_cursor';
  pageSizeParam?: string;
  pageSize: number;
  cursorParam: string;
  cursorPath: string;
  nextPath: string;
}

/** No paging: one request answers the whole list, or the one record (Talon.One loyalty programs, a ledger balance). */
export interface NoPaging {
  type: 'none';
}

/** How a source pages through a list: declared as data, interpreted by the paging scheme of its `type`. */
export type PaginationSpec = AfterLastIdPaging | OffsetPaging | PageNumberPaging | NextCursorPaging | NoPaging;

/** How requests authenticate; the credential is read from the environment inside the activity. */
export type AuthSpec =
  | { type: 'bearer' }
  /** A header carrying the credential itself, e.g. `Api-Token` or `X-Auth-Token`. */
  | { type: 'header'; name: string; prefix?: string }
  /** A query parameter (Graph API `access_token`); kept out of every logged URL. */
  | { type: 'query'; name: string };

/** A time-window filter the API applies server-side, used for incremental and windowed syncs. */
export interface WindowFilterSpec {
  /**
   * Inclusive lower bound parameter, e.g. `created[gte]`. For `graph_time_range` the one parameter
   * that carries both bounds as JSON, e.g. `time_range={"since":"2024-05-01","until":"2024-05-31"}`.
   */
  fromParam: string;
  /** Exclusive (or inclusive, per API) upper bound parameter; absent when the API has none. */
  toParam?: string;
  /**
   * How a bound is written: unix seconds, an ISO 8601 instant, a calendar date, or the Graph API's
   * `time_range` object of calendar dates (both bounds inclusive, in the ad account's time zone).
   */
  format: 'unix_seconds' | 'iso_datetime' | 'date' | 'graph_time_range';
  /**
   * The API reads `fromParam` as "strictly after" (Talon.One's `createdAfter`): the pager writes the
   * bound one unit (a millisecond, or a second for unix seconds) early, so a record created exactly at
   * the boundary of two windows is read by one of them rather than by neither.
   */
  fromIsExclusive?: boolean;
  /**
   * The API answers a request without a lower bound differently (Talon.One's ledger then lists only
   * its last 50 entries): a window from the beginning is written from the epoch.
   */
  fromRequired?: boolean;
  /**
   * How many days back the API keeps data (`graph_time_range` only): a window that starts at the
   * beginning, or before that, asks from this far back instead of being refused.
   */
  maxHistoryDays?: number;
  /**
   * The same in calendar months of the account's time zone (`graph_time_range` only; the Graph API keeps
   * insights 37 months, error 3018 past that): the range starts no earlier than today less this many months.
   */
  maxHistoryMonths?: number;
  /**
   * The upper bound must lie this far in the past (Amazon's `LastUpdatedBefore`: at least two
   * minutes before the request). The sync's window ends this much earlier; the next sync reads on from there.
   */
  settleSeconds?: number;
}

/**
 * How far below a documented (or announced) rate limit cdp keeps by default: one rule for every source.
 * - `own`, 10%: a budget the connection has to itself, or whose other users are not the account's
 *   live business (Stripe counts reads and writes apart; Amazon limits each account-application
 *   pair). cdp's token bucket and the source's window never line up exactly, and a dashboard or a
 *   one-off script may spend a little of the same budget.
 * - `shared`, 20%: one pool for every app and key on the account, writes included (ActiveCampaign,
 *   ThriveCart, a BigCommerce store, Talon.One's Management API, which the Campaign Manager itself
 *   uses). A backfill running for hours at 90% would leave the account's other integrations, the
 *   ones taking orders, a tenth of their budget; at 80% they keep a fifth.
 * A 429 that still comes is retried after the wait it announces, whatever the rate.
 */
export const RATE_LIMIT_MARGIN = { own: 0.1, shared: 0.2 } as const;
export type RateBudget = keyof typeof RATE_LIMIT_MARGIN;

/** The rate a connection keeps to under a limit of `limitPerSecond` on a budget of kind `budget`. */
export function belowLimit(limitPerSecond: number, budget: RateBudget): number {
  // Four decimals: Amazon's once-a-minute plans are 0.0167 a second.
  return Math.round(limitPerSecond * (1 - RATE_LIMIT_MARGIN[budget]) * 10_000) / 10_000;
}

/** One operation's own rate limit, where the source limits each operation apart (Amazon's usage plans). */
export interface OperationLimit {
  /** Names the limiter; streams naming the same operation share it. */
  operation: string;
  requestsPerSecond: number;
  burst: number;
}

/**
 * A stream read as reports the source builds on request (Amazon's Reports API): one report per
 * window of at most `maxWindowDays`, created, polled until the source has built it, then downloaded
 * and parsed. Each row becomes a record keyed by the file's column names, with the report's facts
 * under `reportField`.
 */
export interface ReportStreamSpec {
  reportType: string;
  maxWindowDays: number;
  /** How far back a window from the beginning starts. */
  historyDays: number;
  /** The field each record gets: `{reportId, reportType, marketplaceIds, dataStartTime, dataEndTime}`; '' for none. */
  reportField: string;
  /**
   * A window this short or shorter is paged synchronously instead (set for sources whose list endpoint
   * serves small windows well, like the Graph API's insights); unset, every window is read as reports.
   */
  syncMaxWindowDays?: number;
  /** Seconds before the first status question, where the source builds small reports at once; the config's poll interval otherwise. */
  firstPollSeconds?: number;
}

/** Where a requested report stands, in terms every report API maps to. */
export type ReportStatus =
  /** Still being built: ask again later. */
  | { state: 'waiting'; detail: string }
  /** Built: its file, and the report's facts that every row of it carries. */
  | { state: 'done'; documentId: string; facts: Record<string, unknown> }
  /** Finished without a file: nothing to land for its window (Amazon's CANCELLED). */
  | { state: 'no_data'; detail: string }
  /** The source gave up on it (Amazon's FATAL); a new report may succeed. */
  | { state: 'failed'; detail: string; documentId?: string };

/** A source's report protocol: request, poll, locate the file. Implemented per source, called by the report activity. */
export interface ReportApi {
  create(req: SourceRequestContext, report: ReportStreamSpec, window: { start: Date; end: Date }): Promise<string>;
  status(req: SourceRequestContext, reportId: string): Promise<ReportStatus>;
  /** Where the file is: a short-lived URL fetched without the connection's credential, and its compression. */
  document(req: SourceRequestContext, documentId: string): Promise<{ url: string; compression: 'gzip' | null }>;
  /** The file's rows as records keyed by column name. */
  parse(text: string, report: ReportStreamSpec): Record<string, unknown>[];
  /** For reports read as pages of the API (the Graph API's report runs) instead of a file: every row. */
  records?(req: SourceRequestContext, documentId: string): Promise<Record<string, unknown>[]>;
}

/** What a report call needs: a way to make signed requests to the connection's API. */
export interface SourceRequestContext {
  /** Requests a path of the connection's API (GET, or POST with a JSON body) within `operation`'s limit, or the connection's own pace without one. */
  call(path: string, operation: OperationLimit | undefined, post?: { body: unknown }): Promise<unknown>;
  /** The connection's `path_params` (an Amazon connection's `marketplaceId`). */
  params: Readonly<Record<string, string>>;
  /** Where a request of `path` goes (connection, stream, URL without credentials), for the errors that name it. */
  origin(path: string): AnswerOrigin;
  /** The account's time zone, where the source names one (see `SourceSpec.accountFacts`). */
  timeZone?: string;
  /** The stream being read: its parameters, for sources whose reports take the list's parameters. */
  stream: StreamSpec;
}

/**
 * A filter for a stream whose API has no date filter but answers newest first (ThriveCart): the
 * pager applies the window itself. Records newer than the window's end are skipped, and the first
 * record older than its start ends the paging, so an incremental sync reads only the new pages.
 */
export interface ClientWindowSpec {
  order: 'newest_first';
}

/**
 * A stream read once per record of another stream (BigCommerce order line items, per order). The
 * parent is read with its own path, paging and window; each parent's id, or its `pathFields`, is put
 * into this stream's path. The child's own window, if it declares one, applies to its requests.
 * Page tokens carry the parent position, so a retry resumes mid-parent.
 */
export interface ParentSpec {
  /** The name of the parent stream in the same source; it may itself be a child stream. */
  stream: string;
  /** Dot path of the parent record's id, put in place of `{parent_id}`. */
  idField?: string;
  /**
   * Named placeholders of the child path, each filled from a dot path of the parent record
   * (`{loyaltyProgramId}` from a transaction's `programId`). A parent record missing any of them,
   * or `idField`, has no children to ask for.
   */
  pathFields?: Record<string, string>;
  /**
   * A field the pager adds to each child record holding the path values it was read for, where the
   * answer does not name them itself (a Talon.One ledger balance names neither program nor profile).
   */
  recordField?: string;
}

/**
 * Keeps only the records that belong to the connection, where a list answers for more than it
 * (Talon.One lists every loyalty program of the account; a connection reads those its Application
 * subscribes to). A record keeps when the field at `field` equals `value` or, for an array, contains
 * it; `{name}` in `value` is the connection's path parameter. A record without the field is kept, so
 * validation quarantines it rather than it vanishing.
 */
export interface KeepWhereSpec {
  field: string;
  value: string;
}

/**
 * A request whose answer says which environment the connection's data is in, made before a sync
 * lands anything, for sources whose records do not say (a Talon.One Application is sandbox or live).
 */
export interface EnvironmentCheckSpec {
  /** Path relative to the base URL, with `{name}` connection path parameters. */
  path: string;
  /** Dot path of the flag in the answer. */
  field: string;
  /** The flag's value for sandbox; any other value, or none (a false flag may be left out), means live. */
  sandboxValue: unknown;
  /** What the answer describes, for the error: `Talon.One application {applicationId}`. */
  subject: string;
  /** The noun for its environment: "... is a sandbox application". */
  kind: string;
}

export interface StreamSpec {
  name: string;
  /**
   * Request path relative to the connection's base URL. `{parent_id}` and the parent's `pathFields`
   * are filled for child streams; any other `{name}` from the connection's `path_params`.
   */
  path: string;
  /** Dot path to the records array in the answer; empty when the answer is the array itself. */
  recordsPath: string;
  /** The answer (at `recordsPath`) is one record rather than a list: a per-parent balance. */
  singleRecord?: boolean;
  /** Keeps only the records of the connection; see {@link KeepWhereSpec}. */
  keepWhere?: KeepWhereSpec;
  /**
   * Dot path of the record's unique key. A composite key joins dot paths with `+`
   * (`campaign_id+date_start`) and reads as their values joined by `|`.
   */
  primaryKey: string;
  /** Field (dot path) whose value orders the stream and feeds the window filter. */
  cursorField: string;
  /** Extra query parameters every request of this stream carries; `{name}` takes the connection's `path_params`. */
  params?: Record<string, string>;
  /** Set where the source limits this stream's operation on its own; see {@link OperationLimit}. */
  rateLimit?: OperationLimit;
  /** This stream's lookback, where it differs from the source's. */
  lookbackSeconds?: number;
  /** Set for a stream read as reports; see {@link ReportStreamSpec}. */
  report?: ReportStreamSpec;
  /** The stream's date filter; a stream without one is re-read whole on every sync. */
  window?: WindowFilterSpec;
  /** A window applied by the pager for APIs without a date filter; see {@link ClientWindowSpec}. */
  clientWindow?: ClientWindowSpec;
  /** This stream's own paging when it differs from the source's. */
  pagination?: PaginationSpec;
  /** Set for a stream read per record of another stream; see {@link ParentSpec}. */
  parent?: ParentSpec;
  schema: z.ZodType<Record<string, unknown>>;
  /**
   * Set for a stream a connection reads only when its settings ask for it (Facebook's ad-level
   * insights, per `insights_levels`); a connection that names the stream in `streams` reads it regardless.
   */
  readWhen?: (connection: ConnectionConfig) => boolean;
}

/**
 * A request for facts about the account the connection reads (the Graph API's ad account node): its
 * time zone, in which the API's calendar days fall, and its currency, checked against the
 * connection's `currency` where one is configured. Asked once per connection before anything lands.
 */
export interface AccountFactsSpec {
  /** Path relative to the base URL ('' for the base URL itself). */
  path: string;
  params?: Record<string, string>;
  timeZoneField: string;
  currencyField: string;
  /** What the account is, for messages: "ad account". */
  subject: string;
}

export interface SourceSpec {
  name: SourceName;
  auth: AuthSpec;
  /** Headers every request carries (API version pins and the like). */
  headers?: Record<string, string>;
  pagination: PaginationSpec;
  /**
   * The default request rate per environment: the API's documented limit less the margin of
   * {@link RATE_LIMIT_MARGIN}, written `belowLimit(<documented limit>, <budget>)` beside a comment naming
   * the documentation. A connection's `requests_per_second` overrides it; a rate the source announces
   * in `rateLimitHeader` replaces it once an answer names one.
   */
  requestsPerSecond: Record<Environment, number>;
  /** How far before the last high-water mark an incremental sync starts, to catch late writes. */
  lookbackSeconds: number;
  /** A record field telling which environment it belongs to, checked against the connection's. */
  environmentField?: { field: string; liveValue: unknown };
  /** A request telling the environment of the whole connection, checked before landing; see {@link EnvironmentCheckSpec}. */
  environmentCheck?: EnvironmentCheckSpec;
  /** Reads the API's error envelope into one line. */
  describeError(body: unknown): string;
  /** Sources that reject a credential without HTTP 401/403 (the Graph API answers 400 with code 190) say so here. */
  isAuthError?(status: number, body: unknown): boolean;
  /** Sources whose access tokens expire say here which refusal means "this token is too old" (Amazon's 403 Unauthorized, "has expired"). */
  isTokenExpired?(status: number, body: unknown): boolean;
  /** Sources that signal rate limits without HTTP 429 (the Graph API answers 400 with code 17) say so here. */
  isRateLimited?(status: number, body: unknown): boolean;
  /** How long the source asks us to wait, from its own headers, beyond Retry-After. */
  retryAfterMs?(headers: Headers): number | undefined;
  /**
   * How long the API's rate window is, for a rate-limit answer that says no wait (Talon.One counts
   * requests per endpoint per second and answers 429 without Retry-After): the connection holds that long.
   */
  rateLimitWindowMs?: number;
  /**
   * A response header stating the caller's current limit (`x-amzn-RateLimit-Limit`, in requests per
   * second, or a count per `rateLimitWindowHeader`); the limiter follows it, less the margin of `rateBudget`.
   */
  rateLimitHeader?: string;
  /**
   * A response header giving, in milliseconds, the window the count in `rateLimitHeader` covers
   * (BigCommerce's `X-Rate-Limit-Time-Window-Ms`); without it the count is per second.
   */
  rateLimitWindowHeader?: string;
  /**
   * Whose budget the announced limit is, for the margin the connection keeps below it (see
   * {@link RATE_LIMIT_MARGIN}); 'own' when absent.
   */
  rateBudget?: RateBudget;
  /**
   * A response header counting the requests left in the API's rate window (ActiveCampaign's
   * `RateLimit-Remaining`): at 0 the connection holds for `rateLimitWindowMs` before the next request.
   */
  rateLimitRemainingHeader?: string;
  /** The report protocol of sources with report streams. */
  reportApi?: ReportApi;
  /** Facts about the connection's account, read from the API; see {@link AccountFactsSpec}. */
  accountFacts?: AccountFactsSpec;
  streams: StreamSpec[];
}
