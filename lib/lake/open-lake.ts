import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { CdpError, ConfigError } from '../errors';
import type { DataLayout } from '../paths';
import { sqlString } from '../sql';
import { ensureLakeExtensions, type LakeExtension } from './extensions';
import { LAKE_CATALOG } from './lake-tables';
import { requiredEnv, type StorageConfig } from './storage-config';

// One lake, two settings: the catalog is an embedded SQLite file under data/ (several processes of
// one machine share it) or PostgreSQL, and the data path is a folder under data/ or an s3:// URL.
// Every process opens it the same way: an in-memory DuckDB with the DuckLake extension, the lake
// attached as `lake`. Credentials come from the environment at open time and never leave this module.

/** The catalog name every connection sees the lake under. */
export const LAKE = 'lake';

/** Where a lake is, as far as can be said without its secrets. */
export interface LakeLocation {
  /** `sqlite:<file>` or `postgres:<settings without password>`: what the sync records as the lake it landed in. */
  catalog: string;
  dataPath: string;
  kind: 'embedded' | 'postgres';
}

export interface Lake {
  location: LakeLocation;
  /** The lake's own identity, made when it was created: workers of one queue must share it. */
  id: string;
  /** A new connection on the lake's engine, with the lake attached as `lake`. */
  connect(): Promise<DuckDBConnection>;
  close(): void;
}

/** Where the configured lake is: the embedded defaults under the data folder, or the storage settings. */
export function lakeLocation(storage: StorageConfig, layout: DataLayout): LakeLocation {
  return {
    catalog: storage.catalog ?? `sqlite:${path.join(layout.root, 'lake.sqlite')}`,
    dataPath: storage.data_path ?? `${path.join(layout.root, 'lake')}${path.sep}`,
    kind: storage.catalog ? 'postgres' : 'embedded',
  };
}

/** Text with the given secrets replaced, for errors that may quote an ATTACH string or a secret. */
function redact(text: string, secrets: string[]): string {
  return secrets.filter((s) => s.length >= 4).reduce((t, s) => t.split(s).join('***'), text);
}

/** The SQL that sets up an engine for the lake: extensions, the S3 secret, the ATTACH. Secrets are in it: never log it. */
function setupStatements(storage: StorageConfig, location: LakeLocation, files: Record<LakeExtension, string>, readOnly: boolean, alias: string): { sql: string[]; secrets: string[] } {
  const sql: string[] = [`LOAD ${sqlString(files.ducklake)}`];
  const secrets: string[] = [];
  let attach = `ducklake:${location.catalog}`;
  if (location.kind === 'postgres') {
    sql.push(`LOAD ${sqlString(files.postgres_scanner)}`);
    if (storage.catalog_password_env) {
      const password = requiredEnv(storage.catalog_password_env, 'catalog_password_env');
      secrets.push(password);
      attach += ` password=${password}`;
    }
  } else {
    sql.push(`LOAD ${sqlString(files.sqlite_scanner)}`);
  }
  if (storage.s3) {
    sql.push(`LOAD ${sqlString(files.httpfs)}`);
    const keyId = requiredEnv(storage.s3.key_id_env, 's3.key_id_env');
    const secret = requiredEnv(storage.s3.secret_env, 's3.secret_env');
    secrets.push(secret);
    const options = [`TYPE s3`, `KEY_ID ${sqlString(keyId)}`, `SECRET ${sqlString(secret)}`, `REGION ${sqlString(storage.s3.region)}`, `URL_STYLE ${sqlString(storage.s3.url_style)}`];
    const endpoint = storage.s3.endpoint_env ? process.env[storage.s3.endpoint_env] : undefined;
    if (endpoint) {
      let url: URL;
      try {
        url = new URL(endpoint);
      } catch {
        throw new ConfigError(`storage: s3.endpoint_env: ${storage.s3.endpoint_env} is not a URL such as http://127.0.0.1:9000`);
      }
      options.push(`ENDPOINT ${sqlString(url.host)}`, `USE_SSL ${url.protocol === 'https:'}`);
    }
    sql.push(`CREATE OR REPLACE SECRET cdp_lake_s3 (${options.join(', ')})`);
  }
  // The embedded catalog in write-ahead-log mode: readers (a build's copy) never block a landing's
  // commit, nor it them. In SQLite's default mode a commit that meets a reader fails, and the failed
  // commit keeps its lock, so every later statement of that process reads "database is locked".
  const journal = location.kind === 'embedded' && !readOnly ? ", META_JOURNAL_MODE 'wal'" : '';
  // No data inlining but where the lake asks for it (the cdp schema's one-row tables): inlining gives
  // every table it touches a table of its own in the catalog, and each catalog query of the embedded
  // catalog costs more the more tables it holds (a landing's commit: 100 ms at 300 tables, 25 without).
  sql.push(
    `ATTACH ${sqlString(attach)} AS ${alias} (DATA_PATH ${sqlString(location.dataPath)}, METADATA_CATALOG ${sqlString(catalogAlias(alias))}, DATA_INLINING_ROW_LIMIT 0${journal}${readOnly ? ', READ_ONLY' : ''})`,
  );
  return { sql, secrets };
}

