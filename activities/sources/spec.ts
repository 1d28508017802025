import type { z } from 'zod';
import type { Environment, SourceName } from '../../lib/config-schema';

/** How a source pages through a list: declared as data, interpreted by the shared pager. */
export type PaginationSpec = {
  /** Cursor paging where the next page starts after the last record's id (Stripe's `starting_after`). */
  type: 'after_last_id';
  pageSizeParam: string;
  pageSize: number;
  afterParam: string;
  idField: string;
  recordsField: string;
  hasMoreField: string;
};

/** A date-window filter the API applies server-side, used for incremental and windowed syncs. */
export interface WindowFilterSpec {
  /** Inclusive lower bound parameter, e.g. `created[gte]`. */
  fromParam: string;
  /** Exclusive upper bound parameter, e.g. `created[lt]`. */
  toParam: string;
  format: 'unix_seconds';
}

export interface StreamSpec {
  name: string;
  path: string;
  primaryKey: string;
  /** Field whose value orders the stream and feeds the window filter (unix seconds for Stripe). */
  cursorField: string;
  /** Extra query parameters every request of this stream carries. */
  params?: Record<string, string>;
  /** Whether the API filters this stream by the window; a stream without it is re-read whole. */
  windowed: boolean;
  schema: z.ZodType<Record<string, unknown>>;
}

export interface SourceSpec {
  name: SourceName;
  auth: { type: 'bearer' };
  /** Headers every request carries (API version pins and the like). */
  headers?: Record<string, string>;
  pagination: PaginationSpec;
  window: WindowFilterSpec;
  /** Request budget per environment: the API's documented limit, less headroom. */
  requestsPerSecond: Record<Environment, number>;
  /** How far before the last high-water mark an incremental sync starts, to catch late writes. */
  lookbackSeconds: number;
  /** A record field telling which environment it belongs to, checked against the connection's. */
  environmentField?: { field: string; liveValue: unknown };
  /** Reads the API's error envelope into one line. */
  describeError(body: unknown): string;
  streams: StreamSpec[];
}
