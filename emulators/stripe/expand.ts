import { invalidParam } from './errors.js';

/** Finds any served object by id, or undefined. */
export type ObjectLookup = (id: string) => object | undefined;

/**
 * A field an object leaves out unless asked for (a customer's `sources`, `subscriptions`, `tax_ids`):
 * its value, or undefined where the object has no such field.
 */
export type IncludableLookup = (obj: Record<string, unknown>, field: string) => unknown;

const MAX_DEPTH = 4;

function expandAt(node: unknown, segments: readonly string[], path: string, lookup: ObjectLookup, include: IncludableLookup): unknown {
  if (Array.isArray(node)) return node.map((n) => expandAt(n, segments, path, lookup, include));
  if (node === null || typeof node !== 'object') return node;
  const [head, ...rest] = segments as [string, ...string[]];
  const record = node as Record<string, unknown>;
  const included = head in record ? undefined : include(record, head);
  if (!(head in record) && included === undefined) throw invalidParam('expand', `This property cannot be expanded (${path}).`);
  const value = included ?? record[head];
  let replaced: unknown;
  if (rest.length > 0) {
    replaced = expandAt(value, rest, path, lookup, include);
  } else if (included !== undefined) {
    replaced = included;
  } else {
    const resolve = (v: unknown): unknown => {
      if (typeof v !== 'string') return v;
      const found = lookup(v);
      if (!found) throw invalidParam('expand', `This property cannot be expanded (${path}).`);
      return found;
    };
    replaced = Array.isArray(value) ? value.map(resolve) : resolve(value);
  }
  return { ...record, [head]: replaced };
}

/**
 * Replaces the ids at each dotted path with the objects they name, copying only along the path.
 * List endpoints pass paths with their `data.` prefix already removed.
 */
export function expandObject<T extends object>(obj: T, paths: readonly string[], lookup: ObjectLookup, include: IncludableLookup = () => undefined): T {
  let out: unknown = obj;
  for (const path of paths) {
    const segments = path.split('.');
    if (segments.length > MAX_DEPTH || segments.some((s) => s === '')) throw invalidParam('expand', `This property cannot be expanded (${path}).`);
    out = expandAt(out, segments, path, lookup, include);
  }
  return out as T;
}

/** Strips the `data.` prefix list endpoints require, rejecting paths without it. */
export function listExpandPaths(paths: readonly string[]): string[] {
  return paths.map((p) => {
    if (!p.startsWith('data.')) {
      throw invalidParam('expand', `This property cannot be expanded (${p}). You may want to try expanding 'data.${p}' instead.`);
    }
    return p.slice('data.'.length);
  });
}
