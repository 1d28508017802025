import { DuckDBInstance } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { commitFile, makeDir, storageFailure } from '../../lib/fs-atomic';
import { partitionDir } from '../../lib/raw-layout';
import { sqlString } from '../../lib/sql';
import { stageRecords, type LandedRecord, type LandingTarget as LakeLandingTarget } from './land-batch';

export type { LandedRecord };

/** Where one landed file belongs: the envelope every row of it shares, and its place in the stream's sync. */
export interface LandingTarget extends LakeLandingTarget {
  /** Sequence number of the file within its stream's sync: the file name, so a re-landed page overwrites itself. */
  seq: number;
}

/** The deterministic file name of one landed batch. */
export function partFileName(seq: number, slice?: number): string {
  return `part-${slice === undefined ? '' : `s${slice}-`}${String(seq).padStart(6, '0')}.parquet`;
}

let instance: Promise<DuckDBInstance> | undefined;
function landingDb(): Promise<DuckDBInstance> {
  // One in-memory engine per process; each write gets its own connection and temp table.
  instance ??= DuckDBInstance.create(':memory:', { threads: '2' });
  return instance;
}

/**
 * Writes records as one zstd Parquet file (raw data for a build that reads Parquet; syncs land in the lake's tables) under `root`, durably and atomically: fsynced to a
 * temporary name, then renamed to its deterministic final name. Returns the final path. A full disk
 * or unwritable folder is a `DataFolderError`, and no temporary file is left behind.
 */
export async function writeLandedFile(root: string, target: LandingTarget, records: readonly LandedRecord[], opts: { withReason?: boolean } = {}): Promise<string> {
  const dir = partitionDir(root, target);
  await makeDir(dir);
  const finalPath = path.join(dir, partFileName(target.seq, target.slice));
  const tmpPath = `${finalPath}.tmp-${process.pid}-${Date.now()}`;

  const connection = await (await landingDb()).connect();
  try {
    await stageRecords(connection, [{ seq: target.seq, records }]);
    const constants = [
      `${sqlString(target.source)} AS source`,
      `${sqlString(target.stream)} AS stream`,
      `${sqlString(target.connection)} AS connection`,
      `${sqlString(target.environment)} AS environment`,
    ].join(', ');
    const reason = opts.withReason ? ', reason AS quarantine_reason' : '';
    await connection.run(
      `COPY (SELECT ${constants}, primary_key, cursor_value, synced_at::TIMESTAMPTZ AS synced_at,
              ${sqlString(target.syncId)} AS sync_id, ${sqlString(target.syncMode)} AS sync_mode,
              record_index, payload::JSON AS payload${reason}
            FROM landing ORDER BY record_index)
       TO ${sqlString(tmpPath)} (FORMAT parquet, COMPRESSION zstd)`,
    );
    await commitFile(tmpPath, finalPath);
  } catch (err) {
    await fs.rm(tmpPath, { force: true }).catch(() => {});
    throw storageFailure(err, finalPath);
  } finally {
    connection.closeSync();
  }
  return finalPath;
}
