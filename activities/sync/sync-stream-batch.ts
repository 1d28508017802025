import { Context } from '@temporalio/activity';
import { findConnection, type LoadedConfig } from '../../lib/config';
import { EnvironmentMismatchError } from '../../lib/errors';
import { openLakeToWrite } from '../../lib/lake/lake-session';
import { assertSameLake } from '../../lib/lake/same-lake';
import { finishedPosition, isAhead, landAndCommit, type LandedRecord } from '../landing/land-batch';
import { finishStream, toLanded } from './stream-landing';
import { readAccountFacts } from '../sources/account-facts';
import { connectionCredential } from '../sources/credentials';
import { checkEnvironment } from '../sources/environment-check';
import { fetchPage } from '../sources/pager';
import { RepeatedPageGuard } from '../sources/paging/progress';
import { limiterFor, operationLimiter } from '../sources/rate-limiter';
import { selectStreams, sourceSpec } from '../sources/registry';
import { readLakeStreamState, stateKey, type StreamPosition } from '../../lib/sync-state';

/** How often a running batch tells Temporal it is alive. */
const LIVENESS_INTERVAL_MS = 1000;

export interface SyncStreamBatchInput {
  position: StreamPosition;
  /** Rows gathered before a batch is landed and the cursor committed with it. */
  rowsPerFile?: number;
  /**
   * How long one activity keeps paging before it lands what it holds and hands control back to the
   * workflow; the config's `sync.batch_seconds` when absent.
   */
  budgetMs?: number;
}

export interface SyncStreamBatchResult {
  position: StreamPosition;
  done: boolean;
  /** Batches landed in the raw table by this call (a quarantine-only batch counts as none). */
  filesLanded: number;
}

/**
 * Pages through one stream from its position for up to a time budget, landing each batch of pages
 * in the lake together with the cursor past it, in one transaction. When the budget runs out it
 * lands what it holds, however little, so a slow source still checkpoints. A retried attempt
 * resumes from its last heartbeat or from the committed state, whichever is further on.
 */
