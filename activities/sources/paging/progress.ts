import { SourceAnswerError, type AnswerOrigin } from '../../../lib/errors';

// Paging must move forward on every page. A source that hands back the token it was asked with, or
// answers the same page again under a new token, would be paged for ever, landing the same records
// again and again; asking again gets the same answer, so the stream fails at once and says where.

const SEEN_AGAIN_FIX =
  'asking again gets the same page for ever: the source is not paging forward (report it to the API provider, or check the stream\'s pagination in the source\'s spec); nothing past this page was read and the stream\'s high-water mark has not moved';

/** Fails when the token of the next page is the token this page was asked with. */
export function refuseStalledToken(next: string | null, pageToken: string | null, origin?: AnswerOrigin): void {
  if (next === null || next !== pageToken) return;
  throw new SourceAnswerError(`hands back the page token it was asked with ("${next}")`, SEEN_AGAIN_FIX, origin);
}

/** Whether two pages hold the same records; the ends are compared first, so pages that differ there cost little. */
function samePage(a: readonly unknown[], b: readonly unknown[]): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  const text = (r: unknown) => JSON.stringify(r);
  if (text(a[0]) !== text(b[0]) || text(a.at(-1)) !== text(b.at(-1))) return false;
  return text(a) === text(b);
}

/** Remembers the last page a stream answered, so a page that repeats it fails instead of looping. */
export class RepeatedPageGuard {
  private last: readonly unknown[] = [];

  /**
   * Fails when a page continuing a list holds exactly the records of the page before it; an empty
   * page never counts as a repeat. Remembers the page either way.
   */
  check(records: readonly unknown[], continuesList: boolean, origin: AnswerOrigin): void {
    if (continuesList && samePage(records, this.last)) {
      throw new SourceAnswerError('repeats the previous page record for record', SEEN_AGAIN_FIX, origin);
    }
    this.last = records;
  }
}

/** Fails for an empty page whose answer says more follows, where the paging scheme has nothing to go on from. */
export function refuseEmptyPageWithMore(flag: string, origin?: AnswerOrigin): never {
  throw new SourceAnswerError(
    `holds no records but says more follow ("${flag}" is true), and gives nothing to ask for the next page with`,
    'stopping here would skip the records it says follow, and asking again gets the same page: the stream fails instead, its high-water mark unmoved; run the sync again later, and report it to the API provider if it repeats',
    origin,
  );
}
