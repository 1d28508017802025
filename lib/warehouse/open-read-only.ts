import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import { ConfigError } from '../errors';

/**
 * Opens the warehouse read-only, computing in UTC as the build does: readers (segments, reports)
 * never write to it, so they never block one another or a rebuild's swap.
 */
export async function openWarehouseReadOnly(warehouse: string): Promise<{ db: DuckDBConnection; close: () => void }> {
  if (!fs.existsSync(warehouse)) {
    throw new ConfigError(`no warehouse at ${warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  }
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  const db = await instance.connect();
  await db.run("SET TimeZone = 'UTC'");
  return {
    db,
    close: () => {
      db.closeSync();
      instance.closeSync();
    },
  };
}
