import { readPath } from '../read-path';
import type { OffsetPaging } from '../spec';
import { refuseEmptyPageWithMore } from './progress';
import type { PagingScheme } from './scheme';

/** `limit`/`offset` pages; the token is the offset of the next page. */
export const offset: PagingScheme<OffsetPaging> = {
  setParams(url, p, pageToken) {
    url.searchParams.set(p.limitParam, String(p.pageSize));
    url.searchParams.set(p.offsetParam, pageToken ?? '0');
  },
  nextToken(p, { body, records, pageToken, origin }) {
    const next = Number(pageToken ?? 0) + records.length;
    // A has-more flag in the answer outranks page length and totals; an answer without one falls back to them.
    const more = p.hasMorePath === undefined ? undefined : readPath(body, p.hasMorePath);
    // An empty page that says more follows would be asked for again at the same offset.
    if (records.length === 0) return more === true ? refuseEmptyPageWithMore(p.hasMorePath ?? 'hasMore', origin) : null;
    if (typeof more === 'boolean') return more ? String(next) : null;
    const total = p.totalPath ? Number(readPath(body, p.totalPath)) : Number.NaN;
    if (records.length < p.pageSize || (Number.isFinite(total) && next >= total)) return null;
    return String(next);
  },
};
