import { SourceAnswerError } from '../../../lib/errors';
import { readPath } from '../read-path';
import type { AfterLastIdPaging } from '../spec';
import { refuseEmptyPageWithMore } from './progress';
import type { PagingScheme } from './scheme';

/** Pages that start after the last record's id: Stripe's `starting_after`, BigCommerce's `min_id`. */
export const afterLastId: PagingScheme<AfterLastIdPaging> = {
  setParams(url, p, pageToken) {
    url.searchParams.set(p.pageSizeParam, String(p.pageSize));
    if (pageToken !== null) url.searchParams.set(p.afterParam, pageToken);
  },
  nextToken(p, { body, records, origin }) {
    const last = records.at(-1);
    const more = p.hasMoreField ? readPath(body, p.hasMoreField) === true : records.length >= p.pageSize;
    if (!more) return null;
    // Without a last record there is no id to ask after, and ending here would skip what follows.
    if (!last) return refuseEmptyPageWithMore(p.hasMoreField ?? 'a full page', origin);
    const id = readPath(last, p.idField);
    if (id === undefined || id === null || id === '') {
      throw new SourceAnswerError(
        `ends with a record that has no "${p.idField}" to page on after`,
        `asking again gets the same page: check pagination.idField in the source's spec against the API's records`,
        origin,
      );
    }
    return p.afterIsInclusive ? String(Number(id) + 1) : String(id);
  },
};
