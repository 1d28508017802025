import { StreamPositionError } from '../../lib/errors';
import { readPath } from './read-path';
import type { ParentSpec, StreamSpec } from './spec';

/** The path values one child request is made for: `parent_id` and the parent's `pathFields`. */
export type ParentValues = Record<string, string>;

/**
 * Where a child stream stands: the parent's next page, the parents not yet read, and the page within
 * the current one. The parent's token is itself a child position when the parent is a child stream.
 */
export interface ChildCursor {
  parentToken: string | null;
  parentDone: boolean;
  pending: ParentValues[];
  childToken: string | null;
}

const START: ChildCursor = { parentToken: null, parentDone: false, pending: [], childToken: null };

/** The dot paths a child reads from its parent record, by placeholder name. */
export function parentFields(parent: ParentSpec): Record<string, string> {
  return { ...(parent.idField === undefined ? {} : { parent_id: parent.idField }), ...parent.pathFields };
}

/**
 * The distinct path values of a page of parents, in order. A parent missing any value has no
 * children to ask for; the parent stream quarantines it. The same parent listed twice in a page
 * (a profile with many ledger entries) is read once.
 */
export function childValues(parent: ParentSpec, records: readonly Record<string, unknown>[]): ParentValues[] {
  const fields = Object.entries(parentFields(parent));
  const seen = new Set<string>();
  const out: ParentValues[] = [];
  for (const record of records) {
    const values: ParentValues = {};
    for (const [name, dotPath] of fields) {
      const value = readPath(record, dotPath);
      if (value === undefined || value === null || value === '') break;
      values[name] = String(value);
    }
    if (Object.keys(values).length !== fields.length) continue;
    const key = JSON.stringify(values);
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(values);
  }
  return out;
}

// A parent read by its id alone is written as the bare id, as tokens were before named path fields.
const encodeValues = (v: ParentValues): string | ParentValues => (Object.keys(v).length === 1 && v.parent_id !== undefined ? v.parent_id : v);

const isValues = (v: unknown): v is ParentValues =>
  v !== null && typeof v === 'object' && !Array.isArray(v) && Object.values(v as object).every((x) => typeof x === 'string');

/** The page token of a child position; null once the parent is done and every parent read. */
export function encodeChild(c: ChildCursor): string | null {
  if (c.parentDone && c.pending.length === 0) return null;
  return JSON.stringify({ p: c.parentToken, d: c.parentDone, ids: c.pending.map(encodeValues), c: c.childToken });
}

/** Reads a child position back from its page token (null: the start). */
export function decodeChild(stream: StreamSpec, token: string | null): ChildCursor {
  if (token === null) return START;
  let parsed: { p?: unknown; d?: unknown; ids?: unknown; c?: unknown } | undefined;
  try {
    parsed = JSON.parse(token) as typeof parsed;
  } catch {
    parsed = undefined;
  }
  const str = (v: unknown) => v === null || typeof v === 'string';
  const ids = parsed?.ids;
  if (!parsed || !str(parsed.p) || typeof parsed.d !== 'boolean' || !Array.isArray(ids) || !ids.every((i) => typeof i === 'string' || isValues(i)) || !str(parsed.c)) {
    throw new StreamPositionError(`${stream.name}: page token ${token.slice(0, 80)} is not a child-stream position; restart the stream's sync from the beginning`);
  }
  return {
    parentToken: parsed.p as string | null,
    parentDone: parsed.d,
    pending: ids.map((i: string | ParentValues) => (typeof i === 'string' ? { parent_id: i } : i)),
    childToken: parsed.c as string | null,
  };
}
