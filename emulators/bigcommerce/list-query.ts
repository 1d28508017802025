import type { FlatQuery } from '../http/querystring.js';
import { invalidParam } from './errors.js';
import { parseApiDate } from './formats.js';

export const DEFAULT_LIMIT = 50;
export const MAX_LIMIT = 250;

/** The single value of a query parameter (the last one when repeated), or undefined. */
export function single(query: FlatQuery, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** `page` and `limit` as BigCommerce reads them: page from 1, limit default 50, anything above 250 served as 250. */
export function parsePaging(query: FlatQuery, version: 'v2' | 'v3'): { page: number; limit: number } {
  const int = (key: string, fallback: number): number => {
    const raw = single(query, key);
    if (raw === undefined || raw === '') return fallback;
    if (!/^\d+$/.test(raw) || Number(raw) < 1) throw invalidParam(version, key, `'${raw}' is not a positive integer.`);
    return Number(raw);
  };
  return { page: int('page', 1), limit: Math.min(MAX_LIMIT, int('limit', DEFAULT_LIMIT)) };
}

/** A date bound in RFC-2822 or ISO-8601, or null when absent. */
export function parseDateParam(query: FlatQuery, key: string, version: 'v2' | 'v3'): number | null {
  const raw = single(query, key);
  if (raw === undefined || raw === '') return null;
  const ms = parseApiDate(raw);
  if (ms === null) throw invalidParam(version, key, `'${raw}' is not an RFC-2822 or ISO-8601 date.`);
  return ms;
}

/** An integer parameter, or null when absent. */
export function parseIntParam(query: FlatQuery, key: string, version: 'v2' | 'v3'): number | null {
  const raw = single(query, key);
  if (raw === undefined || raw === '') return null;
  if (!/^-?\d+$/.test(raw)) throw invalidParam(version, key, `'${raw}' is not an integer.`);
  return Number(raw);
}

/** A comma-separated `…:in` list, or null when absent. */
export function parseInList(query: FlatQuery, key: string): string[] | null {
  const raw = single(query, key);
  if (raw === undefined || raw === '') return null;
  return raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
}

/** `field:direction` (direction defaulting to asc), checked against the sortable fields. */
export function parseSort(raw: string | undefined, fields: readonly string[], version: 'v2' | 'v3', param = 'sort'): { field: string; desc: boolean } | null {
  if (raw === undefined || raw === '') return null;
  const [field = '', direction = 'asc'] = raw.split(':');
  if (!fields.includes(field) || !['asc', 'desc'].includes(direction.toLowerCase())) {
    throw invalidParam(version, param, `'${raw}' is not one of ${fields.map((f) => `${f}:asc|desc`).join(', ')}.`);
  }
  return { field, desc: direction.toLowerCase() === 'desc' };
}

/** Sorts a copy by a numeric or string key, ties broken by id ascending so pages never overlap. */
export function sortBy<T>(items: readonly T[], key: (t: T) => number | string, desc: boolean, id: (t: T) => number): T[] {
  return [...items].sort((a, b) => {
    const ka = key(a);
    const kb = key(b);
    const c = ka < kb ? -1 : ka > kb ? 1 : 0;
    return (desc ? -c : c) || id(a) - id(b);
  });
}

/** The v3 `meta.pagination` block, links written as query strings the way BigCommerce does. */
export function v3Pagination(total: number, count: number, page: number, limit: number): Record<string, unknown> {
  const totalPages = Math.ceil(total / limit);
  const link = (p: number): string => `?page=${p}&limit=${limit}`;
  const links: Record<string, string> = {};
  if (page > 1) links.previous = link(Math.min(page - 1, Math.max(1, totalPages)));
  links.current = link(page);
  if (page < totalPages) links.next = link(page + 1);
  return { total, count, per_page: limit, current_page: page, total_pages: totalPages, links };
}
