import type { AnswerOrigin } from '../../../lib/errors';
import type { PaginationSpec } from '../spec';

/** What paging reads from one answered page: the whole answer, its records, and the token it was asked with. */
export interface AnsweredPage {
  body: unknown;
  records: Record<string, unknown>[];
  /** The token the page was asked with; null for the first page. */
  pageToken: string | null;
  /** Where the answer came from, named by the error when paging cannot go on from it. */
  origin?: AnswerOrigin;
}

/** One paging scheme: the parameters that ask for a page, and where the page after an answer starts. */
export interface PagingScheme<P extends PaginationSpec> {
  /** Sets the parameters of the page at `pageToken` (null: the first page) on a request URL. */
  setParams(url: URL, spec: P, pageToken: string | null): void;
  /** The token of the page after `page`; null when it was the last. */
  nextToken(spec: P, page: AnsweredPage): string | null;
}
