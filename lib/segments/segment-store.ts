import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { commitFile } from '../fs-atomic';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';

// Segment membership outlives warehouse rebuilds: it lives in Parquet files under data/segments/,
// which materialization replaces atomically and the warehouse reads through views.

export const HISTORY_COLUMNS = `segment VARCHAR, environment VARCHAR, customer_id VARCHAR, entered_at TIMESTAMPTZ, exited_at TIMESTAMPTZ, from_backfill BOOLEAN, initial BOOLEAN`;
export const RUNS_COLUMNS = `segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, materialized_at TIMESTAMPTZ, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT`;

export interface SegmentStore {
  history: string;
  runs: string;
}

export const segmentStore = (layout: DataLayout): SegmentStore => ({
  history: path.join(layout.segments, 'membership_history.parquet'),
  runs: path.join(layout.segments, 'materializations.parquet'),
});

/** `SELECT` of no rows with the given columns, e.g. `NULL::VARCHAR AS segment, ...`. */
export function emptySelect(columns: string): string {
  const list = columns.split(',').map((c) => {
    const [name, type] = c.trim().split(/\s+/);
    return `NULL::${type} AS ${name}`;
  });
  return `SELECT ${list.join(', ')} WHERE false`;
}

/** Writes a query's rows as Parquet next to `target` and commits it into place atomically. */
export async function replaceParquet(db: DuckDBConnection, query: string, target: string, params: (string | number)[] = []): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  await db.run(`COPY (${query}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`, params);
  await commitFile(tmp, target);
}

/** The stored history (or none yet) as a relation. */
export const historySource = (store: SegmentStore) => (fs.existsSync(store.history) ? `read_parquet(${sqlString(store.history)})` : `(${emptySelect(HISTORY_COLUMNS)})`);
export const runsSource = (store: SegmentStore) => (fs.existsSync(store.runs) ? `read_parquet(${sqlString(store.runs)})` : `(${emptySelect(RUNS_COLUMNS)})`);

/**
 * The warehouse's `segments` schema: views over the stored files, which are created empty when
 * missing, so the views always read the latest materialization without a rebuild.
 */
export async function createSegmentViews(db: DuckDBConnection, layout: DataLayout): Promise<void> {
  const store = segmentStore(layout);
  if (!fs.existsSync(store.history)) await replaceParquet(db, emptySelect(HISTORY_COLUMNS), store.history);
  if (!fs.existsSync(store.runs)) await replaceParquet(db, emptySelect(RUNS_COLUMNS), store.runs);
  await db.run('CREATE SCHEMA segments');
  await db.run(`CREATE VIEW segments.segment_membership_history AS SELECT * FROM read_parquet(${sqlString(store.history)})`);
  await db.run(
    `CREATE VIEW segments.segment_members AS SELECT segment, environment, customer_id, entered_at AS since, from_backfill
     FROM read_parquet(${sqlString(store.history)}) WHERE exited_at IS NULL`,
  );
  await db.run(`CREATE VIEW segments.segment_materializations AS SELECT * FROM read_parquet(${sqlString(store.runs)})`);
  await db.run(
    `CREATE VIEW segments.segments AS SELECT * FROM read_parquet(${sqlString(store.runs)})
     QUALIFY row_number() OVER (PARTITION BY segment ORDER BY materialized_at DESC) = 1`,
  );
}
