import { readPath } from '../read-path';
import type { AfterLastIdPaging } from '../spec';
import type { PagingScheme } from './scheme';

/** Pages that start after the last record's id: Stripe's `starting_after`, BigCommerce's `min_id`. */
export const afterLastId: PagingScheme<AfterLastIdPaging> = {
  setParams(url, p, pageToken) {
    url.searchParams.set(p.pageSizeParam, String(p.pageSize));
    if (pageToken !== null) url.searchParams.set(p.afterParam, pageToken);
  },
  nextToken(p, { body, records }) {
    const last = records.at(-1);
    if (!last) return null;
    const more = p.hasMoreField ? readPath(body, p.hasMoreField) === true : records.length >= p.pageSize;
    if (!more) return null;
    const id = readPath(last, p.idField);
    if (id === undefined || id === null || id === '') {
      throw new Error(`cannot page on: the last record of the page has no "${p.idField}" to continue after`);
    }
    return p.afterIsInclusive ? String(Number(id) + 1) : String(id);
  },
};
