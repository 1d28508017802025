import type { LoadedConfig } from '../../lib/config';
import { openSegmentStore } from '../../lib/segments/open-segment-store';
import { STORE } from '../../lib/segments/segment-store';

type Row = Record<string, unknown>;

/** The rows of one of the segment store's lake tables (all, or those of a segment name), read on an engine of the test's own. */
export async function storeRows(config: Pick<LoadedConfig, 'storage' | 'layout'>, table: keyof typeof STORE, segment?: string): Promise<Row[]> {
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    const where = segment === undefined ? '' : ' WHERE segment = ?';
    return (await db.runAndReadAll(`SELECT * FROM ${STORE[table]}${where}`, segment === undefined ? [] : [segment])).getRowObjectsJS();
  } finally {
    close();
  }
}

/** Runs a statement on the segment store's lake (a test's hand on the stored rows). */
export async function onStore(config: Pick<LoadedConfig, 'storage' | 'layout'>, sql: string): Promise<void> {
  const { db, close } = await openSegmentStore(config, { warehouse: false });
  try {
    await db.run(sql);
  } finally {
    close();
  }
}
