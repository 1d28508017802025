import type { ConnectionConfig } from '../../lib/config-schema';
import { getJson } from './http-client';
import type { RateLimiter } from './rate-limiter';
import { readPath, type AuthSpec, type SourceSpec, type StreamSpec, type WindowFilterSpec } from './spec';

export interface PageRequest {
  source: SourceSpec;
  stream: StreamSpec;
  connection: ConnectionConfig;
  credential: string;
  limiter: RateLimiter;
  /** The window in unix seconds: from inclusive (null = the beginning), to exclusive. */
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

function formatBound(seconds: number, format: WindowFilterSpec['format']): string {
  switch (format) {
    case 'unix_seconds':
      return String(seconds);
    case 'iso_datetime':
      return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    case 'date':
      return new Date(seconds * 1000).toISOString().slice(0, 10);
  }
}

/** Builds the URL of one page from the source's declared pagination and window filter (without credentials). */
export function pageUrl(req: Pick<PageRequest, 'source' | 'stream' | 'connection' | 'window' | 'pageToken'>): URL {
  const { source, stream, window, pageToken } = req;
  const base = req.connection.base_url.endsWith('/') ? req.connection.base_url : `${req.connection.base_url}/`;
  const url = new URL(stream.path.replace(/^\//, ''), base);
  for (const [k, v] of Object.entries(stream.params ?? {})) url.searchParams.set(k, v);
  const p = source.pagination;
  switch (p.type) {
    case 'after_last_id':
      url.searchParams.set(p.pageSizeParam, String(p.pageSize));
      if (pageToken !== null) url.searchParams.set(p.afterParam, pageToken);
      break;
    case 'offset':
      url.searchParams.set(p.limitParam, String(p.pageSize));
      url.searchParams.set(p.offsetParam, pageToken ?? '0');
      break;
    case 'page_number':
      url.searchParams.set(p.pageSizeParam, String(p.pageSize));
      url.searchParams.set(p.pageParam, pageToken ?? String(p.firstPage));
      break;
    case 'next_cursor':
      url.searchParams.set(p.pageSizeParam, String(p.pageSize));
      if (pageToken !== null) url.searchParams.set(p.cursorParam, pageToken);
      break;
  }
  if (stream.window) {
    if (window.from !== null) url.searchParams.set(stream.window.fromParam, formatBound(window.from, stream.window.format));
    if (stream.window.toParam) url.searchParams.set(stream.window.toParam, formatBound(window.to, stream.window.format));
  }
  return url;
}

function authenticate(auth: AuthSpec, credential: string, url: URL): { url: URL; headers: Record<string, string> } {
  switch (auth.type) {
    case 'bearer':
      return { url, headers: { authorization: `Bearer ${credential}` } };
    case 'header':
      return { url, headers: { [auth.name]: `${auth.prefix ?? ''}${credential}` } };
    case 'query': {
      const signed = new URL(url);
      signed.searchParams.set(auth.name, credential);
      return { url: signed, headers: {} };
    }
  }
}

/** Where the page after `records` starts, per the source's pagination; null when this was the last page. */
export function nextToken(source: SourceSpec, body: unknown, records: Record<string, unknown>[], pageToken: string | null): string | null {
  const p = source.pagination;
  switch (p.type) {
    case 'after_last_id': {
      const last = records.at(-1);
      return readPath(body, p.hasMoreField) === true && last ? String(last[p.idField]) : null;
    }
    case 'offset': {
      const next = Number(pageToken ?? 0) + records.length;
      const total = p.totalPath ? Number(readPath(body, p.totalPath)) : Number.NaN;
      if (records.length < p.pageSize || (Number.isFinite(total) && next >= total)) return null;
      return String(next);
    }
    case 'page_number': {
      const page = Number(pageToken ?? p.firstPage);
      const totalPages = p.totalPagesPath ? Number(readPath(body, p.totalPagesPath)) : Number.NaN;
      if (records.length < p.pageSize || (Number.isFinite(totalPages) && page >= totalPages)) return null;
      return String(page + 1);
    }
    case 'next_cursor': {
      const cursor = readPath(body, p.cursorPath);
      return readPath(body, p.nextPath) && typeof cursor === 'string' && records.length > 0 ? cursor : null;
    }
  }
}

/** Reads one page of a stream and says where the next one starts. */
export async function fetchPage(req: PageRequest): Promise<Page> {
  const unsigned = pageUrl(req);
  const { url, headers } = authenticate(req.source.auth, req.credential, unsigned);
  const body = await getJson({
    connectionId: req.connection.id,
    credentialEnv: req.connection.credential_env,
    url,
    headers: { accept: 'application/json', ...req.source.headers, ...headers },
    limiter: req.limiter,
    source: req.source,
    signal: req.signal,
    onRetry: req.onRetry,
  });
  // An empty answer (BigCommerce's 204 past the last page) is an empty page.
  const records = body === null ? [] : readPath(body, req.stream.recordsPath);
  if (!Array.isArray(records)) {
    throw new Error(`${req.source.name}.${req.stream.name}: the answer from ${unsigned.pathname} has no records array at "${req.stream.recordsPath}"`);
  }
  return { records, nextToken: nextToken(req.source, body, records, req.pageToken) };
}
