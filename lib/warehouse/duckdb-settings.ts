import path from 'node:path';
import type { LoadedConfig } from '../config';

/**
 * The DuckDB settings a build opens its database with: the config's `warehouse.memory_limit` and
 * `warehouse.threads`, a temp folder under the data folder for what spills beyond the limit, and no
 * insertion order to keep.
 */
export function buildSettings(config: Pick<LoadedConfig, 'warehouse' | 'layout'>): Record<string, string> {
  const settings: Record<string, string> = {
    memory_limit: config.warehouse.memory_limit,
    // A model's rows have no order unless its query sorts them; not keeping the scan's order lets
    // DuckDB write and spill a table in parallel instead of buffering it (its advice for big loads).
    preserve_insertion_order: 'false',
    temp_directory: path.join(config.layout.root, 'tmp', 'duckdb'),
  };
  if (config.warehouse.threads !== undefined) settings.threads = String(config.warehouse.threads);
  return settings;
}
