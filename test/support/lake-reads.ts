import type { LoadedConfig } from '../../lib/config';
import { withLake } from '../../lib/lake/lake-session';
import { openLake } from '../../lib/lake/open-lake';
import { sqlString } from '../../lib/sql';
import { listStreamStates, readLakeStreamState, type StreamState } from '../../lib/sync-state';
import { queryRawRows } from './raw-lake';

// What a sync committed in the lake, read the way the product reads it: states through
// lib/sync-state.ts, landed rows from the raw (and quarantine) tables. Every read takes its turn with
// the process's other lake sessions, as the worker's own do.

/** A stream's committed state. */
export async function committedState(config: LoadedConfig, connection: string, stream: string): Promise<StreamState> {
  return readLakeStreamState(await openLake(config.storage, config.layout), connection, stream);
}

/** Every committed stream state of a connection, slices left out. */
export async function committedStates(config: LoadedConfig, connection: string): Promise<StreamState[]> {
  return withLake(await openLake(config.storage, config.layout), (db) => listStreamStates(db, connection));
}

/** One landed row: the envelope, the record's JSON as text, and the quarantine reason where there is one. */
export interface LandedRow {
  source: string;
  stream: string;
  connection: string;
  environment: string;
  primary_key: string;
  cursor_value: string | null;
  sync_id: string;
  sync_mode: string;
  batch_seq: number;
  slice: number | null;
  record_index: number;
  payload: string;
  quarantine_reason?: string;
}

/** The rows landed for a stream (of one connection, when named), in landing order; none when nothing landed. */
export async function landedRows(
  config: LoadedConfig,
  source: string,
  stream: string,
  opts: { connection?: string; quarantine?: boolean } = {},
): Promise<LandedRow[]> {
  const where = opts.connection === undefined ? '' : `WHERE connection = ${sqlString(opts.connection)}`;
  const sql = `SELECT * EXCLUDE (synced_at, payload), payload::VARCHAR AS payload FROM rows ${where} ORDER BY sync_id, slice NULLS FIRST, batch_seq, record_index`;
  return (await queryRawRows(config, source, stream, sql, opts)) as unknown as LandedRow[];
}

/** The batches a stream landed: one per sync, slice and batch number with rows in the raw table. */
export async function landedBatches(config: LoadedConfig, source: string, stream: string, opts: { connection?: string; quarantine?: boolean } = {}): Promise<string[]> {
  const rows = await landedRows(config, source, stream, opts);
  return [...new Set(rows.map((r) => `${r.sync_id}/${r.slice ?? '-'}/${r.batch_seq}`))];
}

/** The rows committed so far over every stream and slice of a connection (or of all connections): in progress, or by the last finished sync. */
export async function committedRowCount(config: LoadedConfig, connection?: string): Promise<number> {
  const states = await withLake(await openLake(config.storage, config.layout), (db) => listStreamStates(db, connection, { withSlices: true }));
  return states.reduce((n, s) => n + (s.inProgress ? s.inProgress.rows : (s.lastSync?.rows ?? 0)), 0);
}
