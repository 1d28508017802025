import type { LoadedConfig } from '../../lib/config';
import { CdpError } from '../../lib/errors';
import { listSliceStates, readStreamState, removeSliceStates, writeStreamState, type LastSync } from '../../lib/sync-state';

export interface CompleteSlicedStreamInput {
  connectionId: string;
  stream: string;
  syncId: string;
}

/**
 * Records a sliced historical sync as the stream's last sync once every slice has finished: the
 * high-water mark moves to the window's end, and the slices' own state files go.
 */
export async function completeSlicedStream(config: LoadedConfig, input: CompleteSlicedStreamInput): Promise<LastSync> {
  const states = await listSliceStates(config.layout.state, input.connectionId, input.stream);
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
  const state = await readStreamState(config.layout.state, input.connectionId, input.stream);
  await writeStreamState(config.layout.state, { ...state, highWaterMark: lastSync.window.to, inProgress: null, lastSync });
  await removeSliceStates(config.layout.state, input.connectionId, input.stream);
  return lastSync;
}
