import type { DuckDBConnection } from '@duckdb/node-api';
import { withLake } from './lake/lake-session';
import { inLakeTransaction, LAKE, STATE_SCHEMA, type Lake } from './lake/open-lake';
import { lakeRelations, lakeTableExists } from './lake/lake-tables';
import { sqlIdent, sqlString } from './sql';

export type SyncMode = 'historical' | 'manual' | 'incremental';

/** Where one stream's sync stands: enough to resume it after any crash. Carries no record data. */
export interface StreamPosition {
  connection: string;
  stream: string;
  syncId: string;
  mode: SyncMode;
  /** Set for a stream read as reports: the workflow requests, polls and lands one report at a time. */
  report?: true;
  /** Set when a historical sync reads the stream as several windows at once: which one this is. */
  slice?: { index: number; count: number };
  /** The window being read, in the stream's cursor units (unix seconds): from inclusive (null = the beginning), to exclusive. */
  window: { from: number | null; to: number };
  /** Where the next page starts (the source's page token); null before the first page. */
  pageToken: string | null;
  /** Set once the last page has landed; only the final commit remains. */
  exhausted?: boolean;
  /** Sequence number of the next batch to land (the raw rows' `batch_seq`). */
  seq: number;
  pages: number;
  rows: number;
  quarantined: number;
  /** Cursor values of the first and the latest landed record: where the sync started and how far it got. */
  firstCursor: string | null;
  lastCursor: string | null;
  startedAt: string;
  /** The identity of the lake the sync lands in, recorded when it plans: a worker attached to another lake refuses it. */
  lakeId?: string;
}

export interface LastSync {
  syncId: string;
  mode: SyncMode;
  /** The window it read, in the stream's cursor units. */
  window: { from: number | null; to: number };
  startedAt: string;
  finishedAt: string;
  rows: number;
  quarantined: number;
  /** Landed batches (each one lake transaction: its raw rows, its quarantined rows and the cursor). */
  batches: number;
}

export { stateKey } from './stream-keys';

/** What is committed for one stream (or one slice of a stream's sync) of one connection. */
export interface StreamState {
  connection: string;
  /** The stream's name, or `<stream>~<slice>` for a slice's own state. */
  stream: string;
  /** The upper edge of the last completed sync's window: the next manual sync starts here (less the lookback). */
  highWaterMark: number | null;
  /** A sync that has landed data but not finished; the next sync of the same mode resumes it. */
  inProgress: StreamPosition | null;
  lastSync: LastSync | null;
}

/*
 * Where committed stream states live in the lake: a table per connection in STATE_SCHEMA, named
 * after the connection, one row per state key. Landings of different connections, on any worker,
 * never change the same table, so their commits do not conflict; two attempts of one stream still do.
 */
export { STATE_SCHEMA };

/** The state table of one connection. */
export const stateTable = (connection: string): string => `${LAKE}.${STATE_SCHEMA}.${sqlIdent(connection)}`;

export const emptyState = (connection: string, stream: string): StreamState => ({ connection, stream, highWaterMark: null, inProgress: null, lastSync: null });

/**
 * Creates a connection's state table when it is not there yet; outside a landing transaction, so
 * landings never race to create it. Run it in `inLakeTransaction`: another worker creating it at
 * the same moment makes the commit conflict, and the second run finds it there.
 */
export async function ensureStateTable(db: DuckDBConnection, connection: string): Promise<void> {
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.${STATE_SCHEMA}`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${stateTable(connection)} (stream VARCHAR NOT NULL, state JSON NOT NULL, updated_at TIMESTAMPTZ NOT NULL)`);
}

async function hasStateTable(db: DuckDBConnection, connection: string): Promise<boolean> {
  return lakeTableExists(db, STATE_SCHEMA, connection);
}

async function selectStates(db: DuckDBConnection, connection: string, where: string, values: string[], opts: { ensured?: boolean } = {}): Promise<StreamState[]> {
  if (!opts.ensured && !(await hasStateTable(db, connection))) return [];
  const reader = await db.runAndReadAll(`SELECT state::VARCHAR AS state FROM ${stateTable(connection)} WHERE ${where} ORDER BY stream`, values);
  return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.state)) as StreamState);
}

/**
 * Reads a stream's committed state, or an empty one if it never synced. Inside a transaction it sees
 * that transaction's writes. The connection's state table must be there (`ensureStateTable`): this is
 * a landing's read, one query.
 */
export async function readStreamState(db: DuckDBConnection, connection: string, stream: string): Promise<StreamState> {
  return (await readCommittedState(db, connection, stream)) ?? emptyState(connection, stream);
}

/** A stream's committed state row, or undefined when it has none yet (see `insertEmptyState`). */
export async function readCommittedState(db: DuckDBConnection, connection: string, stream: string): Promise<StreamState | undefined> {
  const [state] = await selectStates(db, connection, 'stream = $1', [stream], { ensured: true });
  return state;
}

/**
 * Gives a stream that has no state row an empty one. Landings replace the row (delete, insert), and
 * two transactions deleting the same row conflict: with a row there, two attempts landing the same
 * batch at once cannot both commit. Two attempts may both add an empty row; the first landing
 * replaces both.
 */
