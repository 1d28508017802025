import { gunzipSync } from 'node:zlib';
import { Context } from '@temporalio/activity';
import pRetry, { AbortError } from 'p-retry';
import { findConnection, type LoadedConfig } from '../../lib/config';
import { ReportFailedError, SourceRequestError, SourceUnavailableError, StreamPositionError } from '../../lib/errors';
import { openLakeToWrite } from '../../lib/lake/lake-session';
import { assertSameLake } from '../../lib/lake/same-lake';
import { landAndCommit, type LandingBatch } from '../landing/land-batch';
import { connectionCredential } from '../sources/credentials';
import { getFromSource } from '../sources/pager';
import { readAccountFacts } from '../sources/account-facts';
import { limiterFor, operationLimiter } from '../sources/rate-limiter';
import { selectStreams, sourceSpec } from '../sources/registry';
import { connectionUrl } from '../sources/request-url';
import type { ReportApi, ReportStatus, ReportStreamSpec, SourceRequestContext } from '../sources/spec';
import { readLakeStreamState, stateKey, updateStreamState, type StreamPosition } from '../../lib/sync-state';
import { finishStream, toLanded } from './stream-landing';

export interface ReportStepInput {
  position: StreamPosition;
  /** Rows per landed batch (its `batch_seq`). */
  rowsPerFile?: number;
  /** The first wait before asking whether a report is built; later waits double up to `maxPollSeconds`. */
  pollSeconds?: number;
  maxPollSeconds?: number;
}

export interface ReportStepResult {
  position: StreamPosition;
  done: boolean;
  /** How long the workflow waits (a durable timer) before the next step; 0 to go on at once. */
  waitSeconds: number;
  /** What happened, for the progress display and the history. */
  event: 'requested' | 'waiting' | 'landed' | 'no_data' | 'failed' | 'finished';
  reportId?: string;
}

/** Where a report stream stands, kept in the position's page token. */
interface ReportCursor {
  /** The start of the report window being read (unix seconds). */
  from: number;
  /** The report requested for that window and not landed yet. */
  reportId: string | null;
  polls: number;
  /** Reports the source gave up on for this window. */
  failures: number;
}

/** Reports in a row the source may give up on for one window before the sync fails. */
const MAX_FAILURES = 3;
/** How long a report may stay unbuilt before it counts as given up on: the source's queue is stuck. */
const MAX_REPORT_WAIT_SECONDS = 6 * 3600;
const DAY_SECONDS = 86_400;

function readCursor(position: StreamPosition, report: ReportStreamSpec): ReportCursor {
  if (position.pageToken !== null) return JSON.parse(position.pageToken) as ReportCursor;
  const from = position.window.from ?? Math.max(0, position.window.to - report.historyDays * DAY_SECONDS);
  return { from, reportId: null, polls: 0, failures: 0 };
}

const windowEnd = (cursor: ReportCursor, report: ReportStreamSpec, position: StreamPosition) =>
  Math.min(cursor.from + report.maxWindowDays * DAY_SECONDS, position.window.to);

/** Fetches a report file from its short-lived URL (never with the connection's credential), retrying failures that may pass. */
async function download(connectionId: string, url: string, signal: AbortSignal): Promise<{ bytes: Buffer; charset: string } | 'expired'> {
  // The URL is signed in its query: errors name its origin only.
  const origin = new URL(url).origin;
  return pRetry(
    async () => {
      let response: Response;
      try {
        response = await fetch(url, { signal: AbortSignal.any([AbortSignal.timeout(120_000), signal]) });
      } catch (err) {
        if (signal.aborted) throw new AbortError(err as Error);
        throw new SourceUnavailableError(connectionId, origin, undefined, (err as Error).message);
      }
      if (response.status === 403) return 'expired' as const;
      if (response.status >= 500 || response.status === 429) {
        throw new SourceUnavailableError(connectionId, origin, response.status, 'report document download failed');
      }
      if (!response.ok) throw new AbortError(new SourceRequestError(connectionId, origin, response.status, 'the report document could not be downloaded'));
      const charset = /charset=([^;]+)/i.exec(response.headers.get('content-type') ?? '')?.[1]?.trim() ?? 'utf-8';
      return { bytes: Buffer.from(await response.arrayBuffer()), charset };
    },
    { retries: 5, minTimeout: 500, maxTimeout: 10_000, signal, shouldRetry: ({ error }) => error instanceof SourceUnavailableError },
  );
}

