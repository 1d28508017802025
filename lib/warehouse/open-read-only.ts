import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { lakeTableExists } from '../lake/lake-tables';
import { attachLake, LAKE, lakeLocation } from '../lake/open-lake';
import { dataLayout } from '../paths';
import { createSegmentViews } from '../segments/segment-store';
import { sqlString } from '../sql';
import { PUBLISHED_MODELS } from './publish-models';

// A reader reaches only what the warehouse's views read: the segment store (the segments.* views);
// the raw tables are in the warehouse itself, copied from the lake by the build. DuckDB's own file
// access is switched off beyond that folder and the configuration locked, so no statement can COPY
// over the warehouse, read a system file or ATTACH another database, and no SET can give that back.
//
// Where the models are read from is decided once, by warehouseSource: the local warehouse file
// while the lake is embedded (the build runs on this machine and leaves its file here), the models
// the build published into the lake when the catalog is PostgreSQL (the build may run on another
// machine, and this one has no file or an old one).

type ReaderConfig = Pick<LoadedConfig, 'storage' | 'layout'>;

/** Where a reader reads the models: the local warehouse file, or the models published in the lake. */
export type WarehouseSource = { kind: 'file'; file: string } | { kind: 'lake' };

/** Where this machine reads the models: the warehouse file with an embedded lake, the lake's published models with a PostgreSQL catalog. */
export function warehouseSource(config: ReaderConfig): WarehouseSource {
  return lakeLocation(config.storage, config.layout).kind === 'postgres' ? { kind: 'lake' } : { kind: 'file', file: config.layout.warehouse };
}

/** Whether there may be models to read: the warehouse file exists, or the models are in the lake (opening says when none are published yet). */
export function hasModels(config: ReaderConfig): boolean {
  const source = warehouseSource(config);
  return source.kind === 'lake' || fs.existsSync(source.file);
}

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
 * Opens the models read-only, computing in UTC as the build does: the warehouse file given, or the
 * one warehouseSource picks for a config (the file or the lake). Readers (segments, reports) never
 * write to it, so they never block one another or a rebuild's swap. Files outside the segment store
 * are out of reach, and the configuration is locked.
 */
export async function openWarehouseReadOnly(from: string | ReaderConfig, opts: ReadOnlyOptions = {}): Promise<{ db: DuckDBConnection; close: () => void }> {
  const source: WarehouseSource = typeof from === 'string' ? { kind: 'file', file: from } : warehouseSource(from);
  if (source.kind === 'lake') return openPublishedModels(from as ReaderConfig, opts);
  const warehouse = source.file;
  if (!fs.existsSync(warehouse)) {
    throw new ConfigError(`no warehouse at ${warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  }
  const instance = await DuckDBInstance.create(warehouse, { ...opts.settings, access_mode: 'READ_ONLY' });
  return sandboxed(instance, opts, readableFolders(warehouse), async () => {});
}

/**
 * A connection on `instance`, computing in UTC unless asked otherwise, after `setup`, that reads files
 * only under `folders` and can change no setting; the instance closes with it.
 */
async function sandboxed(instance: DuckDBInstance, opts: ReadOnlyOptions, folders: string[], setup: (db: DuckDBConnection) => Promise<void>): Promise<{ db: DuckDBConnection; close: () => void }> {
  let db: DuckDBConnection | undefined;
  try {
    db = await instance.connect();
    if (opts.utc ?? true) await db.run("SET TimeZone = 'UTC'");
    await setup(db);
    // The order matters: the folders can only be listed while external access is on, and nothing
    // can be changed once the configuration is locked. The instance's temp folder is added by DuckDB.
    await db.run(`SET allowed_directories = [${folders.map(sqlString).join(', ')}]`);
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

/**
 * The models the last build published into the lake, on an in-memory engine with the lake attached
 * read-only and made the default catalog, so `core.customers` reads `lake.core.customers`; the
 * `segments.*` views over this machine's segment store sit in the engine's own catalog beside it.
 * Every statement reads the lake's newest snapshot: the previous build's models until a build
 * commits, then all of the new ones.
 */
export async function openPublishedModels(config: ReaderConfig, opts: ReadOnlyOptions): Promise<{ db: DuckDBConnection; close: () => void }> {
  const location = lakeLocation(config.storage, config.layout);
  const instance = await DuckDBInstance.create(':memory:', { ...opts.settings });
  const unpublished = new ConfigError(`no models published in the lake (catalog ${location.catalog}) yet; run \`cdp build\` first`);
  // The lake's data path (a folder or an s3:// prefix) and the segment store; nothing else.
  return sandboxed(instance, opts, [config.layout.segments + path.sep, location.dataPath], async (db) => {
    // A read-only reader cannot create the lake: none there yet is no build yet.
    await attachLake(db, config.storage, location, { readOnly: true }).catch((err: Error) => {
      throw /creating a new DuckLake is explicitly disabled/.test(err.message) ? unpublished : err;
    });
    const [schema, table] = PUBLISHED_MODELS.split('.').slice(1);
    if (!(await lakeTableExists(db, schema!, table!))) throw unpublished;
    await createSegmentViews(db, config.layout);
    await db.run(`USE ${LAKE}`);
    // Schema-qualified names resolve through the search path's schemas: the lake's, and the segment views'.
    await db.run(`SET search_path = '${LAKE}.main,memory.segments'`);
  });
}