export async function insertEmptyState(db: DuckDBConnection, connection: string, stream: string): Promise<void> {
  if ((await readCommittedState(db, connection, stream)) !== undefined) return;
  await db.run(`INSERT INTO ${stateTable(connection)} VALUES ($1, $2::JSON, now())`, [stream, JSON.stringify(emptyState(connection, stream))]);
}

/**
 * Replaces a stream's committed state. Run it inside `inLakeTransaction`, with the data it points
 * past in the same transaction, so the two commit together or not at all.
 */
export async function writeStreamState(db: DuckDBConnection, state: StreamState): Promise<void> {
  const table = stateTable(state.connection);
  await db.run(`DELETE FROM ${table} WHERE stream = $1`, [state.stream]);
  await db.run(`INSERT INTO ${table} VALUES ($1, $2::JSON, now())`, [state.stream, JSON.stringify(state)]);
}

/** Deletes the slice states of a finished sliced sync, once the stream's own state records it. */
export async function removeSliceStates(db: DuckDBConnection, connection: string, stream: string): Promise<void> {
  await db.run(`DELETE FROM ${stateTable(connection)} WHERE starts_with(stream, $1)`, [`${stream}~`]);
}

/** The slice states of a stream whose historical sync runs in slices. */
export async function listSliceStates(db: DuckDBConnection, connection: string, stream: string): Promise<StreamState[]> {
  return selectStates(db, connection, 'starts_with(stream, $1)', [`${stream}~`]);
}

/** Every committed stream state of a connection (or of all connections), slices left out unless asked for. */
export async function listStreamStates(db: DuckDBConnection, connection?: string, opts: { withSlices?: boolean } = {}): Promise<StreamState[]> {
  const slices = opts.withSlices ? 'true' : `NOT contains(stream, '~')`;
  if (connection !== undefined) return selectStates(db, connection, slices, []);
  const tables = (await lakeRelations(db, STATE_SCHEMA)).filter((r) => r.kind === 'table');
  if (tables.length === 0) return [];
  const union = tables.map((t) => `SELECT state::VARCHAR AS state, ${sqlString(t.name)} AS connection, stream FROM ${stateTable(t.name)} WHERE ${slices}`).join(' UNION ALL ');
  const reader = await db.runAndReadAll(`${union} ORDER BY connection, stream`);
  return reader.getRowObjectsJS().map((r) => JSON.parse(String(r.state)) as StreamState);
}

/**
 * Moves the states of a lake that kept them all in one table (`cdp.stream_state`) into a table per
 * connection, in one transaction, and drops the old table. A lake without it is left as it is.
 */
export async function moveSharedStateTable(db: DuckDBConnection): Promise<void> {
  if (!(await lakeTableExists(db, 'cdp', 'stream_state'))) return;
  const shared = `${LAKE}.cdp.stream_state`;
  await inLakeTransaction(db, async () => {
    const connections = (await db.runAndReadAll(`SELECT DISTINCT connection FROM ${shared} ORDER BY 1`)).getRowObjectsJS().map((r) => String(r.connection));
    for (const connection of connections) {
      await ensureStateTable(db, connection);
      await db.run(`DELETE FROM ${stateTable(connection)}`);
      await db.run(`INSERT INTO ${stateTable(connection)} SELECT stream, state, updated_at FROM ${shared} WHERE connection = $1`, [connection]);
    }
    await db.run(`DROP TABLE ${shared}`);
  });
}

/**
 * The state that records a finished stream (or slice): its last sync, and the high-water mark the
 * next sync starts from. A slice records only itself; the stream's mark moves when every slice is
 * done, and never back: a backfill that read an earlier window leaves it where it was. Undefined
 * when the state already records this sync as finished (a retried finish leaves the first one's record).
 */
export function finishedState(state: StreamState, position: StreamPosition, finishedAt: Date): StreamState | undefined {
  if (state.lastSync?.syncId === position.syncId && state.inProgress === null) return undefined;
  return {
    ...state,
    highWaterMark: position.slice ? state.highWaterMark : Math.max(state.highWaterMark ?? position.window.to, position.window.to),
    inProgress: null,
    lastSync: {
      syncId: position.syncId,
      mode: position.mode,
      window: position.window,
      startedAt: position.startedAt,
      finishedAt: finishedAt.toISOString(),
      rows: position.rows,
      quarantined: position.quarantined,
      batches: position.seq,
    },
  };
}

/** Reads a stream's committed state from the lake, in a session of its own. */
export function readLakeStreamState(lake: Lake, connection: string, stream: string): Promise<StreamState> {
  return withLake(lake, async (db) => ((await hasStateTable(db, connection)) ? readStreamState(db, connection, stream) : emptyState(connection, stream)));
}

/**
 * Changes a stream's committed state in one lake transaction: `change` gets the committed state and
 * returns the one to commit, or undefined to leave it as it is. Returns the state committed.
 */
export function updateStreamState(lake: Lake, connection: string, stream: string, change: (state: StreamState) => StreamState | undefined): Promise<StreamState> {
  return withLake(lake, async (db) => {
    await inLakeTransaction(db, () => ensureStateTable(db, connection));
    return inLakeTransaction(db, async () => {
      const state = await readStreamState(db, connection, stream);
      const next = change(state);
      if (next === undefined) return state;
      await writeStreamState(db, next);
      return next;
    });
  });
}
