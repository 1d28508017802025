import path from 'node:path';

// The landed files of file landing, before the lake: `source=<s>/stream=<t>/connection=<c>/sync_id=<id>/part-*.parquet`
// under data/raw and data/quarantine. Landing into the lake writes none; `cdp lake import-files`
// (lib/lake/import-files.ts) moves a data folder's files into the lake's raw tables.

/** The folder holding every landed file of one stream. */
export function streamDir(root: string, source: string, stream: string): string {
  return path.join(root, `source=${source}`, `stream=${stream}`);
}

/** The hive-partitioned folder of one stream's files from one sync. */
export function partitionDir(root: string, t: { source: string; stream: string; connection: string; syncId: string }): string {
  return path.join(streamDir(root, t.source, t.stream), `connection=${t.connection}`, `sync_id=${t.syncId}`);
}
