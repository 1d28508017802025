import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { commitFile } from '../fs-atomic';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';

// Segment membership outlives warehouse rebuilds: it lives in Parquet files under data/segments/,
// which materialization replaces atomically and the warehouse reads through views. Rows hang on the
// segment's id (`segment_id`); `segment` is its name, for people reading the tables.

export const HISTORY_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, customer_id VARCHAR, entered_at TIMESTAMPTZ, exited_at TIMESTAMPTZ, from_backfill BOOLEAN, initial BOOLEAN`;
export const RUNS_COLUMNS = `segment_id VARCHAR, segment VARCHAR, environment VARCHAR, description VARCHAR, definition VARCHAR, file VARCHAR, materialized_at TIMESTAMPTZ, members BIGINT, entered BIGINT, exited BIGINT, duration_ms BIGINT`;

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

/**
 * A stored file as a relation with every one of `columns`. Files written before segments had ids
 * have no `segment_id`: their rows belong to the segment's name, which is the id of a file without
 * one, so existing history stays with its segment. The next write stores the column.
 */
function storedRelation(file: string, columns: string): string {
  return `(SELECT * REPLACE (coalesce(segment_id, segment) AS segment_id) FROM (${emptySelect(columns)} UNION ALL BY NAME SELECT * FROM read_parquet(${sqlString(file)})))`;
}

/** The stored history (or none yet) as a relation. */
export const historySource = (store: SegmentStore) => (fs.existsSync(store.history) ? storedRelation(store.history, HISTORY_COLUMNS) : `(${emptySelect(HISTORY_COLUMNS)})`);
export const runsSource = (store: SegmentStore) => (fs.existsSync(store.runs) ? storedRelation(store.runs, RUNS_COLUMNS) : `(${emptySelect(RUNS_COLUMNS)})`);

/**
 * Removes every history row and run of the given segment ids from the stored files, each replaced
 * atomically, so nothing of a deleted segment is left for a later one to read.
 */
export async function purgeSegments(layout: DataLayout, segmentIds: readonly string[]): Promise<void> {
  const store = segmentStore(layout);
  if (segmentIds.length === 0 || (!fs.existsSync(store.history) && !fs.existsSync(store.runs))) return;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run('CREATE TEMP TABLE purged (segment_id VARCHAR)');
    for (const id of segmentIds) await db.run('INSERT INTO purged VALUES (?)', [id]);
    // History first, as materialization writes it: the run log only describes what the history holds.
    for (const [file, source] of [
      [store.history, historySource(store)],
      [store.runs, runsSource(store)],
    ] as const) {
      if (fs.existsSync(file)) await replaceParquet(db, `SELECT * FROM ${source} WHERE segment_id NOT IN (SELECT segment_id FROM purged)`, file);
    }
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

/**
 * The warehouse's `segments` schema: views over the stored files, which are created empty when
 * missing, so the views always read the latest materialization without a rebuild.
 */
export async function createSegmentViews(db: DuckDBConnection, layout: DataLayout): Promise<void> {
  const store = segmentStore(layout);
  if (!fs.existsSync(store.history)) await replaceParquet(db, emptySelect(HISTORY_COLUMNS), store.history);
  if (!fs.existsSync(store.runs)) await replaceParquet(db, emptySelect(RUNS_COLUMNS), store.runs);
  await db.run('CREATE SCHEMA segments');
  await db.run(`CREATE VIEW segments.segment_membership_history AS SELECT * FROM ${historySource(store)}`);
  await db.run(
    `CREATE VIEW segments.segment_members AS SELECT segment_id, segment, environment, customer_id, entered_at AS since, from_backfill
     FROM ${historySource(store)} WHERE exited_at IS NULL`,
  );
  await db.run(`CREATE VIEW segments.segment_materializations AS SELECT * FROM ${runsSource(store)}`);
  await db.run(
    `CREATE VIEW segments.segments AS SELECT * FROM ${runsSource(store)}
     QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY materialized_at DESC) = 1`,
  );
}
