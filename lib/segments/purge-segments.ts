import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';
import { memberBuilds, memberBuildsOption } from './member-builds';
import { HISTORY_COLUMNS, historyFiles, membersFile, replaceParquet, runsSource, segmentStore, storedRelation, type SegmentStore } from './segment-store';

/**
 * Removes every row of the given segment ids from the stored files on an open connection (whose
 * temp table `purged` lists them): the history files holding any are rewritten without them (a
 * changes file left empty is deleted), their members files deleted, and the run log rewritten.
 */
export async function purgeStored(db: DuckDBConnection, store: SegmentStore, segmentIds: readonly string[]): Promise<void> {
  if (segmentIds.length === 0) return;
  const files = historyFiles(store);
  // History first, as materialization writes it: the run log only describes what the history holds.
  if (files.length > 0) {
    const touched = (
      await db.runAndReadAll(
        `SELECT DISTINCT filename FROM read_parquet([${files.map(sqlString).join(', ')}], union_by_name = true, filename = true)
         WHERE coalesce(segment_id, segment) IN (SELECT segment_id FROM purged)`,
      )
    ).getRowObjectsJS();
    for (const { filename } of touched) {
      const file = String(filename);
      const rest = `SELECT * FROM ${storedRelation(file, HISTORY_COLUMNS)} WHERE segment_id NOT IN (SELECT segment_id FROM purged)`;
      const left = Number((await db.runAndReadAll(`SELECT count(*) AS n FROM (${rest})`)).getRowObjectsJS()[0]!.n);
      if (left === 0 && file !== store.history) fs.rmSync(file);
      else await replaceParquet(db, rest, file);
    }
  }
  for (const id of segmentIds) fs.rmSync(membersFile(store, id), { force: true });
  if (fs.existsSync(store.runs)) {
    // The run log keeps which build each remaining members file comes from.
    const builds = Object.fromEntries(Object.entries(await memberBuilds(db, store)).filter(([id]) => !segmentIds.includes(id)));
    await replaceParquet(db, `SELECT * FROM ${runsSource(store)} WHERE segment_id NOT IN (SELECT segment_id FROM purged)`, store.runs, [], memberBuildsOption(builds));
  }
}

/**
 * Removes every history row, current member and run of the given segment ids from the stored
 * files, each replaced atomically, so nothing of a deleted segment is left for a later one to read.
 */
export async function purgeSegments(layout: DataLayout, segmentIds: readonly string[]): Promise<void> {
  const store = segmentStore(layout);
  if (segmentIds.length === 0) return;
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    await db.run('CREATE TEMP TABLE purged (segment_id VARCHAR)');
    for (const id of segmentIds) await db.run('INSERT INTO purged VALUES (?)', [id]);
    await purgeStored(db, store, segmentIds);
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
