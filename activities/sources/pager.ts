import type { ConnectionConfig } from '../../lib/config-schema';
import { SourceAnswerError, SourceAuthError, type AnswerOrigin } from '../../lib/errors';
import { childValues, decodeChild, encodeChild, type ChildCursor, type ParentValues } from './child-cursor';
import { credentialEnvOf, signingSecret, type Credential } from './credentials';
import { requestJsonAnswer, type JsonAnswer } from './http-client';
import type { RateLimiter } from './rate-limiter';
import { authenticate, fillPlaceholders, listUrl, type SyncWindow } from './request-url';
import { nextPageToken } from './paging';
import type { RepeatedPageGuard } from './paging/progress';
import { readPath } from './read-path';
import { arrayElementTexts } from './record-texts';
import type { KeepWhereSpec, PaginationSpec, SourceSpec, StreamSpec } from './spec';
import { parentChainProblem, specError, specFile } from './spec-validation';

export interface PageRequest {
  source: SourceSpec;
  stream: StreamSpec;
  connection: ConnectionConfig;
  credential: Credential;
  limiter: RateLimiter;
  /** The window in unix seconds: from inclusive (null = the beginning), to exclusive. */
  window: SyncWindow;
  pageToken: string | null;
  /** The account's time zone, where the source's calendar days are its (read with `accountFacts`). */
  timeZone?: string;
  /** Remembers the stream's previous page across calls, so an answer repeating it fails instead of looping. */
  repeats?: RepeatedPageGuard;
  signal?: AbortSignal;
  onRetry?: (error: Error, attempt: number) => void;
  /** Called every few seconds while a request waits for the rate limit. */
  onWait?: () => void;
  /**
   * The limiter of a stream's requests where the source limits each operation on its own (a child
   * stream's parent pages draw on the parent's operation); `limiter` otherwise.
   */
  limiterOf?: (stream: StreamSpec) => RateLimiter;
}

export interface Page {
  records: Record<string, unknown>[];
  /**
   * Each record's JSON text as the source wrote it, in the order of `records`; absent where the
   * records are not cut from the answer unchanged (a child stream's records carry their parent's values).
   */
  texts?: string[];
  /** The token of the page after this one; null when this was the last. */
  nextToken: string | null;
}

type UrlRequest = Pick<PageRequest, 'source' | 'stream' | 'connection' | 'window' | 'pageToken' | 'timeZone'>;

const paginationOf = (source: SourceSpec, stream: StreamSpec): PaginationSpec => stream.pagination ?? source.pagination;

/**
 * The parent stream of a child stream. A parent may itself be a child (a balance per ledger entry per
 * program), read through its own parent in turn; a missing parent or a loop of parents is refused.
 */
function parentOf(source: SourceSpec, stream: StreamSpec): StreamSpec {
  const problem = parentChainProblem(source, stream);
  if (problem) throw specError(source.name, problem);
  return source.streams.find((s) => s.name === stream.parent!.stream)!;
}

type Plan =
  | { kind: 'list'; url: URL }
  | { kind: 'parent'; url: URL; parent: StreamSpec; cursor: ChildCursor }
  | { kind: 'child'; url: URL; cursor: ChildCursor; values: ParentValues };

function planRequest(req: UrlRequest): Plan {
  const pagination = paginationOf(req.source, req.stream);
  if (!req.stream.parent) return { kind: 'list', url: listUrl(req.connection, req.stream, pagination, req.pageToken, req.window, {}, req.timeZone) };
  const cursor = decodeChild(req.stream, req.pageToken);
  if (cursor.pending.length === 0) {
    // The next page of parents, whatever kind of request that is for the parent stream.
    const parent = parentOf(req.source, req.stream);
    return { kind: 'parent', parent, cursor, url: planRequest({ ...req, stream: parent, pageToken: cursor.parentToken }).url };
  }
  const values = cursor.pending[0]!;
  return { kind: 'child', cursor, values, url: listUrl(req.connection, req.stream, pagination, cursor.childToken, req.window, values, req.timeZone) };
}