export async function syncStreamBatch(config: LoadedConfig, input: SyncStreamBatchInput): Promise<SyncStreamBatchResult> {
  const ctx = Context.current();
  const rowsPerFile = input.rowsPerFile ?? 1000;
  const budgetMs = input.budgetMs ?? config.sync.batch_seconds * 1000;
  const lake = await openLakeToWrite(config.storage, config.layout);
  assertSameLake(lake, input.position.lakeId, ctx.info.taskQueue);
  let position = (ctx.info.heartbeatDetails as StreamPosition | undefined) ?? input.position;
  // A retried attempt continues from the last committed batch, not from the start of the call: its
  // heartbeat may be older than what it committed (it died between the commit and the beat). A first
  // attempt starts where the workflow says; a batch landed before it is still never landed again.
  if (ctx.info.attempt > 1 || ctx.info.heartbeatDetails !== undefined) {
    const state = await readLakeStreamState(lake, position.connection, stateKey(position));
    if (state.lastSync?.syncId === position.syncId && state.inProgress === null) {
      // The stream (or slice) finished in an attempt whose answer was lost.
      return { position: finishedPosition(position, state.lastSync), done: true, filesLanded: 0 };
    }
    if (state.inProgress?.syncId === position.syncId && isAhead(state.inProgress, position)) position = state.inProgress;
  }
  const connection = findConnection(config, position.connection);
  const credential = connectionCredential(connection);
  const source = sourceSpec(connection.source);
  const [stream] = selectStreams(source, [position.stream], `${config.file}: connections.${connection.id}`);
  const limiter = limiterFor(connection.id, connection.requests_per_second ?? source.requestsPerSecond[connection.environment]);
  const target = { source: source.name, stream: stream!.name, connection: connection.id, environment: connection.environment, syncId: position.syncId, syncMode: position.mode, slice: position.slice?.index };

  const startedMs = Date.now();
  let filesLanded = 0;
  let buffer: LandedRecord[] = [];
  let pagesInBuffer = 0;
  let token = position.pageToken;
  // A retry whose last heartbeat came after the final page has nothing left to read: a null token
  // alone would send it back to the first page.
  let done = position.exhausted === true;
  // What the last page held, so a source answering the same page again is caught at once.
  const repeats = new RepeatedPageGuard();

  const land = async () => {
    const good = buffer.filter((r) => r.quarantineReason === undefined);
    const bad = buffer.filter((r) => r.quarantineReason !== undefined);
    const cursors = good.map((r) => r.cursorValue).filter((c): c is string => c !== null);
    const next: StreamPosition = {
      ...position,
      firstCursor: position.firstCursor ?? cursors[0] ?? null,
      lastCursor: cursors.at(-1) ?? position.lastCursor,
      pageToken: token,
      exhausted: done,
      // A commit of pages without records (a child stream's parents) moves the token, not the batch number.
      seq: position.seq + (buffer.length > 0 ? 1 : 0),
      pages: position.pages + pagesInBuffer,
      rows: position.rows + good.length,
      quarantined: position.quarantined + bad.length,
    };
    // The batch and the cursor past it commit together; a batch committed before (by an attempt
    // this one overlaps) is not landed again, and paging goes on from where that one got to.
    // The last batch records the stream as finished in the same transaction.
    const outcome = await landAndCommit(lake, target, [{ seq: position.seq, records: buffer }], { base: position, next }, done ? { finish: { at: new Date() } } : {});
    position = outcome.position;
    if (outcome.kind === 'landed' && good.length > 0) filesLanded += 1;
    if (outcome.kind !== 'landed') {
      token = position.pageToken;
      done = position.exhausted === true;
    }
    buffer = [];
    pagesInBuffer = 0;
    ctx.heartbeat(position);
    return outcome.kind;
  };

  // The attempt says it is alive every second, whatever it waits for (a slow page, its turn to land):
  // the heartbeat timeout then measures only how soon a dead worker is noticed, and can be short.
  // The worker sends these on, throttled (see worker/run-worker.ts); each carries the last landed position.
  const alive = setInterval(() => ctx.heartbeat(position), LIVENESS_INTERVAL_MS);
  try {
    return await pageAndLand();
  } finally {
    clearInterval(alive);
  }

  async function pageAndLand(): Promise<SyncStreamBatchResult> {
    // Sources whose records do not say their environment are asked once, before anything lands.
    if (!done) await checkEnvironment({ source, connection, credential, limiter, signal: ctx.cancellationSignal, onRetry: () => ctx.heartbeat(position) });
    // The account's calendar decides which days a window asks for; its currency is checked against the config.
    const { timeZone } = done ? {} : await readAccountFacts({ source, connection, credential, limiter, signal: ctx.cancellationSignal, onRetry: () => ctx.heartbeat(position) });

    while (!done) {
      const page = await fetchPage({
        source,
        stream: stream!,
        connection,
        credential,
        limiter,
        window: position.window,
        pageToken: token,
        timeZone,
        repeats,
        signal: ctx.cancellationSignal,
        onRetry: () => ctx.heartbeat(position),
        onWait: () => ctx.heartbeat(position),
        limiterOf: (s) => (s.rateLimit ? operationLimiter(connection.id, s.rateLimit) : limiter),
      });
      const syncedAt = new Date();
      for (const [i, raw] of page.records.entries()) {
        const expected = source.environmentField;
        // Some objects do not say (a Stripe refund has no livemode); those that do must agree.
        const stated = expected ? raw[expected.field] : undefined;
        if (expected && stated !== undefined && (stated === expected.liveValue) !== (connection.environment === 'live')) {
          throw new EnvironmentMismatchError(
            `connection "${connection.id}" is configured as ${connection.environment}, but ${source.name} returned ` +
              `${connection.environment === 'live' ? 'test-mode' : 'live'} data (${expected.field}=${String(raw[expected.field])}); ` +
              `use a ${connection.environment} credential or change the connection's environment`,
          );
        }
        buffer.push(toLanded(source, stream!, raw, syncedAt, page.texts?.[i]));
      }
      pagesInBuffer += 1;
      token = page.nextToken;
      done = token === null;
      // Out of time, the batch commits what it read so the next one starts past it, not before it.
      const outOfTime = !done && Date.now() - startedMs >= budgetMs;
      if (done || outOfTime || buffer.length >= rowsPerFile) {
        const landed = await land();
        // Finished here (the last batch's transaction records it) or by another attempt.
        if (landed === 'finished' || (done && landed === 'landed')) return { position, done: true, filesLanded };
      } else ctx.heartbeat(position);
      if (outOfTime) break;
    }

    if (done) await finishStream(lake, position);
    return { position, done, filesLanded };
  }
}
