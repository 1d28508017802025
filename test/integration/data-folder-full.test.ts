import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DataFolderError, NON_RETRYABLE_ERROR_NAMES } from '../../lib/errors';
import { closeLakes, openLake } from '../../lib/lake/open-lake';
import { updateStreamState } from '../../lib/sync-state';
import { committedState, landedBatches } from '../support/lake-reads';
import { CONNECTION, customersWorkspace, filesUnder, pagedCustomers, runBatch, scriptedCustomers, startPosition } from '../activities/sync/scripted-customers';

// A full disk or a read-only data folder cannot be fixed by retrying: the sync fails at once, says
// which path and what to do, and leaves no temporary file and nothing half-landed in the lake.
// Proven on a real 2 MB tmpfs.

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-small-disk-'));
// The read-only case has a disk of its own: the lake's catalog of a commit that failed on the full
// disk stays open in this process, and a disk with a file open for writing cannot be remounted.
const readOnlyPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-small-disk-'));
const mount = (...args: string[]) => execFileSync('mount', args, { stdio: 'pipe' });
let mountProblem: string | undefined;
try {
  mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', mountPoint);
  mount('-t', 'tmpfs', '-o', 'size=2m', 'tmpfs', readOnlyPoint);
} catch (err) {
  mountProblem = `mounting a tmpfs needs root (or CAP_SYS_ADMIN): ${(err as Error).message.split('\n')[0]}`;
}
if (mountProblem) console.warn(`skipping the small-disk tests: ${mountProblem}`);

const source = scriptedCustomers();
let ws: ReturnType<typeof customersWorkspace>;
let readOnlyWs: ReturnType<typeof customersWorkspace>;
beforeAll(() => {
  source.answer = pagedCustomers(300, 100);
  ws = customersWorkspace(source.baseUrl, { dataDir: path.join(mountPoint, 'data') });
  readOnlyWs = customersWorkspace(source.baseUrl, { dataDir: path.join(readOnlyPoint, 'data') });
});
afterAll(async () => {
  await closeLakes();
  ws?.cleanup();
  readOnlyWs?.cleanup();
  for (const point of [mountPoint, readOnlyPoint]) {
    if (!mountProblem) mount('-o', 'remount,rw', point);
    // Lazily: the full disk's failed catalog commit may still hold its file.
    if (!mountProblem) execFileSync('umount', ['-l', point]);
    fs.rmSync(point, { recursive: true, force: true });
  }
});

async function failedBatch(syncId: string, workspace = ws): Promise<DataFolderError> {
  const config = workspace.config();
  // Planning reads the lake first: it may be the step that meets the disk.
  const error = await startPosition(config, syncId)
    .then((position) => runBatch(config, position, 100))
    .then(
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
    // The lake is there before the disk fills, as it is for a worker that has run before.
    await openLake(config.storage, config.layout);
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
    expect(error.path.startsWith(config.layout.root)).toBe(true);
    expect(error.message).toContain(`cannot write ${error.path} (ENOSPC): the disk holding it is full; free space on that disk`);
    expect(filesUnder(path.join(mountPoint, 'data')).temporary).toEqual([]);

    // A cursor commit on the full disk fails the same way.
    const lake = await openLake(config.storage, config.layout);
    const stateError = await updateStreamState(lake, CONNECTION, 'customers', (state) => ({ ...state, highWaterMark: 1 })).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(stateError).toBeInstanceOf(DataFolderError);
    expect((stateError as DataFolderError).message).toMatch(/^cannot write .* \((ENOSPC)\): the disk holding it is full/);
    expect(filesUnder(path.join(mountPoint, 'data')).temporary).toEqual([]);

    // Once space is freed (the lake's catalog is read through a file it writes), nothing had landed
    // and nothing had been committed, and the same sync lands every record.
    fs.rmSync(filler);
    expect(await landedBatches(config, 'stripe', 'customers')).toEqual([]);
    expect(await committedState(config, CONNECTION, 'customers')).toMatchObject({ highWaterMark: null, inProgress: null });
    const config2 = ws.config();
    const result = await runBatch(config2, await startPosition(config2, 'full-2'), 100);
    expect(result).toMatchObject({ done: true, position: { rows: 300 } });
    expect(await landedBatches(config2, 'stripe', 'customers')).toHaveLength(3);
  });

  it('fails at once on a read-only data folder, naming the path and what to do', async () => {
    const config = readOnlyWs.config();
    const data = path.join(readOnlyPoint, 'data');
    const stateBefore = await committedState(config, CONNECTION, 'customers');
    const before = filesUnder(data);
    // A folder open for writing cannot be remounted: the worker meets the read-only lake when it opens it.
    await closeLakes();
    mount('-o', 'remount,ro', readOnlyPoint);
    try {
      const error = await failedBatch('read-only-1', readOnlyWs);
      expect(error.code).toBe('EROFS');
      expect(error.path.startsWith(data)).toBe(true);
      expect(error.message).toContain(`cannot write ${error.path} (EROFS): the file system holding it is read-only; remount it read-write`);
    } finally {
      await closeLakes();
      mount('-o', 'remount,rw', readOnlyPoint);
    }
    expect(filesUnder(data)).toEqual(before);
    expect(await committedState(config, CONNECTION, 'customers')).toEqual(stateBefore);
  });
});
