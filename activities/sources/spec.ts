import type { z } from 'zod';
import type { Environment, SourceName } from '../../lib/config-schema';

/** How a source pages through a list: declared as data, interpreted by the shared pager. */
export type PaginationSpec =
  /**
   * The next page starts after the last record's id (Stripe's `starting_after`, ActiveCampaign's
   * `id_greater`, BigCommerce's `min_id`). Without `hasMoreField` a full page means there may be more.
   * `afterIsInclusive` says the API's bound includes the id it is given, so the pager asks from the next integer.
   */
  | { type: 'after_last_id'; pageSizeParam: string; pageSize: number; afterParam: string; idField: string; hasMoreField?: string; afterIsInclusive?: boolean }
  /** `limit`/`offset` paging (ActiveCampaign); ends on a short page or when the offset reaches `totalPath`. */
  | { type: 'offset'; limitParam: string; offsetParam: string; pageSize: number; totalPath?: string }
  /** Numbered pages from `firstPage` (BigCommerce, ThriveCart); ends on a short or empty page, or at `totalPagesPath`. */
  | { type: 'page_number'; pageParam: string; pageSizeParam: string; pageSize: number; firstPage: number; totalPagesPath?: string }
  /** An opaque cursor from the answer (Graph API `paging.cursors.after`); ends when `nextPath` is absent. */
  | { type: 'next_cursor'; pageSizeParam: string; pageSize: number; cursorParam: string; cursorPath: string; nextPath: string };

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
   * How many days back the API keeps data (`graph_time_range` only): a window that starts at the
   * beginning, or before that, asks from this far back instead of being refused.
   */
  maxHistoryDays?: number;
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
 * parent is read with its own path, paging and window; each parent id is put into this stream's
 * path in place of `{parent_id}`. Page tokens carry the parent position, so a retry resumes mid-parent.
 */
export interface ParentSpec {
  /** The name of the parent stream in the same source. */
  stream: string;
  /** Dot path of the parent record's id. */
  idField: string;
}

export interface StreamSpec {
  name: string;
  /** Request path relative to the connection's base URL; `{parent_id}` for child streams. */
  path: string;
  /** Dot path to the records array in the answer; empty when the answer is the array itself. */
  recordsPath: string;
  /**
   * Dot path of the record's unique key. A composite key joins dot paths with `+`
   * (`campaign_id+date_start`) and reads as their values joined by `|`.
   */
  primaryKey: string;
  /** Field (dot path) whose value orders the stream and feeds the window filter. */
  cursorField: string;
  /** Extra query parameters every request of this stream carries. */
  params?: Record<string, string>;
  /** The stream's date filter; a stream without one is re-read whole on every sync. */
  window?: WindowFilterSpec;
  /** A window applied by the pager for APIs without a date filter; see {@link ClientWindowSpec}. */
  clientWindow?: ClientWindowSpec;
  /** This stream's own paging when it differs from the source's. */
  pagination?: PaginationSpec;
  /** Set for a stream read per record of another stream; see {@link ParentSpec}. */
  parent?: ParentSpec;
  schema: z.ZodType<Record<string, unknown>>;
}

export interface SourceSpec {
  name: SourceName;
  auth: AuthSpec;
  /** Headers every request carries (API version pins and the like). */
  headers?: Record<string, string>;
  pagination: PaginationSpec;
  /** Request budget per environment: the API's documented limit, less headroom. */
  requestsPerSecond: Record<Environment, number>;
  /** How far before the last high-water mark an incremental sync starts, to catch late writes. */
  lookbackSeconds: number;
  /** A record field telling which environment it belongs to, checked against the connection's. */
  environmentField?: { field: string; liveValue: unknown };
  /** Reads the API's error envelope into one line. */
  describeError(body: unknown): string;
  /** Sources that reject a credential without HTTP 401/403 (the Graph API answers 400 with code 190) say so here. */
  isAuthError?(status: number, body: unknown): boolean;
  /** Sources that signal rate limits without HTTP 429 (the Graph API answers 400 with code 17) say so here. */
  isRateLimited?(status: number, body: unknown): boolean;
  /** How long the source asks us to wait, from its own headers, beyond Retry-After. */
  retryAfterMs?(headers: Headers): number | undefined;
  streams: StreamSpec[];
}

function readDotPath(value: unknown, dotPath: string): unknown {
  if (dotPath === '') return value;
  let current = value;
  for (const key of dotPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Reads a dot path (`meta.total`, `paging.cursors.after`), or a `+`-joined composite key, from a JSON value. */
export function readPath(value: unknown, dotPath: string): unknown {
  if (!dotPath.includes('+')) return readDotPath(value, dotPath);
  const parts = dotPath.split('+').map((p) => readDotPath(value, p));
  // A key with a missing part is no key: the record lands with an empty key rather than a partial one.
  if (parts.some((p) => p === undefined || p === null)) return undefined;
  return parts.map(String).join('|');
}