/** The text of a built report: its URL asked afresh once if it expired before the download began. */
async function reportText(api: ReportApi, req: SourceRequestContext, documentId: string, signal: AbortSignal): Promise<string> {
  const { connectionId } = req.origin('');
  for (let attempt = 0; ; attempt++) {
    const doc = await api.document(req, documentId);
    const got = await download(connectionId, doc.url, signal);
    if (got === 'expired') {
      if (attempt === 0) continue;
      throw new SourceUnavailableError(connectionId, new URL(doc.url).origin, 403, `the URL of report document ${documentId} expired twice before it could be read`);
    }
    const bytes = doc.compression === 'gzip' ? gunzipSync(got.bytes) : got.bytes;
    return new TextDecoder(got.charset).decode(bytes);
  }
}

/**
 * One step of a report stream, called by the sync workflow in a loop with a durable timer between
 * steps: request the report for the next window, ask whether it is built, or download, parse and
 * land it and move on to the next window. The requested report's id is committed before the step
 * returns, so a worker or workflow that dies while waiting resumes that report instead of asking
 * for another.
 */
export async function reportStep(config: LoadedConfig, input: ReportStepInput): Promise<ReportStepResult> {
  const ctx = Context.current();
  let position = input.position;
  const connection = findConnection(config, position.connection);
  const credential = connectionCredential(connection);
  const source = sourceSpec(connection.source);
  const [stream] = selectStreams(source, [position.stream], `${config.file}: connections.${connection.id}`);
  const report = stream!.report;
  const api = source.reportApi;
  if (!report || !api) {
    // The plan was made under a spec that read this stream as reports; the worker now runs another.
    throw new StreamPositionError(
      `connection "${connection.id}": the sync's plan reads ${source.name}.${position.stream} as reports, but its spec does not; start the sync again so it is planned afresh`,
    );
  }
  const pollSeconds = input.pollSeconds ?? 30;
  const maxPollSeconds = Math.max(pollSeconds, input.maxPollSeconds ?? 300);

  const base = { source, connection, credential, signal: ctx.cancellationSignal, onRetry: () => ctx.heartbeat(), onWait: () => ctx.heartbeat() };
  const where = `connection "${connection.id}", stream ${stream!.name}`;
  const pace = limiterFor(connection.id, connection.requests_per_second ?? source.requestsPerSecond[connection.environment]);
  const facts = await readAccountFacts({ ...base, limiter: pace });
  const req: SourceRequestContext = {
    params: connection.path_params ?? {},
    stream: stream!,
    ...(facts.timeZone ? { timeZone: facts.timeZone } : {}),
    call: (path, operation, post) => getFromSource({ ...base, limiter: operation ? operationLimiter(connection.id, operation) : pace }, connectionUrl(connection, path, {}, where), post),
    origin: (path) => ({ connectionId: connection.id, source: source.name, stream: stream!.name, url: connectionUrl(connection, path, {}, where).href }),
  };

  const lake = await openLakeToWrite(config.storage, config.layout);
  assertSameLake(lake, position.lakeId, ctx.info.taskQueue);
  const commit = async (next: StreamPosition) => {
    await updateStreamState(lake, connection.id, stateKey(next), (state) => ({ ...state, inProgress: next }));
  };
  const withCursor = (cursor: ReportCursor): StreamPosition => ({ ...position, pageToken: JSON.stringify(cursor) });

  if (position.exhausted) {
    await finishStream(lake, position);
    return { position, done: true, waitSeconds: 0, event: 'finished' };
  }
  const cursor = readCursor(position, report);
  const end = windowEnd(cursor, report, position);

  // Moves to the next window once this one has landed (its batches and the position past them in
  // one lake transaction), or finishes the stream after the last.
  const advance = async (batches: LandingBatch[], event: ReportStepResult['event']) => {
    const exhausted = end >= position.window.to;
    const good = batches.flatMap((b) => b.records).filter((r) => r.quarantineReason === undefined);
    const lastCursor = good.map((r) => r.cursorValue).filter((c): c is string => c !== null).at(-1) ?? null;
    const next: StreamPosition = {
      ...withCursor({ from: end, reportId: null, polls: 0, failures: 0 }),
      exhausted,
      seq: position.seq + batches.length,
      pages: position.pages + 1,
      rows: position.rows + good.length,
      quarantined: position.quarantined + batches.reduce((n, b) => n + b.records.length, 0) - good.length,
      firstCursor: position.firstCursor ?? (good.length > 0 ? lastCursor : null),
      lastCursor: lastCursor ?? position.lastCursor,
    };
    const target = { source: source.name, stream: stream!.name, connection: connection.id, environment: connection.environment, syncId: position.syncId, syncMode: position.mode };
    // A retried step whose window already landed lands nothing and goes on from the committed position.
    // The last window's transaction records the stream as finished too.
    const outcome = await landAndCommit(lake, target, batches, { base: position, next }, exhausted ? { finish: { at: new Date() } } : {});
    position = outcome.position;
    const finished = outcome.kind === 'finished' || position.exhausted === true;
    // Another attempt got to the end first and left the finish to be recorded.
    if (outcome.kind === 'already-landed' && position.exhausted) await finishStream(lake, position);
    return { position, done: finished, waitSeconds: 0, event: finished ? ('finished' as const) : event, reportId: cursor.reportId ?? undefined };
  };

  if (cursor.reportId === null) {
    // A retried step whose report was requested and committed before the worker died asks about that one.
    const committed = (await readLakeStreamState(lake, connection.id, stateKey(position))).inProgress;
    if (committed?.syncId === position.syncId && committed.pageToken !== null) {
      const earlier = JSON.parse(committed.pageToken) as ReportCursor;
      if (earlier.from === cursor.from && earlier.reportId !== null) {
        position = committed;
        return { position, done: false, waitSeconds: pollSeconds, event: 'requested', reportId: earlier.reportId };
      }
    }
    const reportId = await api.create(req, report, { start: new Date(cursor.from * 1000), end: new Date(end * 1000) });
    position = withCursor({ ...cursor, reportId, polls: 0 });
    // Durable before anything else happens: whoever resumes this stream polls this report.
    await commit(position);
    return { position, done: false, waitSeconds: report.firstPollSeconds ?? pollSeconds, event: 'requested', reportId };
  }

  const answered = await api.status(req, cursor.reportId);
  const status: ReportStatus =
    answered.state === 'waiting' && cursor.polls * maxPollSeconds >= MAX_REPORT_WAIT_SECONDS ? { state: 'failed', detail: `still ${answered.detail} after ${cursor.polls} polls` } : answered;
  switch (status.state) {
    case 'waiting': {
      const polls = cursor.polls + 1;
      position = withCursor({ ...cursor, polls });
      return { position, done: false, waitSeconds: Math.min(maxPollSeconds, pollSeconds * 2 ** Math.min(polls, 10)), event: 'waiting', reportId: cursor.reportId };
    }
    case 'no_data':
      return advance([], 'no_data');
    case 'failed': {
      const failures = cursor.failures + 1;
      if (failures >= MAX_FAILURES) {
        // The next sync starts this window afresh, with every try again.
        await commit(withCursor({ ...cursor, reportId: null, polls: 0, failures: 0 }));
        throw new ReportFailedError(
          `connection "${connection.id}": ${source.name} could not build the ${report.reportType} report for ` +
            `${new Date(cursor.from * 1000).toISOString()} to ${new Date(end * 1000).toISOString()} ${failures} times (last: ${status.detail}); ` +
            `what landed is kept, and the next sync asks again`,
        );
      }
      // A fresh report for the same window, requested by the next step.
      position = withCursor({ ...cursor, reportId: null, polls: 0, failures });
      await commit(position);
      return { position, done: false, waitSeconds: pollSeconds, event: 'failed', reportId: cursor.reportId };
    }
    case 'done': {
      // A large document downloads for longer than the heartbeat timeout: keep saying this step is alive.
      const beat = setInterval(() => ctx.heartbeat(), 5_000);
      let rowsRead: Record<string, unknown>[];
      try {
        rowsRead = api.records ? await api.records(req, status.documentId) : api.parse(await reportText(api, req, status.documentId, ctx.cancellationSignal), report);
      } finally {
        clearInterval(beat);
      }
      ctx.heartbeat();
      const syncedAt = new Date();
      const landed = rowsRead.map((row) => toLanded(source, stream!, report.reportField ? { ...row, [report.reportField]: status.facts } : row, syncedAt));
      const rowsPerFile = input.rowsPerFile ?? 1000;
      // Batch numbers follow the position's, so a retried step lands the same batches, and is recognised.
      const batches: LandingBatch[] = [];
      for (let i = 0; i < landed.length; i += rowsPerFile) batches.push({ seq: position.seq + batches.length, records: landed.slice(i, i + rowsPerFile) });
      return advance(batches, 'landed');
    }
  }
}
