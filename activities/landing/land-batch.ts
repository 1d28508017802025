import type { DuckDBConnection } from '@duckdb/node-api';
import { withLake } from '../../lib/lake/lake-session';
import { inLakeTransaction, type Lake } from '../../lib/lake/open-lake';
import { ensureRawTable, QUARANTINE_SCHEMA, RAW_SCHEMA, rawTable } from '../../lib/lake/raw-tables';
import { ensureStateTable, finishedState, insertEmptyState, readCommittedState, stateKey, writeStreamState, type LastSync, type StreamPosition, type StreamState } from '../../lib/sync-state';

// A batch lands in the lake together with the cursor that points past it: its good records in
// `lake.raw.<source>__<stream>`, its quarantined ones in the quarantine twin, and the stream's state,
// all in one transaction. The committed state is read first inside that transaction, so a batch
// that a retried (or a stale) attempt lands again is recognised and skipped: it never lands twice.

/** The envelope every row of one stream's sync shares. */
export interface LandingTarget {
  source: string;
  stream: string;
  connection: string;
  environment: string;
  syncId: string;
  syncMode: string;
  /** The slice of a sliced historical sync. */
  slice?: number;
}

/** A payload given as the source's own JSON text: it lands as written, not as `JSON.stringify` would write it. */
export class JsonText {
  constructor(readonly text: string) {}
}

export interface LandedRecord {
  primaryKey: string;
  cursorValue: string | null;
  syncedAt: Date;
  /** The record: its source's JSON text, or a value that lands as `JSON.stringify` writes it. */
  payload: unknown;
  /** Set for records that failed validation; they go to the quarantine, not the raw table. */
  quarantineReason?: string;
}

/** The records of one batch and its sequence number within the stream's sync (the rows' `batch_seq`). */
export interface LandingBatch {
  seq: number;
  records: readonly LandedRecord[];
}

export type LandingOutcome =
  /** The batches and the position after them are committed. */
  | { kind: 'landed'; position: StreamPosition }
  /** The committed state is already at or past this position: nothing was written; go on from the committed one. */
  | { kind: 'already-landed'; position: StreamPosition }
  /** The sync of this stream (or slice) has finished: nothing was written. */
  | { kind: 'finished'; position: StreamPosition };

/** Whether position `a` of a sync is further on than `b`: more batches landed, or as many and more pages read. */
export function isAhead(a: StreamPosition, b: StreamPosition): boolean {
  return a.seq > b.seq || (a.seq === b.seq && a.pages > b.pages);
}

/**
 * The position a finished sync got to, as its committed last sync records it: what an attempt
 * retried after the finish hands back, so the sync's counts are those it landed, not the older
 * ones the retry was started with.
 */
export function finishedPosition(position: StreamPosition, lastSync: LastSync): StreamPosition {
  return { ...position, exhausted: true, seq: lastSync.batches, rows: lastSync.rows, quarantined: lastSync.quarantined };
}

/**
 * Whether the committed state shows the sync has finished, or has moved on from `base`, the position
 * the batches were read from: then another attempt (a retry, or one whose worker was thought dead)
 * has landed what they hold, however it cut its batches, and they must not land again.
 */
function committedOutcome(state: StreamState, base: StreamPosition, next: StreamPosition): LandingOutcome | undefined {
  if (state.lastSync?.syncId === next.syncId && state.inProgress === null) return { kind: 'finished', position: finishedPosition(next, state.lastSync) };
  const committed = state.inProgress;
  if (committed && committed.syncId === next.syncId && (isAhead(committed, base) || !isAhead(next, committed))) return { kind: 'already-landed', position: committed };
  return undefined;
}

/** The tables this process has already made sure of, per lake: the DDL runs once, not per batch. */
const ensured = new WeakMap<Lake, Set<string>>();

type RawSchema = typeof RAW_SCHEMA | typeof QUARANTINE_SCHEMA;

async function ensureTables(lake: Lake, db: DuckDBConnection, target: LandingTarget, schemas: RawSchema[]): Promise<void> {
  const done = ensured.get(lake) ?? new Set<string>();
  ensured.set(lake, done);
  // Each in a transaction of its own: a worker creating the same table at the same moment makes
  // the commit conflict, and the transaction runs again and finds the table there.
  if (!done.has(`state.${target.connection}`)) {
    await inLakeTransaction(db, () => ensureStateTable(db, target.connection));
    done.add(`state.${target.connection}`);
  }
  for (const schema of schemas) {
    const key = `${schema}.${target.source}.${target.stream}`;
    if (done.has(key)) continue;
    await inLakeTransaction(db, () => ensureRawTable(db, target.source, target.stream, schema));
    done.add(key);
  }
}

