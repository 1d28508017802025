import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';
import { dataLayout } from '../paths';
import { sqlString } from '../sql';

// A reader reaches only what the warehouse's views read: the segment store (the segments.* views);
// the raw tables are in the warehouse itself, copied from the lake by the build. DuckDB's own file
// access is switched off beyond that folder and the configuration locked, so no statement can COPY
// over the warehouse, read a system file or ATTACH another database, and no SET can give that back.

export interface ReadOnlyOptions {
  /** Compute in UTC as the build does (the default); false keeps the machine's zone. */
  utc?: boolean;
  /** DuckDB settings fixed at creation, before the configuration is locked (e.g. preserve_insertion_order). */
  settings?: Record<string, string>;
}

/** The folders a read-only warehouse connection may read: the segment store beside the warehouse. */
export function readableFolders(warehouse: string): string[] {
  return [dataLayout(path.dirname(warehouse)).segments + path.sep];
}

/** Whether a DuckDB error is the sandbox refusing a file, an ATTACH or a setting. */
export function isSandboxRefusal(err: unknown): boolean {
  const message = err instanceof Error ? err.message : String(err);
  return /^Permission Error/m.test(message) || message.includes('the configuration has been locked');
}

/**
 * Opens the warehouse read-only, computing in UTC as the build does: readers (segments, reports)
 * never write to it, so they never block one another or a rebuild's swap. Files outside the segment
 * store are out of reach, and the configuration is locked.
 */
export async function openWarehouseReadOnly(warehouse: string, opts: ReadOnlyOptions = {}): Promise<{ db: DuckDBConnection; close: () => void }> {
  if (!fs.existsSync(warehouse)) {
    throw new ConfigError(`no warehouse at ${warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  }
  const instance = await DuckDBInstance.create(warehouse, { ...opts.settings, access_mode: 'READ_ONLY' });
  let db: DuckDBConnection | undefined;
  try {
    db = await instance.connect();
    if (opts.utc ?? true) await db.run("SET TimeZone = 'UTC'");
    // The order matters: the folders can only be listed while external access is on, and nothing
    // can be changed once the configuration is locked. The instance's temp folder is added by DuckDB.
    await db.run(`SET allowed_directories = [${readableFolders(warehouse).map(sqlString).join(', ')}]`);
    await db.run('SET enable_external_access = false');
    await db.run('SET lock_configuration = true');
  } catch (err) {
    db?.closeSync();
    instance.closeSync();
    throw err;
  }
  const connection = db;
  return {
    db: connection,
    close: () => {
      connection.closeSync();
      instance.closeSync();
    },
  };
}