/** Builds the URL of one page from the source's declared pagination and window filter (without credentials). */
export function pageUrl(req: UrlRequest): URL {
  return planRequest(req).url;
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

/** Where an answer of a stream came from, for the errors that name it. */
const originOf = (req: PageRequest, stream: StreamSpec, unsigned: URL): AnswerOrigin => ({
  connectionId: req.connection.id,
  source: req.source.name,
  stream: stream.name,
  url: unsigned.href,
});

/** The records of an answer: the array at `recordsPath`, or the one record there for a single-record stream. */
function recordsOf(req: PageRequest, stream: StreamSpec, body: unknown, unsigned: URL): Record<string, unknown>[] {
  // An empty answer (BigCommerce's 204 past the last page) is an empty page.
  if (body === null) return [];
  const found = readPath(body, stream.recordsPath);
  if (stream.singleRecord && found !== null && typeof found === 'object' && !Array.isArray(found)) return [found as Record<string, unknown>];
  if (!stream.singleRecord && Array.isArray(found)) return found as Record<string, unknown>[];
  throw new SourceAnswerError(
    `has no ${stream.singleRecord ? 'record' : 'records array'} at "${stream.recordsPath}"`,
    `asking again gets the same answer: check recordsPath of stream ${stream.name} in ${specFile(req.source.name)} against the API's answer`,
    originOf(req, stream, unsigned),
  );
}

/** What a request to a source needs beside its URL: who asks, with what, and at what pace. */
export type SourceRequest = Pick<PageRequest, 'source' | 'connection' | 'credential' | 'limiter' | 'signal' | 'onRetry' | 'onWait'>;

/**
 * GETs (or POSTs `body` to) the connection's API, signed with its credential, within its rate limit.
 * An access token the source refuses as expired (its clock ahead of ours, a token revoked) is
 * minted afresh once and the request sent again.
 */
export async function getFromSource(req: SourceRequest, unsigned: URL, post?: { body: unknown }): Promise<unknown> {
  return (await getAnswerFromSource(req, unsigned, post)).body;
}

/** {@link getFromSource}, with the answer's text beside its parsed body. */
async function getAnswerFromSource(req: SourceRequest, unsigned: URL, post?: { body: unknown }): Promise<JsonAnswer> {
  for (let renewed = false; ; renewed = true) {
    const secret = await signingSecret(req.credential);
    const { url, headers } = authenticate(req.source.auth, secret, unsigned);
    try {
      return await requestJsonAnswer({
        connectionId: req.connection.id,
        credentialEnv: credentialEnvOf(req.connection),
        url,
        ...(post ? { method: 'POST' as const, body: post.body } : {}),
        headers: { accept: 'application/json', ...req.source.headers, ...headers },
        limiter: req.limiter,
        source: req.source,
        signal: req.signal,
        onRetry: req.onRetry,
        onWait: req.onWait,
      });
    } catch (err) {
      if (renewed || typeof req.credential === 'string' || !(err instanceof SourceAuthError && err.tokenExpired)) throw err;
      req.credential.expired(secret);
    }
  }
}

interface Answer {
  body: unknown;
  records: Record<string, unknown>[];
  /** The records' own JSON texts, where the answer's text could be cut into them. */
  texts: string[] | undefined;
  origin: AnswerOrigin;
}

async function getRecords(req: PageRequest, stream: StreamSpec, unsigned: URL): Promise<Answer> {
  const { body, text } = await getAnswerFromSource({ ...req, limiter: req.limiterOf?.(stream) ?? req.limiter }, unsigned);
  const records = recordsOf(req, stream, body, unsigned);
  const cut = stream.singleRecord ? undefined : arrayElementTexts(text, stream.recordsPath);
  // The parsed records are the truth; texts that do not line up with them are not used.
  const texts = cut?.length === records.length ? cut : undefined;
  return { body, records, texts, origin: originOf(req, stream, unsigned) };
}

/** The texts of the records kept of an answer's `all`, in their order. */
function textsOf(kept: readonly Record<string, unknown>[], all: readonly Record<string, unknown>[], texts: string[] | undefined): string[] | undefined {
  if (texts === undefined || kept.length === all.length) return texts;
  const textOf = new Map(all.map((r, i) => [r, texts[i]!] as const));
  return kept.map((r) => textOf.get(r)!);
}

/** The records of a list that belong to the connection; see {@link KeepWhereSpec}. */
export function keepOwnRecords(records: Record<string, unknown>[], spec: KeepWhereSpec, connection: ConnectionConfig): Record<string, unknown>[] {
  const wanted = fillPlaceholders(spec.value, connection.path_params ?? {}, `connection "${connection.id}"`, false);
  return records.filter((record) => {
    const value = readPath(record, spec.field);
    if (value === undefined || value === null) return true;
    return Array.isArray(value) ? value.some((v) => String(v) === wanted) : String(value) === wanted;
  });
}

/** Reads one page of a list stream (keeping the connection's own records, and applying a client-side window if declared). */
async function readList(req: PageRequest, stream: StreamSpec, url: URL, pageToken: string | null): Promise<Page> {
  const { body, records: all, texts, origin } = await getRecords(req, stream, url);
  req.repeats?.check(all, pageToken !== null, origin);
  // Paging counts what the API answered; filtering only decides what lands.
  const next = nextPageToken(paginationOf(req.source, stream), body, all, pageToken, origin);
  const records = stream.keepWhere ? keepOwnRecords(all, stream.keepWhere, req.connection) : all;
  if (!stream.clientWindow) return { records, texts: textsOf(records, all, texts), nextToken: next };
  const windowed = applyClientWindow(records, stream.cursorField, req.window);
  return { records: windowed.records, texts: textsOf(windowed.records, all, texts), nextToken: windowed.reachedStart ? null : next };
}

/** Reads one page of a stream and says where the next one starts. */
export async function fetchPage(req: PageRequest): Promise<Page> {
  const plan = planRequest(req);
  switch (plan.kind) {
    case 'list':
      return readList(req, req.stream, plan.url, req.pageToken);
    case 'parent': {
      // A page of parents lands nothing itself: it queues their path values for the child requests
      // that follow. A parent that is itself a child stream answers with its own page here.
      const page = await fetchPage({ ...req, stream: plan.parent, pageToken: plan.cursor.parentToken, repeats: undefined });
      const cursor: ChildCursor = { parentToken: page.nextToken, parentDone: page.nextToken === null, pending: childValues(req.stream.parent!, page.records), childToken: null };
      return { records: [], nextToken: encodeChild(cursor) };
    }
    case 'child': {
      const { body, records: answered, texts, origin } = await getRecords(req, req.stream, plan.url);
      // Only a later page of the same parent's list can repeat; the first page of the next parent's may match by chance.
      req.repeats?.check(answered, plan.cursor.childToken !== null, origin);
      const childNext = nextPageToken(paginationOf(req.source, req.stream), body, answered, plan.cursor.childToken, origin);
      const cursor: ChildCursor =
        childNext === null ? { ...plan.cursor, pending: plan.cursor.pending.slice(1), childToken: null } : { ...plan.cursor, childToken: childNext };
      const own = req.stream.keepWhere ? keepOwnRecords(answered, req.stream.keepWhere, req.connection) : answered;
      const field = req.stream.parent!.recordField;
      // A record that is not an object (a broken answer) lands as sent, for validation to quarantine.
      if (field === undefined) return { records: own, texts: textsOf(own, answered, texts), nextToken: encodeChild(cursor) };
      const records = own.map((r) => (r !== null && typeof r === 'object' && !Array.isArray(r) ? { ...r, [field]: plan.values } : r));
      return { records, nextToken: encodeChild(cursor) };
    }
  }
}
