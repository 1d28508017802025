import type { FlatQuery } from '../http/querystring.js';
import { hash32 } from '../world/prng.js';
import type { AcRecord } from './build/ac-data.js';

/** A list filter: `prepare` reads the raw parameter once per request (throwing for unreadable values) and returns the test. */
export interface AcFilter<T> {
  param: string;
  prepare: (raw: string) => (record: AcRecord<T>) => boolean;
}

/** One `/api/3/<path>` list resource. */
export interface AcResource<T = unknown> {
  path: string;
  /** The envelope key, e.g. `contacts`. */
  key: string;
  /** The single-object key and the model name 404s use. */
  singular: string;
  model: string;
  /** Records in id order. */
  records: readonly AcRecord<T>[];
  filters: readonly AcFilter<T>[];
  /** Sort keys by the name in `orders[<name>]`. */
  orders: Readonly<Record<string, (record: AcRecord<T>) => number | string>>;
  /** Extra top-level members printed before the list, as some endpoints send (`fieldOptions`, `scoreValues`). */
  leading?: Readonly<Record<string, unknown>>;
  /** Contacts also echo the paging input in `meta.page_input`. */
  pageInput?: boolean;
}

export const DEFAULT_LIMIT = 20;
export const MAX_LIMIT = 100;

/** The last value of a parameter (clients that repeat a scalar mean the last one). */
export function single(query: FlatQuery, key: string): string | undefined {
  const v = query[key];
  return Array.isArray(v) ? v[v.length - 1] : v;
}

function intParam(raw: string | undefined): number | null {
  if (raw === undefined || !/^\s*\d+\s*$/.test(raw)) return null;
  return Number(raw.trim());
}

/** `limit` as v3 reads it: 20 when absent or unreadable, at most 100. */
export function limitOf(query: FlatQuery): number {
  const n = intParam(single(query, 'limit'));
  if (n === null || n < 1) return DEFAULT_LIMIT;
  return Math.min(n, MAX_LIMIT);
}

/** `offset`, zero-based; 0 when absent or unreadable. */
export function offsetOf(query: FlatQuery): number {
  return intParam(single(query, 'offset')) ?? 0;
}

function compare(a: number | string, b: number | string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** The record with `id` in a list kept in id order, or undefined. */
export function recordById<R extends { id: number }>(records: readonly R[], id: number): R | undefined {
  let lo = 0;
  let hi = records.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    const at = records[mid]!.id;
    if (at === id) return records[mid];
    if (at < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return undefined;
}

/** Serialises records once; a record changed after the account was built must be forgotten to be served afresh. */
export class JsonCache {
  private readonly cache = new WeakMap<object, string>();

  /** Drops the cached JSON of a changed record. */
  forget(record: AcRecord<unknown>): void {
    this.cache.delete(record);
  }

  /** The record's object as JSON. */
  of(record: AcRecord<unknown>): string {
    let text = this.cache.get(record);
    if (text === undefined) {
      text = JSON.stringify(record.object);
      this.cache.set(record, text);
    }
    return text;
  }
}

/**
 * Answers a list request like v3: known filters applied, `orders[...]` applied in query order (ties by id),
 * unknown filter and order parameters ignored, then `offset`/`limit`, with `meta.total` (a string) counting every match.
 */
export function listBody<T>(resource: AcResource<T>, query: FlatQuery, json: JsonCache): string {
  const tests: ((r: AcRecord<T>) => boolean)[] = [];
  for (const filter of resource.filters) {
    const raw = single(query, filter.param);
    if (raw !== undefined && raw !== '') tests.push(filter.prepare(raw));
  }
  let matched = tests.length === 0 ? [...resource.records] : resource.records.filter((r) => tests.every((t) => t(r)));

  const sorts: { key: (r: AcRecord<T>) => number | string; dir: number }[] = [];
  for (const [param, value] of Object.entries(query)) {
    const m = /^orders\[(\w+)\]$/.exec(param);
    const key = m ? resource.orders[m[1]!] : undefined;
    const dir = String(Array.isArray(value) ? value[value.length - 1] : value).toUpperCase();
    if (key && (dir === 'ASC' || dir === 'DESC')) sorts.push({ key, dir: dir === 'ASC' ? 1 : -1 });
  }
  if (sorts.length > 0) {
    matched = matched.sort((a, b) => {
      for (const s of sorts) {
        const c = compare(s.key(a), s.key(b)) * s.dir;
        if (c !== 0) return c;
      }
      return a.id - b.id;
    });
  }

  const limit = limitOf(query);
  const offset = offsetOf(query);
  const page = matched.slice(offset, offset + limit).map((r) => json.of(r));
  const meta: Record<string, unknown> = { total: String(matched.length) };
  if (resource.pageInput) meta.page_input = pageInput(query, limit, offset);
  const leading = Object.entries(resource.leading ?? {})
    .map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)},`)
    .join('');
  return `{${leading}${JSON.stringify(resource.key)}:[${page.join(',')}],"meta":${JSON.stringify(meta)}}`;
}

function pageInput(query: FlatQuery, limit: number, offset: number): Record<string, unknown> {
  const search = new URLSearchParams(Object.entries(query).flatMap(([k, v]) => (Array.isArray(v) ? v.map((x): [string, string] => [k, x]) : [[k, v] as [string, string]]))).toString();
  let h = 0;
  for (let i = 0; i < search.length; i++) h = hash32(h, search.charCodeAt(i));
  return {
    segmentid: 0, formid: 0, listid: 0, tagid: intParam(single(query, 'tagid')) ?? 0, limit, offset,
    search: single(query, 'search') ?? null, sort: null, seriesid: 0, waitid: 0, status: -1, forceQuery: 0,
    cacheid: (h.toString(16).padStart(8, '0')).repeat(4),
  };
}
