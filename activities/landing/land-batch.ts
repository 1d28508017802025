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
  await stageLandings(db, [batches]);
}

/** Stages the batches of several landings at once, each landing's rows marked with its place (`member`). */
async function stageLandings(db: DuckDBConnection, landings: readonly (readonly LandingBatch[])[]): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE landing (member INTEGER, batch_seq INTEGER, record_index INTEGER, primary_key VARCHAR, cursor_value VARCHAR, synced_at VARCHAR, payload VARCHAR, reason VARCHAR)`,
  );
  const appender = await db.createAppender('landing');
  try {
    landings.forEach((batches, member) => {
      for (const batch of batches) {
        batch.records.forEach((r, i) => {
          appender.appendInteger(member);
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
    });
  } finally {
    appender.closeSync();
  }
}

const ENVELOPE = 'source, stream, connection, environment, primary_key, cursor_value, synced_at, sync_id, sync_mode, batch_seq, slice, record_index, payload';

async function insertStaged(db: DuckDBConnection, table: string, target: LandingTarget, member: number, quarantined: boolean): Promise<void> {
  await db.run(
    `INSERT INTO ${table} (${ENVELOPE}${quarantined ? ', quarantine_reason' : ''})
     SELECT $1, $2, $3, $4, primary_key, cursor_value, synced_at::TIMESTAMPTZ, $5, $6, batch_seq, $7::INTEGER, record_index, payload::JSON${quarantined ? ', reason' : ''}
     FROM landing WHERE member = $8 AND reason IS ${quarantined ? 'NOT ' : ''}NULL ORDER BY batch_seq, record_index`,
    [target.source, target.stream, target.connection, target.environment, target.syncId, target.syncMode, target.slice ?? null, member],
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

/** One landing waiting for its turn: what to land, and who waits for the outcome. */
interface Landing {
  target: LandingTarget;
  batches: readonly LandingBatch[];
  step: LandingStep;
  opts: LandingOptions;
  hasGood: boolean;
  hasBad: boolean;
  settle: { resolve: (outcome: LandingOutcome) => void; reject: (err: unknown) => void };
}

/** The landings of each lake waiting for the next transaction. */
const waiting = new WeakMap<Lake, Landing[]>();

/**
 * The most records a group of landings stages at once (a landing larger than this lands alone): the
 * default 8 batches of 1,000 together, while large batches keep their memory to one at a time.
 */
const MAX_GROUP_RECORDS = 8000;

/**
 * Lands the batches (good records to the raw table, quarantined ones to the quarantine) and commits
 * `next` as the stream's position, in one lake transaction; with `finish`, the stream's finished
 * state instead. The committed position must still be `base`, the one the batches were read from:
 * when it has moved on (another attempt landed from there), or the sync has finished, nothing is written.
 *
 * A lake transaction costs the catalog about the same whatever it holds, so the landings of other
 * streams that wait for their turn meanwhile go in the same transaction, each with its own state
 * row, read and written as when alone.
 */
export function landAndCommit(lake: Lake, target: LandingTarget, batches: readonly LandingBatch[], step: LandingStep, opts: LandingOptions = {}): Promise<LandingOutcome> {
  const records = batches.flatMap((b) => b.records);
  return new Promise<LandingOutcome>((resolve, reject) => {
    const landing: Landing = {
      target,
      batches,
      step,
      opts,
      hasGood: records.some((r) => r.quarantineReason === undefined),
      hasBad: records.some((r) => r.quarantineReason !== undefined),
      settle: { resolve, reject },
    };
    const queue = waiting.get(lake) ?? [];
    waiting.set(lake, queue);
    queue.push(landing);
    // Each landing asks for a session; one that finds its landing already taken by an earlier group has nothing to do.
    void landWaiting(lake);
  });
}

/**
 * The waiting landings, one per stream state (a second attempt of the same stream waits for the next
 * transaction, and finds what the first landed), up to MAX_GROUP_RECORDS records but for the first.
 */
function takeGroup(lake: Lake): Landing[] {
  const queue = waiting.get(lake) ?? [];
  const keys = new Set<string>();
  let records = 0;
  const group = queue.filter((landing) => {
    const key = `${landing.step.next.connection}/${stateKey(landing.step.next)}`;
    const size = landing.batches.reduce((n, b) => n + b.records.length, 0);
    if (keys.has(key) || (keys.size > 0 && records + size > MAX_GROUP_RECORDS)) return false;
    keys.add(key);
    records += size;
    return true;
  });
  waiting.set(lake, queue.filter((landing) => !group.includes(landing)));
  return group;
}

/**
 * Lands the landings waiting when this session's turn comes, together. When the group fails for a
 * reason that is not another writer (retried within), each lands alone, so each gets its own outcome.
 */
async function landWaiting(lake: Lake): Promise<void> {
  let group: Landing[] = [];
  try {
    await withLake(lake, async (db) => {
      group = takeGroup(lake);
      if (group.length === 0) return;
      const outcomes = await landTogether(lake, db, group);
      group.forEach((landing, i) => landing.settle.resolve(outcomes[i]!));
    });
  } catch (err) {
    if (group.length <= 1) return group[0]?.settle.reject(err);
    for (const landing of group) {
      withLake(lake, (db) => landTogether(lake, db, [landing])).then(([outcome]) => landing.settle.resolve(outcome!), landing.settle.reject);
    }
  }
}

/** Lands the group in one transaction, and says what came of each landing. */
async function landTogether(lake: Lake, db: DuckDBConnection, group: readonly Landing[]): Promise<LandingOutcome[]> {
  for (const { target, hasGood, hasBad } of group) {
    await ensureTables(lake, db, target, [...(hasGood ? [RAW_SCHEMA as RawSchema] : []), ...(hasBad ? [QUARANTINE_SCHEMA as RawSchema] : [])]);
  }
  if (group.some((l) => l.hasGood || l.hasBad)) await stageLandings(db, group.map((l) => l.batches));
  for (;;) {
    const outcomes = await inLakeTransaction(db, async (): Promise<LandingOutcome[] | StreamPosition[]> => {
      const states: (StreamState | undefined)[] = [];
      for (const { step } of group) states.push(await readCommittedState(db, step.next.connection, stateKey(step.next)));
      const missing = group.filter((_, i) => states[i] === undefined).map((l) => l.step.next);
      if (missing.length > 0) return missing;
      const landed: LandingOutcome[] = [];
      for (const [member, { target, step, opts, hasGood, hasBad }] of group.entries()) {
        const state = states[member]!;
        const committed = committedOutcome(state, step.base, step.next);
        if (committed) {
          landed.push(committed);
          continue;
        }
        if (hasGood) await insertStaged(db, rawTable(target.source, target.stream, RAW_SCHEMA), target, member, false);
        if (hasBad) await insertStaged(db, rawTable(target.source, target.stream, QUARANTINE_SCHEMA), target, member, true);
        const next: StreamState = { ...state, inProgress: step.next };
        await writeStreamState(db, opts.finish ? finishedState(next, step.next, opts.finish.at)! : next);
        landed.push({ kind: 'landed', position: step.next });
      }
      return landed;
    });
    if (!outcomes.some((o) => !('kind' in o))) return outcomes as LandingOutcome[];
    // A landing must replace a state row, never only add one: two attempts that both added the
    // first row would not conflict, and both would land. The empty rows go in first, each on its own.
    for (const next of outcomes as StreamPosition[]) await inLakeTransaction(db, () => insertEmptyState(db, next.connection, stateKey(next)));
  }
}
