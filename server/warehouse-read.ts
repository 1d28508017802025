import type { LoadedConfig } from '../lib/config';
import { hasModels } from '../lib/warehouse/open-read-only';

// Routes that read the warehouse answer 409 before it is built, and send its rows as JSON.

/** Whether a build has made the warehouse yet (with the models in the lake: whether they may be there). */
export const hasWarehouse = (config: LoadedConfig): boolean => hasModels(config);

/** Rows as plain JSON values: BigInts as numbers, times as ISO strings. */
export function jsonRows(rows: Record<string, unknown>[]): Record<string, unknown>[] {
  return rows.map((row) =>
    Object.fromEntries(
      Object.entries(row).map(([k, v]) => [k, typeof v === 'bigint' ? Number(v) : v instanceof Date ? v.toISOString() : v]),
    ),
  );
}
