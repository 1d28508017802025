import type { ConnectionConfig } from '../../lib/config-schema';
import { ConfigError } from '../../lib/errors';
import { setPageParams } from './paging';
import type { AuthSpec, PaginationSpec, StreamSpec, WindowFilterSpec } from './spec';

/** The window in unix seconds: from inclusive (null = the beginning), to exclusive. */
export interface SyncWindow {
  from: number | null;
  to: number;
}

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

/** A lower bound the API reads as "strictly after", written one unit early. */
function exclusiveFrom(seconds: number, format: Exclude<WindowFilterSpec['format'], 'graph_time_range'>): string {
  switch (format) {
    case 'unix_seconds':
      return String(seconds - 1);
    case 'iso_datetime':
      return new Date(seconds * 1000 - 1).toISOString();
    case 'date':
      return isoDate(seconds - DAY_SECONDS);
  }
}

/**
 * The Graph API's `time_range`: calendar days in the ad account's time zone, both ends inclusive.
 * The window is in UTC and the account's zone is up to a day either side, so the range starts a day
 * early; days past the window's end are read by the next window, which also starts a day early.
 */
function graphTimeRangeUtc(spec: WindowFilterSpec, window: SyncWindow, nowSeconds: number): { since: string; until: string } {
  // Without a declared retention, a window from the beginning starts at the epoch.
  const oldest = spec.maxHistoryDays === undefined ? 0 : nowSeconds - spec.maxHistoryDays * DAY_SECONDS;
  const until = isoDate(window.to);
  const sinceSeconds = Math.max(window.from === null ? oldest : window.from - DAY_SECONDS, oldest);
  // A window older than the API keeps asks for its last day rather than for a range the API refuses.
  const since = isoDate(Math.min(sinceSeconds, window.to));
  return { since, until };
}

/** The calendar date of an instant in a time zone. */
export function zonedDate(seconds: number, timeZone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date(seconds * 1000));
}

/** `date` less whole calendar months, on the month's last day where the day does not exist. */
export function monthsBefore(date: string, months: number): string {
  const [y, m, d] = date.split('-').map(Number) as [number, number, number];
  const index = y * 12 + (m - 1) - months;
  const year = Math.floor(index / 12);
  const month = index - year * 12 + 1;
  const day = Math.min(d, new Date(Date.UTC(year, month, 0)).getUTCDate());
  return `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
}

/**
 * The Graph API's `time_range` for a window. Knowing the account's time zone, the range is exactly the
 * account's days the window touches; without it the UTC dates, a day early at the start (see above).
 * The start never lies further back than the API keeps (`maxHistoryMonths` in the account's calendar,
 * a day later when the zone is unknown, as its today may be a day behind UTC's).
 */
export function graphTimeRange(spec: WindowFilterSpec, window: SyncWindow, nowSeconds: number, timeZone?: string): { since: string; until: string } {
  let range = graphTimeRangeUtc(spec, window, nowSeconds);
  if (timeZone) {
    const until = zonedDate(Math.max(window.to - 1, window.from ?? 0), timeZone);
    range = { since: window.from === null ? range.since : zonedDate(window.from, timeZone), until };
  }
  if (spec.maxHistoryMonths !== undefined) {
    const today = timeZone ? zonedDate(nowSeconds, timeZone) : isoDate(nowSeconds - DAY_SECONDS);
    const oldest = monthsBefore(today, spec.maxHistoryMonths);
    const since = range.since < oldest ? oldest : range.since;
    range = { since: since > range.until ? range.until : since, until: range.until };
  }
  return range;
}

function setWindow(url: URL, spec: WindowFilterSpec, window: SyncWindow, timeZone?: string): void {
  if (spec.format === 'graph_time_range') {
    url.searchParams.set(spec.fromParam, JSON.stringify(graphTimeRange(spec, window, Math.floor(Date.now() / 1000), timeZone)));
    return;
  }
  const from = window.from ?? (spec.fromRequired ? 0 : null);
  if (from !== null) url.searchParams.set(spec.fromParam, spec.fromIsExclusive ? exclusiveFrom(from, spec.format) : formatBound(from, spec.format));
  if (spec.toParam) url.searchParams.set(spec.toParam, formatBound(window.to, spec.format));
}

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_]*)\}/g;

/** The names of the `{name}` placeholders in a path or parameter template, in order. */
export function placeholderNames(template: string): string[] {
  return [...template.matchAll(PLACEHOLDER)].map((m) => m[1]!);
}

/**
 * Fills `{name}` placeholders from `values`, escaped for a URL path when `escape` is set. A
 * placeholder without a value is a configuration gap, named with the connection parameter to set.
 */
export function fillPlaceholders(template: string, values: Readonly<Record<string, string>>, where: string, escape = true): string {
  return template.replace(PLACEHOLDER, (_match, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new ConfigError(`${where}: "${template}" needs a value for {${name}}; set path_params.${name} on the connection`);
    }
    return escape ? encodeURIComponent(value) : value;
  });
}

/** A path of the connection's API (placeholders filled) resolved against its base URL, which may carry a path of its own. */
export function connectionUrl(connection: ConnectionConfig, path: string, values: Readonly<Record<string, string>>, where: string): URL {
  // The empty path is the base URL's own resource (the Graph API's ad account node), without a trailing slash.
  if (path === '') return new URL(connection.base_url);
  const base = connection.base_url.endsWith('/') ? connection.base_url : `${connection.base_url}/`;
  return new URL(fillPlaceholders(path.replace(/^\//, ''), { ...connection.path_params, ...values }, where), base);
}

/** One list request of a stream: its path (with the parent's values for child streams), params, paging and window. */
export function listUrl(
  connection: ConnectionConfig,
  stream: StreamSpec,
  pagination: PaginationSpec,
  pageToken: string | null,
  window: SyncWindow,
  parentValues: Readonly<Record<string, string>> = {},
  timeZone?: string,
): URL {
  const url = connectionUrl(connection, stream.path, parentValues, `connection "${connection.id}", stream ${stream.name}`);
  for (const [k, v] of Object.entries(stream.params ?? {})) {
    url.searchParams.set(k, fillPlaceholders(v, connection.path_params ?? {}, `connection "${connection.id}", stream ${stream.name}`, false));
  }
  setPageParams(url, pagination, pageToken);
  if (stream.window) setWindow(url, stream.window, window, timeZone);
  return url;
}

/** Signs a request with the connection's credential: a header, or a query parameter on a copy of the URL. */
export function authenticate(auth: AuthSpec, credential: string, url: URL): { url: URL; headers: Record<string, string> } {
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
