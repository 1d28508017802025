import type { z } from 'zod';
import type { Environment, SourceName } from '../../lib/config-schema';

/** How a source pages through a list: declared as data, interpreted by the shared pager. */
export type PaginationSpec =
  /** The next page starts after the last record's id (Stripe's `starting_after`). */
  | { type: 'after_last_id'; pageSizeParam: string; pageSize: number; afterParam: string; idField: string; hasMoreField: string }
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
  /** Inclusive lower bound parameter, e.g. `created[gte]`. */
  fromParam: string;
  /** Exclusive (or inclusive, per API) upper bound parameter; absent when the API has none. */
  toParam?: string;
  /** How a bound is written: unix seconds, an ISO 8601 instant, or a calendar date. */
  format: 'unix_seconds' | 'iso_datetime' | 'date';
}

export interface StreamSpec {
  name: string;
  path: string;
  /** Dot path to the records array in the answer; empty when the answer is the array itself. */
  recordsPath: string;
  primaryKey: string;
  /** Field (dot path) whose value orders the stream and feeds the window filter. */
  cursorField: string;
  /** Extra query parameters every request of this stream carries. */
  params?: Record<string, string>;
  /** The stream's date filter; a stream without one is re-read whole on every sync. */
  window?: WindowFilterSpec;
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
  /** Sources that signal rate limits without HTTP 429 (the Graph API answers 400 with code 17) say so here. */
  isRateLimited?(status: number, body: unknown): boolean;
  /** How long the source asks us to wait, from its own headers, beyond Retry-After. */
  retryAfterMs?(headers: Headers): number | undefined;
  streams: StreamSpec[];
}

/** Reads a dot path (`meta.total`, `paging.cursors.after`) from a JSON value. */
export function readPath(value: unknown, dotPath: string): unknown {
  if (dotPath === '') return value;
  let current = value;
  for (const key of dotPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}
