import path from 'node:path';
import type { LoadedConfig } from '../config';

/**
 * The DuckDB settings a build opens its database with: the config's `warehouse.memory_limit` and
 * `warehouse.threads`, and a temp folder under the data folder for what spills beyond the limit.
 */
export function buildSettings(config: Pick<LoadedConfig, 'warehouse' | 'layout'>): Record<string, string> {
  const settings: Record<string, string> = {
    memory_limit: config.warehouse.memory_limit,
    temp_directory: path.join(config.layout.root, 'tmp', 'duckdb'),
  };
  if (config.warehouse.threads !== undefined) settings.threads = String(config.warehouse.threads);
  return settings;
}
