import { readPath } from '../read-path';
import type { NextCursorPaging } from '../spec';
import { refuseEmptyPageWithMore } from './progress';
import type { PagingScheme } from './scheme';

/** An opaque cursor handed out by the answer (Graph API `paging.cursors.after`, Amazon's `NextToken`). */
export const nextCursor: PagingScheme<NextCursorPaging> = {
  setParams(url, p, pageToken) {
    if (p.pageSizeParam) url.searchParams.set(p.pageSizeParam, String(p.pageSize));
    if (pageToken !== null) url.searchParams.set(p.cursorParam, pageToken);
  },
  nextToken(p, { body, records, origin }) {
    if (!readPath(body, p.nextPath)) return null;
    const cursor = readPath(body, p.cursorPath);
    // The API's own rule: a next cursor is followed, even after an empty page (Amazon answers those).
    if (typeof cursor === 'string' && cursor !== '') return cursor;
    return records.length === 0 ? refuseEmptyPageWithMore(p.nextPath, origin) : null;
  },
};
