import { readPath } from '../read-path';
import type { PageNumberPaging } from '../spec';
import type { PagingScheme } from './scheme';

/** Numbered pages from `firstPage`; the token is the number of the next page. */
export const pageNumber: PagingScheme<PageNumberPaging> = {
  setParams(url, p, pageToken) {
    url.searchParams.set(p.pageSizeParam, String(p.pageSize));
    url.searchParams.set(p.pageParam, pageToken ?? String(p.firstPage));
  },
  nextToken(p, { body, records, pageToken }) {
    const page = Number(pageToken ?? p.firstPage);
    const totalPages = p.totalPagesPath ? Number(readPath(body, p.totalPagesPath)) : Number.NaN;
    if (records.length < p.pageSize || (Number.isFinite(totalPages) && page >= totalPages)) return null;
    return String(page + 1);
  },
};
