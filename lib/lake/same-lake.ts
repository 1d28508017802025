import { LakeMismatchError } from '../errors';
import type { Lake } from './open-lake';

/**
 * Refuses to work for a sync that lands in another lake than this worker's: two workers on one task
 * queue with different storage settings would each land part of one sync, and the sync would report
 * success. A sync records its lake's identity when it plans; every later step checks it.
 */
export function assertSameLake(lake: Lake, syncLakeId: string | undefined, taskQueue: string): void {
  if (syncLakeId === undefined || syncLakeId === lake.id) return;
  throw new LakeMismatchError(
    `this worker's lake (catalog ${lake.location.catalog}, data ${lake.location.dataPath}, identity ${lake.id}) is not the lake this sync lands in ` +
      `(identity ${syncLakeId}): every worker on task queue ${taskQueue} must use the same storage settings (storage: in its config, or the same data_dir for the embedded lake)`,
  );
}
