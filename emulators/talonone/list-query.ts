import type { FlatQuery } from '../http/querystring.js';
import { badParameter } from './errors.js';

/** Every list's ceiling on `pageSize`. */
export const MAX_PAGE_SIZE = 1000;
/** Most lists default to a full page; loyalty transaction lists default to 50. */
export const DEFAULT_PAGE_SIZE = 1000;
export const DEFAULT_TRANSACTION_PAGE_SIZE = 50;

const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/i;
const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;

/** The last value of a parameter (a client repeating a scalar means the last one). */
export function single(query: FlatQuery, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

/** Every value of a repeatable parameter (`?customerSessionIDs=a&customerSessionIDs=b`). */
export function many(query: FlatQuery, key: string): string[] {
  const v = query[key];
  return v === undefined ? [] : Array.isArray(v) ? v : [v];
}

function wholeNumber(query: FlatQuery, key: string, min: number, max: number, fallback: number): number {
  const raw = single(query, key)?.trim();
  if (raw === undefined || raw === '') return fallback;
  if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) throw badParameter(key, `${key} must be a whole number from ${min} to ${max}; got "${raw}".`);
  return Number(raw);
}

export interface Paging {
  pageSize: number;
  skip: number;
}

/** `pageSize` (1 to 1000, or the endpoint's own maximum; default per endpoint) and `skip` (0 or more). */
export function pagingOf(query: FlatQuery, defaultPageSize: number, maxPageSize = MAX_PAGE_SIZE): Paging {
  return { pageSize: wholeNumber(query, 'pageSize', 1, maxPageSize, defaultPageSize), skip: wholeNumber(query, 'skip', 0, Number.MAX_SAFE_INTEGER, 0) };
}

/** One page and whether more follow. */
export function pageOf<T>(all: readonly T[], paging: Paging): { hasMore: boolean; data: T[] } {
  return { hasMore: paging.skip + paging.pageSize < all.length, data: all.slice(paging.skip, paging.skip + paging.pageSize) };
}

/**
 * An RFC 3339 instant in any offset, as epoch ms. `dateOnlyIsUtcMidnight` accepts a bare date as T00:00:00 UTC,
 * as the loyalty endpoints document for `startDate`/`endDate`.
 */
export function instantOf(query: FlatQuery, key: string, dateOnlyIsUtcMidnight = false): number | null {
  const raw = single(query, key)?.trim();
  if (raw === undefined || raw === '') return null;
  const text = dateOnlyIsUtcMidnight && DATE_ONLY.test(raw) ? `${raw}T00:00:00Z` : raw;
  const ms = RFC3339.test(text) ? Date.parse(text.toUpperCase()) : NaN;
  if (!Number.isFinite(ms)) throw badParameter(key, `${key} must be an RFC 3339 timestamp such as 2024-05-29T15:04:05+07:00; got "${raw}".`);
  return ms;
}

/** `true`/`false` (any case); null when absent. */
export function flagOf(query: FlatQuery, key: string): boolean | null {
  const raw = single(query, key)?.trim().toLowerCase();
  if (raw === undefined || raw === '') return null;
  if (raw !== 'true' && raw !== 'false') throw badParameter(key, `${key} must be true or false; got "${raw}".`);
  return raw === 'true';
}

/** A `sort` value among the allowed fields, `-` prefixed for descending; null when absent. */
export function sortOf<T>(query: FlatQuery, keys: Readonly<Record<string, (t: T) => number | string>>): ((a: T, b: T) => number) | null {
  const raw = single(query, 'sort')?.trim();
  if (raw === undefined || raw === '') return null;
  const descending = raw.startsWith('-');
  const key = keys[descending ? raw.slice(1) : raw];
  if (!key) throw badParameter('sort', `sort must be one of ${Object.keys(keys).map((k) => `${k}, -${k}`).join(', ')}; got "${raw}".`);
  const dir = descending ? -1 : 1;
  return (a, b) => {
    const x = key(a);
    const y = key(b);
    return (x < y ? -1 : x > y ? 1 : 0) * dir;
  };
}

/** Folds a code the way coupon and referral searches do: case-insensitive, only letters and digits. */
export function foldCode(code: string): string {
  return code.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/** Keeps the records created strictly after `createdAfter` and strictly before `createdBefore`. */
export function createdBetween<T extends { created: string }>(records: readonly T[], query: FlatQuery): T[] {
  const after = instantOf(query, 'createdAfter');
  const before = instantOf(query, 'createdBefore');
  if (after === null && before === null) return [...records];
  return records.filter((r) => {
    const ms = Date.parse(r.created);
    return (after === null || ms > after) && (before === null || ms < before);
  });
}
