import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import fs from 'node:fs';
import { CdpError, ConfigError } from '../lib/errors';
import { formatInZone } from '../lib/time-format';

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Runs SQL on a read-only connection to the warehouse: a query can never change it. Times come back in the account's time zone. */
export async function queryWarehouse(warehouse: string, sql: string, timezone = 'UTC'): Promise<QueryResult> {
  if (!fs.existsSync(warehouse)) {
    throw new ConfigError(`no warehouse at ${warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  }
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      const reader = await connection.runAndReadAll(sql);
      const columns = reader.columnNames();
      const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
      // Times are stored in UTC; they render in the account's time zone.
      const zoned = reader.columnTypes().flatMap((t, i) => (t.typeId === DuckDBTypeId.TIMESTAMP_TZ ? [columns[i]!] : []));
      const objects = reader.getRowObjectsJS();
      rows.forEach((row, r) => {
        for (const c of zoned) {
          const value = objects[r]![c];
          if (value instanceof Date) row[c] = formatInZone(value, timezone);
        }
      });
      return { columns, rows };
    } catch (err) {
      throw new CdpError(`query failed: ${(err as Error).message}`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
