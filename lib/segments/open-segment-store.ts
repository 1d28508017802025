import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { attachLake, inLakeTransaction, LAKE, lakeLocation, openLake } from '../lake/open-lake';
import { sqlString } from '../sql';
import { hasParquetStore, importParquetStore } from './parquet-import';
import { createStoreSchema, createStoreTables, storeExists, storeReadable } from './segment-store';
import { refreshWarehouseCopy } from './warehouse-copy';

// The segment store is read and written beside the warehouse: the warehouse file attached read-only
// as the default catalog (so `core.customers` reads the warehouse) and the lake attached as `lake`.
// A materialization gets an in-memory DuckDB of its own, with the config's memory and threads, that
// reaches no file beyond the lake's data path, the segment folder and the lake's catalog file, and
// whose configuration is locked. A reader (a member list, the history, the run log) gets a connection
// on the process's lake engine. The store's tables are made at the first open (importing a Parquet
// segment store the data folder holds), in one lake transaction.

type StoreConfig = Pick<LoadedConfig, 'storage' | 'layout'>;

export interface SegmentStoreConnection {
  db: DuckDBConnection;
  close: () => void;
}

/**
 * Creates the store's tables when the lake has none yet, importing the data folder's Parquet store
 * in the same transaction, then writes the warehouse copy of what was imported. A process that finds
 * another one's tables inside its transaction imports nothing.
 */
export async function ensureSegmentStore(db: DuckDBConnection, config: StoreConfig): Promise<void> {
  if (await storeReadable(db)) return;
  await createStoreSchema(db);
  const imported = await inLakeTransaction(db, async () => {
    if (await storeExists(db)) return false;
    await createStoreTables(db);
    if (!hasParquetStore(config.layout)) return false;
    await importParquetStore(db, config.layout);
    return true;
  });
  if (imported) await refreshWarehouseCopy(db, config.layout);
}

/** The store made sure of once per process and lake. */
const ensured = new Map<string, Promise<void>>();

let readers = 0;

/**
 * A reader's connection on the process's lake engine (openLake: its extensions loaded and the lake
 * attached once, since loading them costs a member list more than its query), with the warehouse
 * file attached read-only under a name of its own as the default catalog: each reader attaches the
 * file there is now, so one a build has just swapped in is read by the next reader, while readers
 * already running keep theirs. The warehouse is detached when the reader closes.
 */
async function openReader(config: StoreConfig, withWarehouse: boolean): Promise<SegmentStoreConnection> {
  const lake = await openLake(config.storage, config.layout);
  const key = `${lake.location.catalog}|${lake.location.dataPath}`;
  let ready = ensured.get(key);
  if (!ready) {
    ready = lake.connect().then(async (db) => {
      try {
        await ensureSegmentStore(db, config);
      } finally {
        db.closeSync();
      }
    });
    ensured.set(key, ready);
    ready.catch(() => ensured.delete(key));
  }
  await ready;
  const db = await lake.connect();
  const alias = `warehouse_${++readers}`;
  try {
    await db.run("SET TimeZone = 'UTC'");
    if (withWarehouse) {
      await db.run(`ATTACH ${sqlString(config.layout.warehouse)} AS ${alias} (READ_ONLY)`);
      await db.run(`USE ${alias}`);
    }
  } catch (err) {
    db.closeSync();
    throw err;
  }
  return {
    db,
    close: () => {
      if (!withWarehouse) return db.closeSync();
      void db
        .run(`USE ${LAKE}`)
        .then(() => db.run(`DETACH ${alias}`))
        .catch(() => {})
        .finally(() => db.closeSync());
    },
  };
}

/**
 * Opens the segment store: with the warehouse (read-only, the default catalog) for a
 * materialization or a member list, or the lake alone (`warehouse: false`) for the run log. A
 * materialization (given DuckDB `settings`: its memory and threads) gets an engine of its own,
 * sandboxed; a reader a connection on the process's lake engine.
 */
export async function openSegmentStore(
  config: StoreConfig,
  opts: { warehouse?: boolean; settings?: Record<string, string> } = {},
): Promise<SegmentStoreConnection> {
  const { layout } = config;
  const withWarehouse = opts.warehouse ?? true;
  if (withWarehouse && !fs.existsSync(layout.warehouse)) throw new ConfigError(`no warehouse at ${layout.warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  if (!opts.settings) return openReader(config, withWarehouse);
  const location = lakeLocation(config.storage, layout);
  if (location.kind === 'embedded') fs.mkdirSync(location.dataPath, { recursive: true });
  // DuckDB spills beside the warehouse, as it would for the warehouse file itself.
  const tempDir = `${layout.warehouse}.tmp`;
  const instance = await DuckDBInstance.create(':memory:', { temp_directory: tempDir, ...opts.settings });
  const db = await instance.connect();
  const close = () => {
    db.closeSync();
    instance.closeSync();
  };
  try {
    await db.run("SET TimeZone = 'UTC'");
    if (withWarehouse) {
      await db.run(`ATTACH ${sqlString(layout.warehouse)} AS warehouse (READ_ONLY)`);
      await db.run('USE warehouse');
    }
    await attachLake(db, config.storage, location);
    await ensureSegmentStore(db, config);
    const folders = [layout.segments + path.sep, tempDir + path.sep, location.dataPath];
    await db.run(`SET allowed_directories = [${folders.map(sqlString).join(', ')}]`);
    if (location.catalog.startsWith('sqlite:')) {
      const catalog = location.catalog.slice('sqlite:'.length);
      await db.run(`SET allowed_paths = [${[catalog, `${catalog}-journal`, `${catalog}-wal`].map(sqlString).join(', ')}]`);
    }
    await db.run('SET enable_external_access = false');
    await db.run('SET lock_configuration = true');
  } catch (err) {
    close();
    throw err;
  }
  return { db, close };
}
