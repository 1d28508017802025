import fs from 'node:fs/promises';
import path from 'node:path';

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
