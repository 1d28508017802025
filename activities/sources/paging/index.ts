import type { AnswerOrigin } from '../../../lib/errors';
import type { PaginationSpec } from '../spec';
import { afterLastId } from './after-last-id';
import { nextCursor } from './next-cursor';
import { none } from './none';
import { offset } from './offset';
import { pageNumber } from './page-number';
import { refuseStalledToken } from './progress';
import type { PagingScheme } from './scheme';

type Schemes = { [T in PaginationSpec['type']]: PagingScheme<Extract<PaginationSpec, { type: T }>> };

/** The scheme that reads each `PaginationSpec.type`. */
const SCHEMES: Schemes = {
  after_last_id: afterLastId,
  offset,
  page_number: pageNumber,
  next_cursor: nextCursor,
  none,
};

const schemeOf = <P extends PaginationSpec>(p: P): PagingScheme<P> => SCHEMES[p.type] as unknown as PagingScheme<P>;

/** Sets the parameters that ask for the page at `pageToken` (null: the first page) under a paging scheme. */
export function setPageParams(url: URL, p: PaginationSpec, pageToken: string | null): void {
  schemeOf(p).setParams(url, p, pageToken);
}

/**
 * Where the page after `records` starts under one paging scheme; null when this was the last page.
 * An answer paging cannot go on from, or a next page that would be this one again, is a
 * `SourceAnswerError` naming `origin`.
 */
export function nextPageToken(
  p: PaginationSpec,
  body: unknown,
  records: Record<string, unknown>[],
  pageToken: string | null,
  origin?: AnswerOrigin,
): string | null {
  const next = schemeOf(p).nextToken(p, { body, records, pageToken, origin });
  refuseStalledToken(next, pageToken, origin);
  return next;
}
