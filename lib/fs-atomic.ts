import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';
import { DataFolderError } from './errors';

// Every file (or folder) cdp publishes is written beside its place, flushed to disk, then renamed
// over it, and the folder flushed: a reader sees the old one or the whole new one, and a crash
// never leaves half of it.

/** What to do when a write fails for want of space or permission, by the system's code. */
const STORAGE_FIXES: Record<string, string> = {
  ENOSPC:
    'the disk holding it is full; free space on that disk (or move data_dir to a larger one) and run the sync again, which resumes from its last committed cursor',
  EDQUOT:
    "the worker's disk quota there is used up; free space within the quota (or raise it, or move data_dir) and run the sync again, which resumes from its last committed cursor",
  EROFS: 'the file system holding it is read-only; remount it read-write (or point data_dir at a writable folder) and run the sync again',
  EACCES: "the worker's user may not write there; give it write permission on that folder (or point data_dir elsewhere) and run the sync again",
  EPERM: "the worker's user may not write there; give it write permission on that folder (or point data_dir elsewhere) and run the sync again",
};

// DuckDB reports a failed write as text, not a code: these are the system's messages it passes on.
const STORAGE_MESSAGES: [RegExp, string][] = [
  [/No space left on device/i, 'ENOSPC'],
  [/Disk quota exceeded/i, 'EDQUOT'],
  [/Read-only file system/i, 'EROFS'],
  [/Permission denied/i, 'EACCES'],
  [/Operation not permitted/i, 'EPERM'],
  // The lake's embedded catalog (SQLite) says it its own way.
  [/database or disk is full/i, 'ENOSPC'],
  [/attempt to write a readonly database/i, 'EROFS'],
];

/**
 * A write's failure as a `DataFolderError` naming `target` when the disk is full or the folder is not
 * writable (retrying cannot help); any other failure as it was.
 */
export function storageFailure(err: unknown, target: string): unknown {
  if (err instanceof DataFolderError) return err;
  const errno = (err as NodeJS.ErrnoException | undefined)?.code;
  const code =
    errno !== undefined && errno in STORAGE_FIXES
      ? errno
      : STORAGE_MESSAGES.find(([pattern]) => err instanceof Error && pattern.test(err.message))?.[1];
  return code === undefined ? err : new DataFolderError(target, code, STORAGE_FIXES[code]!);
}

/**
 * Creates a folder and its parents. Node reports a recursive mkdir on a read-only file system as
 * ENOENT; the nearest existing parent is asked instead, so the error says why.
 */
export async function makeDir(dir: string): Promise<void> {
  try {
    await fs.mkdir(dir, { recursive: true });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw storageFailure(err, dir);
    let parent = path.dirname(dir);
    while (parent !== path.dirname(parent) && !fsSync.existsSync(parent)) parent = path.dirname(parent);
    await fs.access(parent, fsSync.constants.W_OK).catch((denied: unknown) => {
      throw storageFailure(denied, parent);
    });
    throw err;
  }
}

/** Flushes a file's or folder's contents to disk. */
export async function fsyncPath(target: string): Promise<void> {
  const handle = await fs.open(target, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

/** Moves a finished temporary file into place so readers see the old file or the whole new one, never half. */
export async function commitFile(tmpPath: string, finalPath: string): Promise<void> {
  await fsyncPath(tmpPath);
  await fs.rename(tmpPath, finalPath);
  await fsyncPath(path.dirname(finalPath));
}

/** Writes text durably and atomically; a full disk or unwritable folder is a `DataFolderError`, and no temporary file is left. */
export async function writeFileAtomic(finalPath: string, text: string): Promise<void> {
  await makeDir(path.dirname(finalPath));
  const tmpPath = `${finalPath}.tmp-${process.pid}`;
  try {
    await fs.writeFile(tmpPath, text);
    await commitFile(tmpPath, finalPath);
  } catch (err) {
    await fs.rm(tmpPath, { force: true }).catch(() => {});
    throw storageFailure(err, finalPath);
  }
}

function fsyncPathSync(target: string): void {
  const fd = fsSync.openSync(target, 'r');
  try {
    fsSync.fsyncSync(fd);
  } finally {
    fsSync.closeSync(fd);
  }
}

/** writeFileAtomic for callers that cannot wait: the same temporary file, flushes and rename. */
export function writeFileAtomicSync(finalPath: string, text: string): void {
  fsSync.mkdirSync(path.dirname(finalPath), { recursive: true });
  const tmpPath = `${finalPath}.tmp-${process.pid}`;
  fsSync.writeFileSync(tmpPath, text);
  fsyncPathSync(tmpPath);
  fsSync.renameSync(tmpPath, finalPath);
  fsyncPathSync(path.dirname(finalPath));
}
