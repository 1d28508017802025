import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { inLakeTransaction } from '../lake/open-lake';
import { sqlString } from '../sql';
import { openSegmentStore } from './open-segment-store';
import { STORE } from './segment-store';
import { refreshWarehouseCopy } from './warehouse-copy';

/** Deletes every row of the given segment ids from the store's tables, in the caller's lake transaction. */
export async function purgeStored(db: DuckDBConnection, segmentIds: readonly string[]): Promise<void> {
  if (segmentIds.length === 0) return;
  const ids = segmentIds.map(sqlString).join(', ');
  for (const table of [STORE.history, STORE.members, STORE.builds, STORE.runs]) await db.run(`DELETE FROM ${table} WHERE segment_id IN (${ids})`);
}

/**
 * Removes every history row, current member and run of the given segment ids from the store in one
 * lake transaction, so nothing of a deleted segment is left for a later one to read; then the
 * warehouse copy is written again.
 */
export async function purgeSegments(config: Pick<LoadedConfig, 'storage' | 'layout'>, segmentIds: readonly string[]): Promise<void> {
  if (segmentIds.length === 0) return;
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    await inLakeTransaction(db, () => purgeStored(db, segmentIds));
    await refreshWarehouseCopy(db, config.layout);
  } finally {
    close();
  }
}
