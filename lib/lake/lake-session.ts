import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { storageFailure } from '../fs-atomic';
import type { DataLayout } from '../paths';
import { lakeLocation, openLake, type Lake, type LakeLocation } from './open-lake';
import type { StorageConfig } from './storage-config';

// Sessions of one process on one lake take turns. Two connections of one engine whose catalog work
// overlaps contend for the catalog's single writer, and the loser's transaction is run again; in a
// catalog still in SQLite's rollback-journal mode, the loser's failed commit can keep its lock and
// wedge the process. Taking turns costs nothing a landing needs (its commit is short) and avoids
// both; other processes are met by inLakeTransaction's retry.

const queues = new WeakMap<Lake, Promise<unknown>>();

/** Below this much free space, a failed write of the embedded lake is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * A failed lake write as a `DataFolderError` when its folders are full or not writable. DuckDB does
 * not always pass the system's reason on (a catalog commit that fails for want of space reports the
 * rollback after it), so the embedded lake's folders are asked directly.
 */
async function storageProblem(location: LakeLocation, err: unknown): Promise<unknown> {
  if (location.kind !== 'embedded') return storageFailure(err, location.dataPath);
  const catalogFile = location.catalog.slice('sqlite:'.length);
  const said = storageFailure(err, /database or disk is full|readonly database/i.test(String((err as Error)?.message)) ? catalogFile : location.dataPath);
  if (said !== err) return said;
  for (const place of [location.dataPath, path.dirname(catalogFile)]) {
    try {
      await fs.access(place, fs.constants.W_OK);
      const disk = await fs.statfs(place);
      if (disk.bavail * disk.bsize < NEARLY_FULL_BYTES) return storageFailure(Object.assign(new Error('no space left'), { code: 'ENOSPC' }), place);
    } catch (denied) {
      const found = storageFailure(denied, place);
      if (found !== denied) return found;
    }
  }
  return err;
}

/**
 * Runs `work` on a connection of its own to the lake, after any other session of this process on
 * the same lake has ended; the connection is closed when the work ends, however it ends. A full
 * disk or an unwritable lake folder is a `DataFolderError` naming where: retrying cannot help.
 */
export function withLake<T>(lake: Lake, work: (db: DuckDBConnection) => Promise<T>): Promise<T> {
  const before = queues.get(lake) ?? Promise.resolve();
  const session = before.then(async () => {
    const db = await lake.connect();
    try {
      return await work(db);
    } catch (err) {
      throw await storageProblem(lake.location, err);
    } finally {
      db.closeSync();
    }
  });
  queues.set(
    lake,
    session.catch(() => undefined),
  );
  return session;
}

/** Opens the lake to land in: a lake whose folders are full or read-only is a `DataFolderError`, as a failed write is. */
export async function openLakeToWrite(storage: StorageConfig, layout: DataLayout): Promise<Lake> {
  try {
    return await openLake(storage, layout);
  } catch (err) {
    throw await storageProblem(lakeLocation(storage, layout), err);
  }
}
