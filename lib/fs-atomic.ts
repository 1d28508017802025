import fsSync from 'node:fs';
import fs from 'node:fs/promises';
import path from 'node:path';

// Every file (or folder) cdp publishes is written beside its place, flushed to disk, then renamed
// over it, and the folder flushed: a reader sees the old one or the whole new one, and a crash
// never leaves half of it.

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

/** Writes text durably and atomically. */
export async function writeFileAtomic(finalPath: string, text: string): Promise<void> {
  await fs.mkdir(path.dirname(finalPath), { recursive: true });
  const tmpPath = `${finalPath}.tmp-${process.pid}`;
  await fs.writeFile(tmpPath, text);
  await commitFile(tmpPath, finalPath);
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
