import { belowLimit, type SourceSpec } from '../spec';
import { transactionSchema } from './schemas';

/**
 * ThriveCart's external API (`https://thrivecart.com/api/external`). `/transactions` has no date
 * filter and answers newest first, so the pager applies the window itself: an incremental sync
 * reads from the newest page down to the first event older than its window and stops there, and
 * a historical sync reads every page. Events arriving while it pages push older ones onto later
 * pages, which only repeats records (staging keeps one per `event_id`), never skips them.
 */
export const thrivecartSource: SourceSpec = {
  name: 'thrivecart',
  auth: { type: 'bearer' },
  pagination: { type: 'page_number', pageParam: 'page', pageSizeParam: 'perPage', pageSize: 100, firstPage: 1 },
  // https://developers.thrivecart.com/documentation/: 60 requests a minute per connected account,
  // one budget for every app using the account; over it answers HTTP 429. Answers name no limit.
  requestsPerSecond: { live: belowLimit(1, 'shared'), sandbox: belowLimit(1, 'shared') },
  // Events are immutable, but a rebill or refund can be recorded with a time a little before it
  // becomes visible: one day of overlap catches those at the cost of one re-read page or so.
  lookbackSeconds: 86_400,
  describeError(body) {
    const b = body as { error?: string; error_description?: string; reason?: string } | undefined;
    if (!b?.error) return 'no error body';
    return [b.error, b.error_description ?? b.reason].filter(Boolean).join(': ');
  },
  streams: [
    {
      name: 'transactions',
      path: '/transactions',
      recordsPath: 'transactions',
      primaryKey: 'event_id',
      cursorField: 'timestamp',
      params: { transactionType: 'any' },
      clientWindow: { order: 'newest_first' },
      schema: transactionSchema,
    },
  ],
};
