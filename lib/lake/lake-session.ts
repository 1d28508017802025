import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs/promises';
import path from 'node:path';
import { storageFailure } from '../fs-atomic';
import type { Lake } from './open-lake';

// Two connections of one engine whose catalog work overlaps can wedge the embedded catalog: a
// commit that meets the other's SQLite lock fails and leaves that lock held, and every later
// statement of the process then reads "database is locked". So the work of one process on one lake
// goes through here, one session at a time; other processes are met by inLakeTransaction's retry.

const queues = new WeakMap<Lake, Promise<unknown>>();

/** Below this much free space, a failed write of the embedded lake is taken for a full disk. */
const NEARLY_FULL_BYTES = 1024 * 1024;

/**
 * A failed lake write as a `DataFolderError` when its folders are full or not writable. DuckDB does
 * not always pass the system's reason on (a catalog commit that fails for want of space reports the
 * rollback after it), so the embedded lake's folders are asked directly.
 */
async function storageProblem(lake: Lake, err: unknown): Promise<unknown> {
  if (lake.location.kind !== 'embedded') return storageFailure(err, lake.location.dataPath);
  const catalogFile = lake.location.catalog.slice('sqlite:'.length);
  const said = storageFailure(err, /database or disk is full|readonly database/i.test(String((err as Error)?.message)) ? catalogFile : lake.location.dataPath);
  if (said !== err) return said;
  for (const place of [lake.location.dataPath, path.dirname(catalogFile)]) {
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
      throw await storageProblem(lake, err);
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
