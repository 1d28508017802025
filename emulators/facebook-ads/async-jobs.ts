import type { FlatQuery } from '../http/querystring.js';
import { digits } from './draws.js';
import { invalidParameter, unknownObject } from './graph-errors.js';
import type { InsightsRequest } from './insights-query.js';

/** The `async_status` values an AdReportRun goes through. */
export type AsyncStatus = 'Job Not Started' | 'Job Started' | 'Job Running' | 'Job Completed' | 'Job Failed' | 'Job Skipped';

/** An asynchronous insights job: the rows are taken when it is created, as a report run snapshots delivery. */
interface AsyncJob {
  id: string;
  request: InsightsRequest;
  rows: Record<string, string>[];
  createdSeconds: number;
  /** Status reads so far: each one moves the job a step, so tests need no real waiting. */
  polls: number;
  /** Reads it takes to finish (at least one). */
  steps: number;
  willFail: boolean;
}

/**
 * The report runs of `POST /act_<id>/insights`. A job's status moves one step per read of
 * `GET /<report_run_id>`: started, running with a growing `async_percent_completion`, then completed
 * (or failed). Its rows are read from `GET /<report_run_id>/insights` once completed.
 */
export class AsyncJobs {
  private readonly jobs = new Map<string, AsyncJob>();
  private created = 0;

  constructor(
    private readonly seed: number,
    private readonly accountId: string,
  ) {}

  /** Starts a job; `steps` status reads until it ends, failing when `willFail`. */
  create(request: InsightsRequest, rows: Record<string, string>[], opts: { steps: number; willFail: boolean; nowSeconds: number }): string {
    // Report run ids are long numeric strings, like every Graph object id.
    const id = `6${digits(this.seed, `fb-report-run-${this.created++}`, 15)}`;
    this.jobs.set(id, { id, request, rows, createdSeconds: opts.nowSeconds, polls: 0, steps: Math.max(1, opts.steps), willFail: opts.willFail });
    return id;
  }

  /** Whether a path segment names a report run this emulator started. */
  has(id: string): boolean {
    return this.jobs.has(id);
  }

  /** The AdReportRun node, one step further on. */
  poll(id: string, nowSeconds: number): Record<string, unknown> {
    const job = this.find(id);
    job.polls += 1;
    const done = job.polls >= job.steps;
    const status: AsyncStatus = !done ? (job.polls === 1 ? 'Job Started' : 'Job Running') : job.willFail ? 'Job Failed' : 'Job Completed';
    const percent = status === 'Job Completed' ? 100 : Math.floor((100 * (job.polls - 1)) / job.steps);
    return {
      id: job.id,
      account_id: this.accountId,
      time_ref: job.createdSeconds,
      ...(done ? { time_completed: nowSeconds } : {}),
      async_status: status,
      async_percent_completion: percent,
      date_start: job.request.since,
      date_stop: job.request.until,
    };
  }

  /** The rows of a completed job; a job that is still running or failed has none to read. */
  rows(id: string): Record<string, string>[] {
    const job = this.find(id);
    if (job.polls < job.steps || job.willFail) {
      throw invalidParameter(`Report run ${id} has no results: it has ${job.willFail && job.polls >= job.steps ? 'failed' : 'not completed yet'}`);
    }
    return job.rows;
  }

  private find(id: string): AsyncJob {
    const job = this.jobs.get(id);
    if (!job) throw unknownObject(id);
    return job;
  }
}

/**
 * The parameters of a POST: the query string and the body together (form-encoded or JSON). JSON
 * values that are not strings are written back as JSON (a `time_range` object), `fields` arrays joined by commas.
 */
export function postParams(query: FlatQuery, body: unknown): FlatQuery {
  const out: FlatQuery = { ...query };
  if (body === null || typeof body !== 'object') return out;
  for (const [k, v] of Object.entries(body as Record<string, unknown>)) {
    if (typeof v === 'string') out[k] = v;
    else if (k === 'fields' && Array.isArray(v)) out[k] = v.map(String).join(',');
    else if (v !== undefined) out[k] = JSON.stringify(v);
  }
  return out;
}
