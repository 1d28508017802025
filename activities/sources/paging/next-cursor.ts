import { readPath } from '../read-path';
import type { NextCursorPaging } from '../spec';
import type { PagingScheme } from './scheme';

/** An opaque cursor handed out by the answer (Graph API `paging.cursors.after`, Amazon's `NextToken`). */
export const nextCursor: PagingScheme<NextCursorPaging> = {
  setParams(url, p, pageToken) {
    if (p.pageSizeParam) url.searchParams.set(p.pageSizeParam, String(p.pageSize));
    if (pageToken !== null) url.searchParams.set(p.cursorParam, pageToken);
  },
  nextToken(p, { body, records }) {
    const cursor = readPath(body, p.cursorPath);
    return readPath(body, p.nextPath) && typeof cursor === 'string' && records.length > 0 ? cursor : null;
  },
};
