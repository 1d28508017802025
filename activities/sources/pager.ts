import type { ConnectionConfig } from '../../lib/config-schema';
import { getJson } from './http-client';
import type { RateLimiter } from './rate-limiter';
import type { SourceSpec, StreamSpec } from './spec';

export interface PageRequest {
  source: SourceSpec;
  stream: StreamSpec;
  connection: ConnectionConfig;
  credential: string;
  limiter: RateLimiter;
  window: { from: number | null; to: number };
  pageToken: string | null;
  signal?: AbortSignal;
  onRetry?: (error: Error, attempt: number) => void;
}

export interface Page {
  records: Record<string, unknown>[];
  /** The token of the page after this one; null when this was the last. */
  nextToken: string | null;
}

/** Builds the URL of one page from the source's declared pagination and window filter. */
export function pageUrl(req: Omit<PageRequest, 'credential' | 'limiter'>): URL {
  const { source, stream, window, pageToken } = req;
  const url = new URL(stream.path, req.connection.base_url);
  for (const [k, v] of Object.entries(stream.params ?? {})) url.searchParams.set(k, v);
  const p = source.pagination;
  url.searchParams.set(p.pageSizeParam, String(p.pageSize));
  if (pageToken !== null) url.searchParams.set(p.afterParam, pageToken);
  if (stream.windowed) {
    if (window.from !== null) url.searchParams.set(source.window.fromParam, String(window.from));
    url.searchParams.set(source.window.toParam, String(window.to));
  }
  return url;
}

function authHeaders(source: SourceSpec, credential: string): Record<string, string> {
  switch (source.auth.type) {
    case 'bearer':
      return { authorization: `Bearer ${credential}` };
  }
}

/** Reads one page of a stream and says where the next one starts. */
export async function fetchPage(req: PageRequest): Promise<Page> {
  const url = pageUrl(req);
  const body = (await getJson({
    connectionId: req.connection.id,
    url,
    headers: { accept: 'application/json', ...req.source.headers, ...authHeaders(req.source, req.credential) },
    limiter: req.limiter,
    describeError: req.source.describeError,
    signal: req.signal,
    onRetry: req.onRetry,
  })) as Record<string, unknown>;

  const p = req.source.pagination;
  const records = body[p.recordsField];
  if (!Array.isArray(records)) {
    throw new Error(`${url.pathname}: the answer has no "${p.recordsField}" array`);
  }
  const last = records.at(-1) as Record<string, unknown> | undefined;
  const hasMore = body[p.hasMoreField] === true && last !== undefined;
  return { records, nextToken: hasMore ? String(last[p.idField]) : null };
}