/** Puts the batches' records in the session's temporary table `landing`, before the transaction: that writes to the lake alone. */
export async function stageRecords(db: DuckDBConnection, batches: readonly LandingBatch[]): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE landing (batch_seq INTEGER, record_index INTEGER, primary_key VARCHAR, cursor_value VARCHAR, synced_at VARCHAR, payload VARCHAR, reason VARCHAR)`,
  );
  const appender = await db.createAppender('landing');
  try {
    for (const batch of batches) {
      batch.records.forEach((r, i) => {
        appender.appendInteger(batch.seq);
        appender.appendInteger(i);
        appender.appendVarchar(r.primaryKey);
        if (r.cursorValue === null) appender.appendNull();
        else appender.appendVarchar(r.cursorValue);
        appender.appendVarchar(r.syncedAt.toISOString());
        appender.appendVarchar(r.payload instanceof JsonText ? r.payload.text : JSON.stringify(r.payload));
        if (r.quarantineReason === undefined) appender.appendNull();
        else appender.appendVarchar(r.quarantineReason);
        appender.endRow();
      });
    }
  } finally {
    appender.closeSync();
  }
}

const ENVELOPE = 'source, stream, connection, environment, primary_key, cursor_value, synced_at, sync_id, sync_mode, batch_seq, slice, record_index, payload';

async function insertStaged(db: DuckDBConnection, table: string, target: LandingTarget, quarantined: boolean): Promise<void> {
  await db.run(
    `INSERT INTO ${table} (${ENVELOPE}${quarantined ? ', quarantine_reason' : ''})
     SELECT $1, $2, $3, $4, primary_key, cursor_value, synced_at::TIMESTAMPTZ, $5, $6, batch_seq, $7::INTEGER, record_index, payload::JSON${quarantined ? ', reason' : ''}
     FROM landing WHERE reason IS ${quarantined ? 'NOT ' : ''}NULL ORDER BY batch_seq, record_index`,
    [target.source, target.stream, target.connection, target.environment, target.syncId, target.syncMode, target.slice ?? null],
  );
}

export interface LandingOptions {
  /** `next` is the stream's (or slice's) end: the same transaction records the sync as finished. */
  finish?: { at: Date };
}

/** Where the batches were read from, and where the stream is once they have landed. */
export interface LandingStep {
  base: StreamPosition;
  next: StreamPosition;
}

/**
 * Lands the batches (good records to the raw table, quarantined ones to the quarantine) and commits
 * `next` as the stream's position, in one lake transaction; with `finish`, the stream's finished
 * state instead. The committed position must still be `base`, the one the batches were read from:
 * when it has moved on (another attempt landed from there), or the sync has finished, nothing is written.
 */
export async function landAndCommit(lake: Lake, target: LandingTarget, batches: readonly LandingBatch[], step: LandingStep, opts: LandingOptions = {}): Promise<LandingOutcome> {
  const { base, next } = step;
  const records = batches.flatMap((b) => b.records);
  const hasGood = records.some((r) => r.quarantineReason === undefined);
  const hasBad = records.some((r) => r.quarantineReason !== undefined);
  return withLake(lake, async (db) => {
    await ensureTables(lake, db, target, [...(hasGood ? [RAW_SCHEMA as RawSchema] : []), ...(hasBad ? [QUARANTINE_SCHEMA as RawSchema] : [])]);
    if (records.length > 0) await stageRecords(db, batches);
    for (;;) {
      const outcome = await inLakeTransaction(db, async (): Promise<LandingOutcome | 'no-state'> => {
        const state = await readCommittedState(db, next.connection, stateKey(next));
        if (state === undefined) return 'no-state';
        const committed = committedOutcome(state, base, next);
        if (committed) return committed;
        if (hasGood) await insertStaged(db, rawTable(target.source, target.stream, RAW_SCHEMA), target, false);
        if (hasBad) await insertStaged(db, rawTable(target.source, target.stream, QUARANTINE_SCHEMA), target, true);
        const landed: StreamState = { ...state, inProgress: next };
        await writeStreamState(db, opts.finish ? finishedState(landed, next, opts.finish.at)! : landed);
        return { kind: 'landed', position: next };
      });
      if (outcome !== 'no-state') return outcome;
      // A landing must replace a state row, never only add one: two attempts that both added the
      // first row would not conflict, and both would land. The empty row goes in first, on its own.
      await inLakeTransaction(db, () => insertEmptyState(db, next.connection, stateKey(next)));
    }
  });
}
