import type { FlatQuery } from '../http/querystring.js';
import { decodeCursor, encodeCursor } from './cursors.js';
import { invalidParameter } from './graph-errors.js';
import { param } from './insights-query.js';

export const DEFAULT_PAGE_LIMIT = 25;
export const MAX_PAGE_LIMIT = 500;

function cursorPosition(name: string, raw: string, total: number): number {
  const position = decodeCursor(raw);
  if (position === null || position >= Math.max(total, 1)) throw invalidParameter(`The ${name} cursor is not valid for this request`);
  return position;
}

function pageUrl(base: string, query: FlatQuery, cursorParam: 'after' | 'before', cursor: string): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (k === 'after' || k === 'before') continue;
    for (const value of Array.isArray(v) ? v : [v]) params.append(k, value);
  }
  params.set(cursorParam, cursor);
  return `${base}?${params.toString()}`;
}

/**
 * One page of a Graph API edge: `limit` (default 25), `after`/`before` cursors, and a `paging` block with
 * `cursors` plus absolute `next`/`previous` URLs that repeat the request's parameters (including any
 * access_token) against `base`. An empty page is just `{"data":[]}`.
 */
export function pageBody(items: readonly unknown[], query: FlatQuery, base: string): string {
  const rawLimit = param(query, 'limit');
  const limit = rawLimit !== undefined && /^\d+$/.test(rawLimit) && Number(rawLimit) > 0 ? Math.min(Number(rawLimit), MAX_PAGE_LIMIT) : DEFAULT_PAGE_LIMIT;
  const after = param(query, 'after');
  const before = param(query, 'before');
  let start = 0;
  let end: number;
  if (after !== undefined && after !== '') {
    start = cursorPosition('after', after, items.length) + 1;
    end = Math.min(items.length, start + limit);
  } else if (before !== undefined && before !== '') {
    end = cursorPosition('before', before, items.length);
    start = Math.max(0, end - limit);
  } else {
    end = Math.min(items.length, limit);
  }
  const data = items.slice(start, end);
  if (data.length === 0) return '{"data":[]}';
  const paging: Record<string, unknown> = { cursors: { before: encodeCursor(start), after: encodeCursor(end - 1) } };
  if (start > 0) paging.previous = pageUrl(base, query, 'before', encodeCursor(start));
  if (end < items.length) paging.next = pageUrl(base, query, 'after', encodeCursor(end - 1));
  return JSON.stringify({ data, paging });
}
