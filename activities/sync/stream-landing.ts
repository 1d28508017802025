import { readPath } from '../sources/read-path';
import { recordIssues } from '../sources/record-check';
import type { SourceSpec, StreamSpec } from '../sources/spec';
import type { Lake } from '../../lib/lake/open-lake';
import { JsonText, type LandedRecord } from '../landing/land-batch';
import { finishedState, stateKey, updateStreamState, type StreamPosition } from '../../lib/sync-state';

function describeIssues(issues: readonly { path: PropertyKey[]; message: string }[]): string {
  return issues.map((i) => `${i.path.map(String).join('.') || '(record)'}: ${i.message}`).join('; ');
}

/**
 * A record as it lands: keyed, with its cursor, and with the reason it is quarantined when it fails
 * validation. Its payload is `text`, the source's own JSON text of it, where given.
 */
export function toLanded(source: SourceSpec, stream: StreamSpec, raw: Record<string, unknown>, syncedAt: Date, text?: string): LandedRecord {
  const issues = recordIssues(stream.schema, raw);
  const key = readPath(raw, stream.primaryKey);
  const cursor = readPath(raw, stream.cursorField);
  return {
    primaryKey: key === undefined || key === null ? '' : String(key),
    cursorValue: cursor === undefined || cursor === null ? null : String(cursor),
    syncedAt,
    payload: text === undefined ? raw : new JsonText(text),
    quarantineReason: issues.length === 0 ? undefined : `${source.name}.${stream.name}: ${describeIssues(issues)}`,
  };
}

/**
 * Records a finished stream (or slice): its last sync, and the high-water mark the next sync starts
 * from. A slice records only itself; the stream's mark moves when every slice is done, and never
 * back: a backfill that read an earlier window leaves it where it was.
 */
export async function finishStream(lake: Lake, position: StreamPosition): Promise<void> {
  await updateStreamState(lake, position.connection, stateKey(position), (state) => finishedState(state, position, new Date()));
}
