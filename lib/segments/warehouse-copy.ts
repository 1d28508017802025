import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { commitFile } from '../fs-atomic';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';
import { emptySelect, HISTORY_COLUMNS, RUNS_COLUMNS, staysOf, STORE } from './segment-store';

// The warehouse's `segments` schema is for analysts who open data/warehouse.duckdb with any DuckDB,
// without the lake's extensions. Its views read a Parquet copy of the store that the process writing
// the store keeps beside the warehouse, under data/segments/warehouse/: the history as a base file
// and one file per later run that changed anything (the history only grows, so a run appends just
// its rows), and the run log, rewritten at every run. The views read the files through a glob, so a
// materialization shows in them without touching the warehouse file that readers have open. The run
// log of the copy is written last: when its row count is not the lake's count of runs before a run
// (a crash after the lake's commit, a purge, a store just imported), the whole copy is written anew.

/** How the copy's Parquet files are written: zstd at its fastest level, which compresses text ids as well as the default level and in half the time. */
const COPY_PARQUET = 'FORMAT parquet, COMPRESSION zstd, COMPRESSION_LEVEL 1';

export interface WarehouseCopy {
  dir: string;
  /** The base history file. */
  history: string;
  /** Every history file: the base and the runs since, as a glob. */
  historyGlob: string;
  runs: string;
}

export function warehouseCopy(layout: DataLayout): WarehouseCopy {
  const dir = path.join(layout.segments, 'warehouse');
  return {
    dir,
    history: path.join(dir, 'membership_history.parquet'),
    historyGlob: path.join(dir, 'membership_history*.parquet'),
    runs: path.join(dir, 'materializations.parquet'),
  };
}

/** Writes a query's rows as Parquet next to `target` and commits it into place atomically. */
async function replaceParquet(db: DuckDBConnection, query: string, target: string): Promise<void> {
  fs.mkdirSync(path.dirname(target), { recursive: true });
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    await db.run(`COPY (${query}) TO ${sqlString(tmp)} (${COPY_PARQUET})`);
    await commitFile(tmp, target);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The history files after the base, in the order they were written. */
function laterHistoryFiles(copy: WarehouseCopy): string[] {
  if (!fs.existsSync(copy.dir)) return [];
  return fs
    .readdirSync(copy.dir)
    .filter((f) => f.startsWith('membership_history-') && f.endsWith('.parquet'))
    .sort()
    .map((f) => path.join(copy.dir, f));
}

/** The number of rows of a Parquet file, from its footer. */
async function parquetRows(db: DuckDBConnection, file: string): Promise<number> {
  const rows = (await db.runAndReadAll(`SELECT coalesce(sum(num_rows), 0) AS n FROM parquet_file_metadata(${sqlString(file)})`)).getRowObjectsJS();
  return Number(rows[0]!.n);
}

/** The number of rows of the copy's run log; undefined when there is none. */
const copiedRuns = async (db: DuckDBConnection, copy: WarehouseCopy): Promise<number | undefined> => (fs.existsSync(copy.runs) ? parquetRows(db, copy.runs) : undefined);

/**
 * Brings the copy up to the lake's store, on a connection with the lake attached. After a run, pass
 * the lake's number of runs before it and a query of the history rows it appended: when the copy
 * held just those runs, the rows are appended as a file of their own; otherwise (or with no run
 * given) the whole history is written again.
 */
export async function refreshWarehouseCopy(db: DuckDBConnection, layout: DataLayout, run?: { runsBefore: number; appended: string; at: Date }): Promise<void> {
  const copy = warehouseCopy(layout);
  const inStep = run !== undefined && fs.existsSync(copy.history) && (await copiedRuns(db, copy)) === run.runsBefore;
  if (inStep) {
    const n = Number((await db.runAndReadAll(`SELECT count(*) AS n FROM (${run.appended})`)).getRowObjectsJS()[0]!.n);
    // Nothing copied yet (the empty base a build makes): this run's rows are the base.
    const empty = laterHistoryFiles(copy).length === 0 && (await parquetRows(db, copy.history)) === 0;
    const file = empty ? copy.history : path.join(copy.dir, `membership_history-${run.at.toISOString().replaceAll(':', '')}-${process.pid}.parquet`);
    if (n > 0) await replaceParquet(db, run.appended, file);
  } else {
    // The run log goes first: a copy cut short here is written whole again next time.
    fs.rmSync(copy.runs, { force: true });
    await replaceParquet(db, `SELECT * FROM ${STORE.history}`, copy.history);
    for (const f of laterHistoryFiles(copy)) fs.rmSync(f);
  }
  await replaceParquet(db, `SELECT * FROM ${STORE.runs} ORDER BY materialized_at, segment, segment_id`, copy.runs);
}

/**
 * The warehouse's `segments` schema: views over the copy (the history through a glob, so files a
 * later run appends are read too), whose files are created empty when missing, so the views always
 * read the latest materialization without a rebuild.
 */
export async function createSegmentViews(db: DuckDBConnection, layout: DataLayout): Promise<void> {
  const copy = warehouseCopy(layout);
  if (!fs.existsSync(copy.history)) await replaceParquet(db, emptySelect(HISTORY_COLUMNS), copy.history);
  if (!fs.existsSync(copy.runs)) await replaceParquet(db, emptySelect(RUNS_COLUMNS), copy.runs);
  const stays = staysOf(`read_parquet(${sqlString(copy.historyGlob)})`);
  const runs = `read_parquet(${sqlString(copy.runs)})`;
  await db.run('CREATE SCHEMA segments');
  await db.run(`CREATE VIEW segments.segment_membership_history AS SELECT * FROM ${stays}`);
  await db.run(
    `CREATE VIEW segments.segment_members AS SELECT segment_id, segment, environment, customer_id, entered_at AS since, from_backfill
     FROM ${stays} WHERE exited_at IS NULL`,
  );
  await db.run(`CREATE VIEW segments.segment_materializations AS SELECT * FROM ${runs}`);
  await db.run(
    `CREATE VIEW segments.segments AS SELECT * FROM ${runs}
     QUALIFY row_number() OVER (PARTITION BY segment_id ORDER BY materialized_at DESC) = 1`,
  );
}
