import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderError, NON_RETRYABLE_ERROR_NAMES } from '../../lib/errors';
import { readStreamState, writeStreamState } from '../../lib/sync-state';
import { CONNECTION, customersWorkspace, filesUnder, pagedCustomers, runBatch, scriptedCustomers, startPosition } from '../activities/sync/scripted-customers';

// A full disk or a read-only data folder cannot be fixed by retrying: the sync fails at once, says
// which path and what to do, and leaves no temporary file. Proven on a real 2 MB tmpfs.

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-small-disk-'));
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
let mountProblem: string | undefined;
try {
  mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint);
} catch (err) {
  mountProblem = `mounting a tmpfs needs root (or CAP_SYS_ADMIN): ${(err as Error).message.split('\n')[0]}`;
}
if (mountProblem) console.warn(`skipping the small-disk tests: ${mountProblem}`);

const source = scriptedCustomers();
let ws: ReturnType<typeof customersWorkspace>;
beforeAll(() => {
  source.answer = pagedCustomers(300, 100);
  ws = customersWorkspace(source.baseUrl, { dataDir: path.join(mountPoint, 'data') });
});
afterAll(() => {
  ws?.cleanup();
  if (!mountProblem) mount('-o', 'remount,rw', mountPoint);
  if (!mountProblem) execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

async function failedBatch(syncId: string): Promise<DataFolderError> {
  const config = ws.config();
  const error = await runBatch(config, await startPosition(config, syncId), 100).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(DataFolderError);
  expect(NON_RETRYABLE_ERROR_NAMES).toContain((error as Error).name);
  return error as DataFolderError;
}

describe.skipIf(mountProblem !== undefined)('a sync whose data folder cannot take a write', () => {
  it('fails at once on a full disk, naming the path and what to free, and leaves no temporary file', async () => {
    const config = ws.config();
    fs.mkdirSync(config.layout.raw, { recursive: true });
    // Fill the disk to the last byte.
    const filler = path.join(mountPoint, 'filler');
    const fd = fs.openSync(filler, 'w');
    try {
      const block = Buffer.alloc(64 * 1024, 1);
      for (;;) fs.writeSync(fd, block);
    } catch (err) {
      expect((err as NodeJS.ErrnoException).code).toBe('ENOSPC');
    } finally {
      fs.closeSync(fd);
    }

    const error = await failedBatch('full-1');
    expect(error.code).toBe('ENOSPC');
    expect(error.path.startsWith(config.layout.raw)).toBe(true);
    expect(error.message).toContain(`cannot write ${error.path} (ENOSPC): the disk holding it is full; free space on that disk`);
    expect(filesUnder(path.join(mountPoint, 'data')).temporary).toEqual([]);
    expect(filesUnder(path.join(mountPoint, 'data')).parquet).toEqual([]);
    // Nothing was committed past what is on disk.
    expect((await readStreamState(config.layout.state, CONNECTION, 'customers')).inProgress).toBeNull();

    // A cursor commit on the full disk fails the same way, and leaves no half-written state file.
    const stateError = await writeStreamState(config.layout.state, { connection: CONNECTION, stream: 'customers', highWaterMark: 1, inProgress: null, lastSync: null }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(stateError).toBeInstanceOf(DataFolderError);
    expect((stateError as DataFolderError).message).toMatch(/^cannot write .*customers\.json \((ENOSPC)\): the disk holding it is full/);
    expect(filesUnder(path.join(mountPoint, 'data')).temporary).toEqual([]);

    // Once space is freed, the same sync lands every record.
    fs.rmSync(filler);
    const config2 = ws.config();
    const result = await runBatch(config2, await startPosition(config2, 'full-2'), 100);
    expect(result).toMatchObject({ done: true, position: { rows: 300 } });
    expect(filesUnder(config2.layout.raw).parquet).toHaveLength(3);
  });

  it('fails at once on a read-only data folder, naming the path and what to do', async () => {
    const config = ws.config();
    const before = filesUnder(path.join(mountPoint, 'data'));
    const stateBefore = await readStreamState(config.layout.state, CONNECTION, 'customers');
    mount('-o', 'remount,ro', mountPoint);
    try {
      const error = await failedBatch('read-only-1');
      expect(error.code).toBe('EROFS');
      expect(error.path.startsWith(path.join(mountPoint, 'data'))).toBe(true);
      expect(error.message).toContain(`cannot write ${error.path} (EROFS): the file system holding it is read-only; remount it read-write`);
    } finally {
      mount('-o', 'remount,rw', mountPoint);
    }
    expect(filesUnder(path.join(mountPoint, 'data'))).toEqual(before);
    expect(await readStreamState(config.layout.state, CONNECTION, 'customers')).toEqual(stateBefore);
  });
});
