import { Context } from '@temporalio/activity';
import { findConnection, type LoadedConfig } from '../../lib/config';
import { EnvironmentMismatchError } from '../../lib/errors';
import { writeLandedFile, type LandedRecord } from '../landing/lake';
import { finishStream, toLanded } from './stream-landing';
import { readAccountFacts } from '../sources/account-facts';
import { connectionCredential } from '../sources/credentials';
import { checkEnvironment } from '../sources/environment-check';
import { fetchPage } from '../sources/pager';
import { RepeatedPageGuard } from '../sources/paging/progress';
import { limiterFor, operationLimiter } from '../sources/rate-limiter';
import { selectStreams, sourceSpec } from '../sources/registry';
import { readStreamState, stateKey, writeStreamState, type StreamPosition } from '../../lib/sync-state';

export interface SyncStreamBatchInput {
  position: StreamPosition;
  /** Rows gathered before a file is landed and the cursor committed. */
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
  filesLanded: number;
}

/**
 * Pages through one stream from its position for up to a time budget, landing each batch of pages
 * as a Parquet file and committing the cursor after the file is durable. When the budget runs out it
 * lands what it holds, however little, so a slow source still checkpoints. Resumes from its last
 * heartbeat when Temporal retries it.
 */
export async function syncStreamBatch(config: LoadedConfig, input: SyncStreamBatchInput): Promise<SyncStreamBatchResult> {
  const ctx = Context.current();
  const rowsPerFile = input.rowsPerFile ?? 1000;
  const budgetMs = input.budgetMs ?? config.sync.batch_seconds * 1000;
  // A retried attempt continues from the last durable file, not from the start of the batch.
  let position = (ctx.info.heartbeatDetails as StreamPosition | undefined) ?? input.position;
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
    if (good.length > 0) {
      await writeLandedFile(config.layout.raw, { ...target, seq: position.seq }, good);
      filesLanded += 1;
    }
    if (bad.length > 0) {
      await writeLandedFile(config.layout.quarantine, { ...target, seq: position.seq }, bad, { withReason: true });
    }
    const cursors = good.map((r) => r.cursorValue).filter((c): c is string => c !== null);
    position = {
      ...position,
      firstCursor: position.firstCursor ?? cursors[0] ?? null,
      lastCursor: cursors.at(-1) ?? position.lastCursor,
      pageToken: token,
      exhausted: done,
      // A commit of pages without records (a child stream's parents) moves the token, not the file number.
      seq: position.seq + (buffer.length > 0 ? 1 : 0),
      pages: position.pages + pagesInBuffer,
      rows: position.rows + good.length,
      quarantined: position.quarantined + bad.length,
    };
    buffer = [];
    pagesInBuffer = 0;
    // The cursor moves only now that the data it points past is on disk.
    const state = await readStreamState(config.layout.state, connection.id, stateKey(position));
    await writeStreamState(config.layout.state, { ...state, inProgress: position });
    ctx.heartbeat(position);
  };

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
    for (const raw of page.records) {
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
      buffer.push(toLanded(source, stream!, raw, syncedAt));
    }
    pagesInBuffer += 1;
    token = page.nextToken;
    done = token === null;
    // Out of time, the batch commits what it read so the next one starts past it, not before it.
    const outOfTime = !done && Date.now() - startedMs >= budgetMs;
    if (done || outOfTime || buffer.length >= rowsPerFile) await land();
    else ctx.heartbeat(position);
    if (outOfTime) break;
  }

  if (done) await finishStream(config.layout.state, position);
  return { position, done, filesLanded };
}
