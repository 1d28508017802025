import type { ConnectionConfig } from '../../lib/config-schema';
import { getJson } from './http-client';
import type { RateLimiter } from './rate-limiter';
import { readPath, type AuthSpec, type PaginationSpec, type SourceSpec, type StreamSpec, type WindowFilterSpec } from './spec';

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

type UrlRequest = Pick<PageRequest, 'source' | 'stream' | 'connection' | 'window' | 'pageToken'>;

const DAY_SECONDS = 86_400;

const isoDate = (seconds: number) => new Date(seconds * 1000).toISOString().slice(0, 10);

function formatBound(seconds: number, format: Exclude<WindowFilterSpec['format'], 'graph_time_range'>): string {
  switch (format) {
    case 'unix_seconds':
      return String(seconds);
    case 'iso_datetime':
      return new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');
    case 'date':
      return isoDate(seconds);
  }
}

/**
 * The Graph API's `time_range`: calendar days in the ad account's time zone, both ends inclusive.
 * The window is in UTC and the account's zone is up to a day either side, so the range starts a day
 * early; days past the window's end are read by the next window, which also starts a day early.
 */
function graphTimeRange(spec: WindowFilterSpec, window: UrlRequest['window'], nowSeconds: number): string {
  // Without a declared retention, a window from the beginning starts at the epoch.
  const oldest = spec.maxHistoryDays === undefined ? 0 : nowSeconds - spec.maxHistoryDays * DAY_SECONDS;
  const until = isoDate(window.to);
  const sinceSeconds = Math.max(window.from === null ? oldest : window.from - DAY_SECONDS, oldest);
  // A window older than the API keeps asks for its last day rather than for a range the API refuses.
  const since = isoDate(Math.min(sinceSeconds, window.to));
  return JSON.stringify({ since, until });
}

function setWindow(url: URL, spec: WindowFilterSpec, window: UrlRequest['window']): void {
  if (spec.format === 'graph_time_range') {
    url.searchParams.set(spec.fromParam, graphTimeRange(spec, window, Math.floor(Date.now() / 1000)));
    return;
  }
  if (window.from !== null) url.searchParams.set(spec.fromParam, formatBound(window.from, spec.format));
  if (spec.toParam) url.searchParams.set(spec.toParam, formatBound(window.to, spec.format));
}

function setPaging(url: URL, p: PaginationSpec, pageToken: string | null): void {
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
}

const paginationOf = (source: SourceSpec, stream: StreamSpec): PaginationSpec => stream.pagination ?? source.pagination;

