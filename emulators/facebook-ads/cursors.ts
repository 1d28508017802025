/**
 * Paging cursors in the Graph API's insights style: base64 of the row position with each `=` of
 * padding written `ZD` (so position 0 is `MAZDZD`). Clients must treat them as opaque.
 */
export function encodeCursor(position: number): string {
  return Buffer.from(String(position)).toString('base64').replace(/=/g, 'ZD');
}

/** The row position a cursor names, or null when it is not one of ours. */
export function decodeCursor(cursor: string): number | null {
  const padded = cursor.replace(/(ZD){1,2}$/, (m) => '='.repeat(m.length / 2));
  for (const candidate of [padded, cursor]) {
    const text = Buffer.from(candidate, 'base64').toString('utf8');
    if (/^\d{1,9}$/.test(text) && encodeCursor(Number(text)) === cursor) return Number(text);
  }
  return null;
}
