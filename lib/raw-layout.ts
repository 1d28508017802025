import fs from 'node:fs/promises';
import path from 'node:path';

// The raw lake on disk: `source=<s>/stream=<t>/connection=<c>/sync_id=<id>/part-*.parquet`. Landing
// writes it, the build reads it; both take the folder names from here.

/** The raw table name of a stream, in the `raw` and `raw_latest` schemas: `<source>__<stream>`. */
export const rawTableName = (source: string, stream: string) => `${source}__${stream}`;

/** The folder holding every landed file of one stream. */
export function streamDir(root: string, source: string, stream: string): string {
  return path.join(root, `source=${source}`, `stream=${stream}`);
}

/** The hive-partitioned folder of one stream's files from one sync. */
export function partitionDir(root: string, t: { source: string; stream: string; connection: string; syncId: string }): string {
  return path.join(streamDir(root, t.source, t.stream), `connection=${t.connection}`, `sync_id=${t.syncId}`);
}

/** The streams that have a folder in the raw lake, as `{ source, stream }`. */
export async function landedStreams(root: string): Promise<{ source: string; stream: string }[]> {
  const found: { source: string; stream: string }[] = [];
  for (const s of await fs.readdir(root).catch(() => [] as string[])) {
    if (!s.startsWith('source=')) continue;
    for (const t of await fs.readdir(path.join(root, s)).catch(() => [] as string[])) {
      if (t.startsWith('stream=')) found.push({ source: s.slice('source='.length), stream: t.slice('stream='.length) });
    }
  }
  return found;
}