/** One list request of a stream: its path (with a parent id for child streams), params, paging and window. */
function listUrl(req: UrlRequest, stream: StreamSpec, pageToken: string | null, opts: { parentId?: string; windowed: boolean }): URL {
  const base = req.connection.base_url.endsWith('/') ? req.connection.base_url : `${req.connection.base_url}/`;
  let path = stream.path.replace(/^\//, '');
  if (opts.parentId !== undefined) path = path.replace('{parent_id}', encodeURIComponent(opts.parentId));
  const url = new URL(path, base);
  for (const [k, v] of Object.entries(stream.params ?? {})) url.searchParams.set(k, v);
  setPaging(url, paginationOf(req.source, stream), pageToken);
  if (opts.windowed && stream.window) setWindow(url, stream.window, req.window);
  return url;
}

/** Where a child stream stands: the parent's next page, the parent ids not yet read, and the page within the current one. */
interface ChildCursor {
  parentToken: string | null;
  parentDone: boolean;
  pending: string[];
  childToken: string | null;
}

const START: ChildCursor = { parentToken: null, parentDone: false, pending: [], childToken: null };

function encodeChild(c: ChildCursor): string | null {
  if (c.parentDone && c.pending.length === 0) return null;
  return JSON.stringify({ p: c.parentToken, d: c.parentDone, ids: c.pending, c: c.childToken });
}

function decodeChild(stream: StreamSpec, token: string | null): ChildCursor {
  if (token === null) return START;
  let parsed: { p?: unknown; d?: unknown; ids?: unknown; c?: unknown } | undefined;
  try {
    parsed = JSON.parse(token) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const str = (v: unknown) => v === null || typeof v === 'string';
  if (!parsed || !str(parsed.p) || typeof parsed.d !== 'boolean' || !Array.isArray(parsed.ids) || !parsed.ids.every((i) => typeof i === 'string') || !str(parsed.c)) {
    throw new Error(`${stream.name}: page token ${token.slice(0, 80)} is not a child-stream position; restart the stream's sync from the beginning`);
  }
  return { parentToken: parsed.p as string | null, parentDone: parsed.d, pending: parsed.ids as string[], childToken: parsed.c as string | null };
}

function parentOf(source: SourceSpec, stream: StreamSpec): StreamSpec {
  const parent = source.streams.find((s) => s.name === stream.parent!.stream);
  if (!parent || parent.parent) {
    throw new Error(`${source.name}.${stream.name}: parent stream "${stream.parent!.stream}" is not a top-level stream of ${source.name}`);
  }
  return parent;
}

type Plan =
  | { kind: 'list'; url: URL }
  | { kind: 'parent'; url: URL; parent: StreamSpec; cursor: ChildCursor }
  | { kind: 'child'; url: URL; cursor: ChildCursor };

function planRequest(req: UrlRequest): Plan {
  if (!req.stream.parent) return { kind: 'list', url: listUrl(req, req.stream, req.pageToken, { windowed: true }) };
  const cursor = decodeChild(req.stream, req.pageToken);
  if (cursor.pending.length === 0) {
    const parent = parentOf(req.source, req.stream);
    return { kind: 'parent', parent, cursor, url: listUrl(req, parent, cursor.parentToken, { windowed: true }) };
  }
  return { kind: 'child', cursor, url: listUrl(req, req.stream, cursor.childToken, { parentId: cursor.pending[0]!, windowed: false }) };
}

/** Builds the URL of one page from the source's declared pagination and window filter (without credentials). */
export function pageUrl(req: UrlRequest): URL {
  return planRequest(req).url;
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

/** Where the page after `records` starts under one paging scheme; null when this was the last page. */
export function nextPageToken(p: PaginationSpec, body: unknown, records: Record<string, unknown>[], pageToken: string | null): string | null {
  switch (p.type) {
    case 'after_last_id': {
      const last = records.at(-1);
      if (!last) return null;
      const more = p.hasMoreField ? readPath(body, p.hasMoreField) === true : records.length >= p.pageSize;
      if (!more) return null;
      const id = readPath(last, p.idField);
      if (id === undefined || id === null || id === '') {
        throw new Error(`cannot page on: the last record of the page has no "${p.idField}" to continue after`);
      }
      return p.afterIsInclusive ? String(Number(id) + 1) : String(id);
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

/** Where the page after `records` starts, per the stream's (or else the source's) pagination; null when this was the last page. */
export function nextToken(source: SourceSpec, body: unknown, records: Record<string, unknown>[], pageToken: string | null, stream?: StreamSpec): string | null {
  return nextPageToken(stream?.pagination ?? source.pagination, body, records, pageToken);
}

/** A record's cursor as unix seconds: a number is taken as seconds, a string as digits or a date; undefined when unreadable. */
export function cursorSeconds(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) ? value : undefined;
  if (typeof value !== 'string' || value.trim() === '') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value);
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? undefined : ms / 1000;
}

/**
 * Applies a window to a newest-first page: records at or after `to` are left for the next sync,
 * records before `from` are older than this sync needs and say the paging is done. A record whose
 * cursor cannot be read is kept, so validation quarantines it instead of it vanishing.
 */
export function applyClientWindow(
  records: Record<string, unknown>[],
  cursorField: string,
  window: PageRequest['window'],
): { records: Record<string, unknown>[]; reachedStart: boolean } {
  let reachedStart = false;
  const kept = records.filter((record) => {
    const at = cursorSeconds(readPath(record, cursorField));
    if (at === undefined) return true;
    if (at >= window.to) return false;
    if (window.from !== null && at < window.from) {
      reachedStart = true;
      return false;
    }
    return true;
  });
  return { records: kept, reachedStart };
}

async function getRecords(req: PageRequest, stream: StreamSpec, unsigned: URL): Promise<{ body: unknown; records: Record<string, unknown>[] }> {
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
  const records = body === null ? [] : readPath(body, stream.recordsPath);
  if (!Array.isArray(records)) {
    throw new Error(`${req.source.name}.${stream.name}: the answer from ${unsigned.pathname} has no records array at "${stream.recordsPath}"`);
  }
  return { body, records };
}

/** Reads one page of a top-level stream (applying a client-side window if the stream declares one). */
async function readList(req: PageRequest, stream: StreamSpec, url: URL, pageToken: string | null): Promise<Page> {
  const { body, records } = await getRecords(req, stream, url);
  const next = nextPageToken(paginationOf(req.source, stream), body, records, pageToken);
  if (!stream.clientWindow) return { records, nextToken: next };
  const windowed = applyClientWindow(records, stream.cursorField, req.window);
  return { records: windowed.records, nextToken: windowed.reachedStart ? null : next };
}

/** Reads one page of a stream and says where the next one starts. */
export async function fetchPage(req: PageRequest): Promise<Page> {
  const plan = planRequest(req);
  switch (plan.kind) {
    case 'list':
      return readList(req, req.stream, plan.url, req.pageToken);
    case 'parent': {
      // A page of parents lands nothing itself: it queues their ids for the child requests that follow.
      // A parent without an id has no children to ask for; the parent stream quarantines it.
      const page = await readList(req, plan.parent, plan.url, plan.cursor.parentToken);
      const ids = page.records.map((r) => readPath(r, req.stream.parent!.idField)).filter((id) => id !== undefined && id !== null).map(String);
      const cursor: ChildCursor = { parentToken: page.nextToken, parentDone: page.nextToken === null, pending: ids, childToken: null };
      return { records: [], nextToken: encodeChild(cursor) };
    }
    case 'child': {
      const { body, records } = await getRecords(req, req.stream, plan.url);
      const childNext = nextPageToken(paginationOf(req.source, req.stream), body, records, plan.cursor.childToken);
      const cursor: ChildCursor =
        childNext === null ? { ...plan.cursor, pending: plan.cursor.pending.slice(1), childToken: null } : { ...plan.cursor, childToken: childNext };
      return { records, nextToken: encodeChild(cursor) };
    }
  }
}
