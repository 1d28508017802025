import fs from 'node:fs/promises';
import path from 'node:path';
import { writeFileAtomic } from './fs-atomic';

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
  /** Sequence number of the next file to land. */
  seq: number;
  pages: number;
  rows: number;
  quarantined: number;
  /** Cursor values of the first and the latest landed record: where the sync started and how far it got. */
  firstCursor: string | null;
  lastCursor: string | null;
  startedAt: string;
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
  /** Landed batches (one Parquet file each, plus a quarantine file where records failed validation). */
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

function stateFile(stateDir: string, connection: string, stream: string): string {
  return path.join(stateDir, connection, `${stream}.json`);
}

/** Reads a stream's committed state, or an empty one if it never synced. */
export async function readStreamState(stateDir: string, connection: string, stream: string): Promise<StreamState> {
  try {
    return JSON.parse(await fs.readFile(stateFile(stateDir, connection, stream), 'utf8')) as StreamState;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { connection, stream, highWaterMark: null, inProgress: null, lastSync: null };
  }
}

/** Commits a stream's state durably; called only after the data it points past is durable. */
export async function writeStreamState(stateDir: string, state: StreamState): Promise<void> {
  await writeFileAtomic(stateFile(stateDir, state.connection, state.stream), `${JSON.stringify(state, null, 2)}\n`);
}

/** Deletes the state files of a finished sliced sync, once the stream's own state records it. */
export async function removeSliceStates(stateDir: string, connection: string, stream: string): Promise<void> {
  const dir = path.join(stateDir, connection);
  const files = await fs.readdir(dir).catch(() => [] as string[]);
  await Promise.all(files.filter((f) => f.startsWith(`${stream}~`)).map((f) => fs.rm(path.join(dir, f), { force: true })));
}

/** The slice states of a stream whose historical sync runs in slices. */
export async function listSliceStates(stateDir: string, connection: string, stream: string): Promise<StreamState[]> {
  const files = await fs.readdir(path.join(stateDir, connection)).catch(() => [] as string[]);
  const keys = files.filter((f) => f.startsWith(`${stream}~`) && f.endsWith('.json')).map((f) => f.slice(0, -'.json'.length));
  return Promise.all(keys.sort().map((k) => readStreamState(stateDir, connection, k)));
}

/** Every committed stream state of a connection (or of all connections), slices left out. */
export async function listStreamStates(stateDir: string, connection?: string): Promise<StreamState[]> {
  const connections = connection ? [connection] : await fs.readdir(stateDir).catch(() => [] as string[]);
  const states: StreamState[] = [];
  for (const c of connections) {
    const files = await fs.readdir(path.join(stateDir, c)).catch(() => [] as string[]);
    for (const f of files.filter((f) => f.endsWith('.json') && !f.includes('~')).sort()) {
      states.push(await readStreamState(stateDir, c, f.slice(0, -'.json'.length)));
    }
  }
  return states;
}
