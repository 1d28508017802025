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

const UNITS: Record<string, number> = { kb: 1e3, mb: 1e6, gb: 1e9, tb: 1e12, kib: 2 ** 10, mib: 2 ** 20, gib: 2 ** 30, tib: 2 ** 40 };

/** Bytes in a memory limit as the config writes it (`2GB`, `512 MiB`), with DuckDB's units: KB is 1000 bytes, KiB 1024. */
export function memoryLimitBytes(limit: string): number {
  const match = limit.trim().match(/^(\d+(?:\.\d+)?)\s*([a-z]+)$/i);
  const unit = match ? UNITS[match[2]!.toLowerCase()] : undefined;
  if (!match || unit === undefined) throw new Error(`"${limit}" is not an amount of memory such as 2GB or 512MB`);
  return Math.floor(Number(match[1]) * unit);
}
