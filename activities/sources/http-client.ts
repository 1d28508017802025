import pRetry, { AbortError } from 'p-retry';
import { SourceAuthError, SourceRequestError, SourceUnavailableError } from '../../lib/errors';
import type { RateLimiter } from './rate-limiter';
import { belowLimit, type SourceSpec } from './spec';

export interface HttpRequest {
  connectionId: string;
  /** Named in the error when the source rejects the credential, so the message says what to fix. */
  credentialEnv?: string;
  url: URL;
  /** GET unless said otherwise; a POST sends `body` as JSON. */
  method?: 'GET' | 'POST';
  body?: unknown;
  headers: Record<string, string>;
  limiter: RateLimiter;
  source: Pick<
    SourceSpec,
    | 'describeError'
    | 'isRateLimited'
    | 'isAuthError'
    | 'isTokenExpired'
    | 'retryAfterMs'
    | 'rateLimitHeader'
    | 'rateLimitWindowHeader'
    | 'rateBudget'
    | 'rateLimitRemainingHeader'
    | 'rateLimitWindowMs'
  >;
  /** Called on every failed attempt that will be retried, so a heartbeating activity stays alive. */
  onRetry?: (error: Error, attempt: number) => void;
  /** Called every few seconds while the request waits for the rate limit. */
  onWait?: () => void;
  signal?: AbortSignal;
  /** Retries inside one call before the error goes up to Temporal's own retry. */
  retries?: number;
  requestTimeoutMs?: number;
}

/** The longest a source's wait hint holds the connection; a longer hint is cut to this. */
const MAX_WAIT_MS = 60_000;

function retryAfterMs(headers: Headers): number | undefined {
  const value = headers.get('retry-after');
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return seconds * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - Date.now());
}

/** An answer's JSON, parsed, and the text it was parsed from (which the records land as). */
export interface JsonAnswer {
  body: unknown;
  text: string;
}

async function readBody(response: Response): Promise<JsonAnswer> {
  const text = await response.text();
  if (text === '') return { body: null, text };
  try {
    return { body: JSON.parse(text), text };
  } catch {
    return { body: text.slice(0, 200), text };
  }
}

/** The limit a source announces, in requests per second: a count per second, or per the window its window header names. */
function announcedPerSecond(source: HttpRequest['source'], headers: Headers): number | undefined {
  const count = source.rateLimitHeader ? Number(headers.get(source.rateLimitHeader)) : Number.NaN;
  if (!(count > 0)) return undefined;
  if (!source.rateLimitWindowHeader) return count;
  const windowMs = Number(headers.get(source.rateLimitWindowHeader));
  return windowMs > 0 ? count / (windowMs / 1000) : undefined;
}

/**
 * Paces the connection by the limit the source announces, less the margin cdp keeps below it, and,
 * when the source says none are left, holds it until the window refills: the wait the source names
 * (BigCommerce's reset time, on every answer), or the whole window.
 */
function followRateHeaders(req: HttpRequest, headers: Headers): void {
  const { rateBudget, rateLimitRemainingHeader, rateLimitWindowMs } = req.source;
  const announced = announcedPerSecond(req.source, headers);
  if (announced !== undefined) req.limiter.setRate(belowLimit(announced, rateBudget ?? 'own'));
  const remaining = rateLimitRemainingHeader ? headers.get(rateLimitRemainingHeader) : null;
  if (remaining !== null && remaining.trim() !== '' && Number(remaining) === 0) {
    req.limiter.drain(Math.min(req.source.retryAfterMs?.(headers) ?? rateLimitWindowMs ?? 0, MAX_WAIT_MS));
  }
}

async function attempt(req: HttpRequest): Promise<JsonAnswer> {
  await req.limiter.acquire(req.onWait);
  // Errors name the origin and path only: a credential in a query parameter never reaches a message.
  const where = `${req.url.origin}${req.url.pathname}`;
  let response: Response;
  try {
    response = await fetch(req.url, {
      method: req.method ?? 'GET',
      headers: req.body === undefined ? req.headers : { ...req.headers, 'content-type': 'application/json' },
      ...(req.body === undefined ? {} : { body: JSON.stringify(req.body) }),
      signal: AbortSignal.any([AbortSignal.timeout(req.requestTimeoutMs ?? 30_000), ...(req.signal ? [req.signal] : [])]),
    });
  } catch (err) {
    if (req.signal?.aborted) throw new AbortError(err as Error);
    throw new SourceUnavailableError(req.connectionId, where, undefined, (err as Error).message);
  }
  followRateHeaders(req, response.headers);
  const answer = await readBody(response);
  const { body } = answer;
  const detail = () => (typeof body === 'string' ? body : req.source.describeError(body));
  const waitMs = () => req.source.retryAfterMs?.(response.headers) ?? retryAfterMs(response.headers);

  if (response.status === 429 || req.source.isRateLimited?.(response.status, body)) {
    // No announced wait: the rest of the API's rate window, if it has one.
    const wait = waitMs() ?? req.source.rateLimitWindowMs;
    req.limiter.drain(Math.min(wait ?? 0, MAX_WAIT_MS));
    const reason = response.headers.get('stripe-rate-limited-reason');
    throw new SourceUnavailableError(req.connectionId, where, response.status, reason ? `${detail()} (${reason})` : detail(), wait);
  }
  if (response.ok) return answer;
  if (response.status === 401 || response.status === 403 || req.source.isAuthError?.(response.status, body)) {
    const expired = req.source.isTokenExpired?.(response.status, body) === true;
    throw new AbortError(new SourceAuthError(req.connectionId, where, response.status, detail(), req.credentialEnv, expired));
  }
  if (response.status >= 500 || response.status === 408) {
    throw new SourceUnavailableError(req.connectionId, where, response.status, detail(), waitMs());
  }
  throw new AbortError(new SourceRequestError(req.connectionId, where, response.status, detail()));
}

/**
 * Asks a source API for a JSON document within its rate limit, retrying rate limits, 5xx and
 * network failures with exponential backoff (honouring the source's wait hints), and failing fast on
 * auth and request errors. An empty body (HTTP 204) comes back as null.
 */
export async function requestJson(req: HttpRequest): Promise<unknown> {
  return (await requestJsonAnswer(req)).body;
}

/** {@link requestJson}, with the answer's text beside its parsed body. */
export async function requestJsonAnswer(req: HttpRequest): Promise<JsonAnswer> {
  return pRetry(() => attempt(req), {
    retries: req.retries ?? 6,
    minTimeout: 250,
    maxTimeout: 15_000,
    factor: 2,
    randomize: true,
    signal: req.signal,
    // A POST that failed may still have been carried out (a report requested twice): only a refusal
    // to take it at all (429) is retried here.
    shouldRetry: ({ error }) => error instanceof SourceUnavailableError && (req.method !== 'POST' || error.status === 429),
    onFailedAttempt: async ({ error, attemptNumber }) => {
      req.onRetry?.(error, attemptNumber);
      const wait = error instanceof SourceUnavailableError ? error.retryAfterMs : undefined;
      if (wait) await new Promise((resolve) => setTimeout(resolve, Math.min(wait, MAX_WAIT_MS)));
    },
  });
}
