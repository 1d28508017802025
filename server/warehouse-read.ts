import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import type { LoadedConfig } from '../lib/config';
import { openWarehouseReadOnly } from '../lib/warehouse/open-read-only';

// Each request opens the warehouse read-only and closes it when done: a build that renames a new
// file over it is never blocked, and the next request reads the new build.

export const hasWarehouse = (config: LoadedConfig): boolean => fs.existsSync(config.layout.warehouse);

export async function readWarehouse<T>(config: LoadedConfig, read: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    return await read(db);
  } finally {
    close();
  }
}

/** Rows as plain JSON values: BigInts as numbers, times as ISO strings. */
export function jsonRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v]),
    ),
  );
}
