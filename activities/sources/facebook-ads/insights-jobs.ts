import { SourceAnswerError } from '../../../lib/errors';
import { readPath } from '../read-path';
import { graphTimeRange, zonedDate } from '../request-url';
import type { ReportApi, ReportStatus, ReportStreamSpec } from '../spec';

/** Report runs draw on the connection's own pace (one call a second unless the connection sets `requests_per_second`). */
const INSIGHTS_CALLS = undefined;

/**
 * Insights windows longer than a month are read as asynchronous report runs. The Insights API's
 * "Limits and Best Practices" warns that synchronous GETs over large ranges and many objects run out
 * of memory or time out, and points large reads to POST jobs. A scheduled sync reads a few days (the
 * last sync's days plus the three-day lookback) in a page or two, so it stays synchronous; a
 * historical sync, or one catching up after more than a month, becomes one job a quarter, each small
 * enough to stay under the data-per-call limits (error 100, subcode 1487534) that apply to jobs too.
 */
export const FB_ASYNC_JOB: ReportStreamSpec = {
  reportType: 'insights',
  maxWindowDays: 92,
  // 37 months back, at most; the range itself is clamped to the account's calendar.
  historyDays: 1130,
  reportField: '',
  syncMaxWindowDays: 31,
  // Small jobs finish in seconds: the first question comes at once, later ones at the configured pace.
  firstPollSeconds: 0,
};

const WINDOW = { fromParam: 'time_range', format: 'graph_time_range', maxHistoryMonths: 37 } as const;
const DAY_SECONDS = 86_400;

const addDay = (date: string): string => new Date(Date.parse(`${date}T00:00:00Z`) + DAY_SECONDS * 1000).toISOString().slice(0, 10);

/**
 * The account's days one job of [start, end) reads: those that begin inside it, so consecutive jobs
 * never read a day twice (a day begun before `start` is the previous job's), clamped to the 37 months kept.
 */
export function jobRange(window: { start: Date; end: Date }, nowSeconds: number, timeZone?: string): { since: string; until: string } {
  const from = Math.floor(window.start.getTime() / 1000);
  const to = Math.floor(window.end.getTime() / 1000);
  const dateOf = (seconds: number) => (timeZone ? zonedDate(seconds, timeZone) : new Date(seconds * 1000).toISOString().slice(0, 10));
  const first = dateOf(from - 1) === dateOf(from) ? addDay(dateOf(from)) : dateOf(from);
  const until = dateOf(to - 1);
  const clamped = graphTimeRange(WINDOW, { from, to }, nowSeconds, timeZone).since;
  const since = first > clamped ? first : clamped;
  return { since: since > until ? until : since, until };
}

/** The Graph API's async status words, in cdp's report terms. */
function statusOf(body: unknown): ReportStatus {
  const status = String(readPath(body, 'async_status') ?? '');
  const percent = readPath(body, 'async_percent_completion');
  switch (status) {
    case 'Job Completed':
      return { state: 'done', documentId: String(readPath(body, 'id')), facts: {} };
    case 'Job Failed':
    case 'Job Skipped':
      return { state: 'failed', detail: status };
    default:
      return { state: 'waiting', detail: `${status || 'unknown status'} (${String(percent ?? 0)}%)` };
  }
}

/**
 * Asynchronous insights jobs: `POST act_<id>/insights` with the stream's parameters starts a report
 * run, `GET <report_run_id>` says how far it is, and `GET <report_run_id>/insights` pages its rows.
 * Report runs live beside the ad account (`../<id>` from the connection's `.../act_<id>` base URL).
 */
export const facebookInsightsJobs: ReportApi = {
  async create(req, _report, window) {
    const range = jobRange(window, Math.floor(Date.now() / 1000), req.timeZone);
    const body = await req.call('insights', INSIGHTS_CALLS, { body: { ...req.stream.params, time_range: range } });
    const id = readPath(body, 'report_run_id');
    if (typeof id !== 'string' && typeof id !== 'number') {
      throw new SourceAnswerError('has no report_run_id', 'the POST was taken but named no job: check the API version the connection pins', req.origin('insights'));
    }
    return String(id);
  },
  async status(req, reportId) {
    return statusOf(await req.call(`../${encodeURIComponent(reportId)}`, INSIGHTS_CALLS));
  },
  async document() {
    throw new Error('Facebook report runs are read as pages of rows, not as a document');
  },
  parse() {
    return [];
  },
  async records(req, reportId) {
    const rows: Record<string, unknown>[] = [];
    let after: string | null = null;
    for (;;) {
      const query = new URLSearchParams({ limit: '500', ...(after ? { after } : {}) });
      const body = await req.call(`../${encodeURIComponent(reportId)}/insights?${query}`, INSIGHTS_CALLS);
      const page = readPath(body, 'data');
      if (!Array.isArray(page)) throw new SourceAnswerError('has no records array at "data"', 'check the report run id and the API version', req.origin(`../${reportId}/insights`));
      rows.push(...(page as Record<string, unknown>[]));
      const next = readPath(body, 'paging.next');
      const cursor = readPath(body, 'paging.cursors.after');
      if (!next || typeof cursor !== 'string') return rows;
      after = cursor;
    }
  },
};