/** The schema of the stream states: a table per connection (see lib/sync-state.ts). */
export const STATE_SCHEMA = 'stream_states';

/** The schemas of tables that change a row or a few at a time: cdp's own and the stream states. */
const SMALL_TABLE_SCHEMAS = ['cdp', STATE_SCHEMA];

/**
 * The small tables (the lake's identity, the published models' list, the stream states) change a
 * row or a few at a time, every batch: their changes are kept in the catalog itself, not as a data
 * file and a delete file per change. Set once, in the lake's own options.
 */
async function inlineSmallTables(db: DuckDBConnection): Promise<void> {
  const set = await db.runAndReadAll(`SELECT scope_entry FROM ${LAKE}.options() WHERE option_name = 'data_inlining_row_limit' AND scope = 'SCHEMA'`);
  const done = new Set(set.getRowObjectsJS().map((r) => String(r.scope_entry)));
  for (const schema of SMALL_TABLE_SCHEMAS) if (!done.has(schema)) await db.run(`CALL ${LAKE}.set_option('data_inlining_row_limit', 10, schema => ${sqlString(schema)})`);
}

/** The lake's identity, made once by whichever process creates the lake first. */
async function lakeIdentity(db: DuckDBConnection): Promise<string> {
  const read = async () => (await db.runAndReadAll(`SELECT id FROM ${LAKE}.cdp.lake_identity ORDER BY created_at, id LIMIT 1`)).getRowObjectsJS()[0]?.id;
  for (let attempt = 0; ; attempt++) {
    try {
      for (const schema of SMALL_TABLE_SCHEMAS) await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.${schema}`);
      await inlineSmallTables(db);
      await db.run(`CREATE TABLE IF NOT EXISTS ${LAKE}.cdp.lake_identity (id VARCHAR NOT NULL, created_at TIMESTAMPTZ NOT NULL)`);
      const found = await read();
      if (found) return String(found);
      await db.run(`INSERT INTO ${LAKE}.cdp.lake_identity VALUES (${sqlString(randomUUID())}, now())`);
      // Two first processes may both insert: the oldest row is the identity for everyone.
      return String(await read());
    } catch (err) {
      // Another process created the schema or table at the same moment: read again.
      if (attempt >= 5) throw err;
      await new Promise((r) => setTimeout(r, 50 * (attempt + 1)));
    }
  }
}

const opened = new Map<string, Promise<Lake>>();

/**
 * Opens the configured lake, once per process and location: the engine stays open for the
 * process's life, and each caller takes its own connection from it.
 */
export function openLake(storage: StorageConfig, layout: DataLayout): Promise<Lake> {
  const location = lakeLocation(storage, layout);
  const key = `${location.catalog}|${location.dataPath}`;
  let lake = opened.get(key);
  if (!lake) {
    lake = createLake(storage, location);
    opened.set(key, lake);
    lake.catch(() => opened.delete(key));
  }
  return lake;
}

/** What opening a new catalog says when another process initialized it at the same moment. */
const INITIALIZED_MEANWHILE = /Failed to initialize DuckLake.*(duplicate key value|already exists)/is;

/**
 * Opens the lake; when another process created the same new catalog at the same moment (workers
 * of a new lake taking their first tasks together), opens it again: it is there now.
 */
async function createLake(storage: StorageConfig, location: LakeLocation): Promise<Lake> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await openEngine(storage, location);
    } catch (err) {
      if (attempt >= 5 || !INITIALIZED_MEANWHILE.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, 100 * attempt));
    }
  }
}

async function openEngine(storage: StorageConfig, location: LakeLocation): Promise<Lake> {
  if (location.kind === 'embedded') {
    fs.mkdirSync(path.dirname(location.catalog.slice('sqlite:'.length)), { recursive: true });
    fs.mkdirSync(location.dataPath, { recursive: true });
  }
  const instance = await DuckDBInstance.create(':memory:', { threads: '2' });
  const setup = await instance.connect();
  try {
    await attachLake(setup, storage, location);
    const id = await lakeIdentity(setup);
    // A lake whose stream states are still in one shared table gets a table per connection.
    const { moveSharedStateTable } = await import('../sync-state');
    await moveSharedStateTable(setup);
    return {
      location,
      id,
      connect: () => instance.connect(),
      close: () => instance.closeSync(),
    };
  } catch (err) {
    instance.closeSync();
    if (err instanceof CdpError) throw err;
    throw new CdpError(`the lake (catalog ${location.catalog}, data ${location.dataPath}) cannot be opened: ${(err as Error).message}`);
  } finally {
    setup.closeSync();
  }
}

/** The name a lake's catalog database is attached under beside the lake attached as `alias`. */
export function catalogAlias(alias: string): string {
  return alias === LAKE ? LAKE_CATALOG : `${alias}_catalog`;
}

/**
 * Attaches the lake as `lake` (or `alias`) to the engine of `db` (any DuckDB, in memory or a file):
 * loads the extensions, creates the S3 secret (a temporary one, never written to a database file)
 * and attaches the catalog, read-only when asked. The one way every engine reaches the lake.
 */
export async function attachLake(db: DuckDBConnection, storage: StorageConfig, location: LakeLocation, opts: { readOnly?: boolean; alias?: string } = {}): Promise<void> {
  const { sql, secrets } = setupStatements(storage, location, ensureLakeExtensions(), opts.readOnly ?? false, opts.alias ?? LAKE);
  try {
    for (const statement of sql) await db.run(statement);
  } catch (err) {
    const message = redact((err as Error).message, secrets);
    throw new CdpError(`the lake (catalog ${location.catalog}, data ${location.dataPath}) cannot be opened: ${message}`);
  }
}

/** Closes every lake this process opened (tests and short-lived commands). */
export async function closeLakes(): Promise<void> {
  const lakes = [...opened.values()];
  opened.clear();
  for (const lake of lakes) (await lake.catch(() => undefined))?.close();
}

/** What a lake commit says when another process holds the catalog or committed first: try again. */
const CONTENTION = /database is locked|Failed to commit DuckLake transaction|Transaction conflict|could not serialize/i;

/**
 * Runs `work` in one lake transaction and commits it. When the commit meets another writer (the
 * embedded catalog's lock, a DuckLake conflict) the transaction is rolled back and run again, with a
 * growing, jittered wait; anything else rolls back and is thrown.
 */
export async function inLakeTransaction<T>(db: DuckDBConnection, work: () => Promise<T>, opts: { attempts?: number; random?: () => number } = {}): Promise<T> {
  const attempts = opts.attempts ?? 40;
  const random = opts.random ?? Math.random;
  for (let attempt = 1; ; attempt++) {
    await db.run('BEGIN TRANSACTION');
    try {
      const result = await work();
      await db.run('COMMIT');
      return result;
    } catch (err) {
      await db.run('ROLLBACK').catch(() => {});
      if (attempt >= attempts || !CONTENTION.test((err as Error).message)) throw err;
      await new Promise((r) => setTimeout(r, Math.min(2000, 20 * attempt) * (0.5 + random())));
    }
  }
}
