function readDotPath(value: unknown, dotPath: string): unknown {
  if (dotPath === '') return value;
  let current = value;
  for (const key of dotPath.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[key];
  }
  return current;
}

/** Reads a dot path (`meta.total`, `paging.cursors.after`), or a `+`-joined composite key, from a JSON value. */
export function readPath(value: unknown, dotPath: string): unknown {
  if (!dotPath.includes('+')) return readDotPath(value, dotPath);
  const parts = dotPath.split('+').map((p) => readDotPath(value, p));
  // A key with a missing part is no key: the record lands with an empty key rather than a partial one.
  if (parts.some((p) => p === undefined || p === null)) return undefined;
  return parts.map(String).join('|');
}
