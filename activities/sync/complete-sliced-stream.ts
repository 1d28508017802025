import { Context } from '@temporalio/activity';
import type { LoadedConfig } from '../../lib/config';
import { CdpError } from '../../lib/errors';
import { openLakeToWrite, withLake } from '../../lib/lake/lake-session';
import { inLakeTransaction } from '../../lib/lake/open-lake';
import { assertSameLake } from '../../lib/lake/same-lake';
import { ensureStateTable, listSliceStates, readStreamState, removeSliceStates, writeStreamState, type LastSync } from '../../lib/sync-state';

export interface CompleteSlicedStreamInput {
  connectionId: string;
  stream: string;
  syncId: string;
  /** The lake the sync lands in (see StreamPosition.lakeId). */
  lakeId?: string;
}

/**
 * Records a sliced historical sync as the stream's last sync once every slice has finished: the
 * high-water mark moves to the window's end, and the slices' own states go, in one lake transaction.
 */
export async function completeSlicedStream(config: LoadedConfig, input: CompleteSlicedStreamInput): Promise<LastSync> {
  const lake = await openLakeToWrite(config.storage, config.layout);
  assertSameLake(lake, input.lakeId, Context.current().info.taskQueue);
  return withLake(lake, async (db) => {
    await inLakeTransaction(db, () => ensureStateTable(db, input.connectionId));
    return inLakeTransaction(db, async () => {
      const states = await listSliceStates(db, input.connectionId, input.stream);
      const state = await readStreamState(db, input.connectionId, input.stream);
      // Run again after it committed (its answer lost): the stream's state already says so.
      if (states.length === 0 && state.lastSync?.syncId === input.syncId) return state.lastSync;
      const slices = states.filter((s) => s.lastSync?.syncId === input.syncId);
      const unfinished = states.filter((s) => s.inProgress);
      if (slices.length === 0 || unfinished.length > 0) {
        throw new CdpError(`${input.connectionId}.${input.stream}: sync ${input.syncId} still has ${unfinished.length} unfinished slice(s)`);
      }
      const done = slices.map((s) => s.lastSync!);
      const lastSync: LastSync = {
        syncId: input.syncId,
        mode: done[0]!.mode,
        window: { from: null, to: Math.max(...done.map((d) => d.window.to)) },
        startedAt: done.map((d) => d.startedAt).sort()[0]!,
        finishedAt: done.map((d) => d.finishedAt).sort().at(-1)!,
        rows: done.reduce((n, d) => n + d.rows, 0),
        quarantined: done.reduce((n, d) => n + d.quarantined, 0),
        batches: done.reduce((n, d) => n + d.batches, 0),
      };
      await writeStreamState(db, { ...state, highWaterMark: lastSync.window.to, inProgress: null, lastSync });
      await removeSliceStates(db, input.connectionId, input.stream);
      return lastSync;
    });
  });
}
