import fs from 'node:fs/promises';
import path from 'node:path';
import type { LoadedConfig } from '../config';
import { sqlString } from '../sql';
import { withLake } from './lake-session';
import { inLakeTransaction, openLake } from './open-lake';
import { ensureRawTable, QUARANTINE_SCHEMA, RAW_SCHEMA } from './raw-tables';

// Moving a data folder of landed Parquet files into the lake: every
// `<raw|quarantine>/source=<s>/stream=<t>/connection=<c>/sync_id=<id>/part-[s<k>-]<seq>.parquet`
// becomes the rows of batch <seq> (slice <k>) of its stream's raw (or quarantine) table. A stream is
// imported in one lake transaction, and a batch already in the lake (same connection, sync, slice
// and sequence) is skipped, so importing again, or after landing resumed in the lake, adds nothing twice.
// The files are left where they are.

/** What importing one stream's files did. */
export interface ImportedStream {
  schema: typeof RAW_SCHEMA | typeof QUARANTINE_SCHEMA;
  source: string;
  stream: string;
  /** Batches (files) inserted, and the rows they held. */
  batches: number;
  rows: number;
  /** Batches the lake already had. */
  skipped: number;
}

interface PartFile {
  file: string;
  connection: string;
  syncId: string;
  seq: number;
  slice: number | null;
}

const PART = /^part-(?:s(\d+)-)?(\d+)\.parquet$/;

/** The sub-folders of `dir` named `<key>=<value>`, as value and path. */
async function partitions(dir: string, key: string): Promise<{ value: string; dir: string }[]> {
  const entries = await fs.readdir(dir, { withFileTypes: true }).catch(() => []);
  return entries
    .filter((e) => e.isDirectory() && e.name.startsWith(`${key}=`))
    .map((e) => ({ value: e.name.slice(key.length + 1), dir: path.join(dir, e.name) }))
    .sort((a, b) => a.value.localeCompare(b.value));
}

/** The landed files of one stream folder, with the batch each one is. */
async function partFiles(streamDir: string): Promise<PartFile[]> {
  const files: PartFile[] = [];
  for (const c of await partitions(streamDir, 'connection')) {
    for (const s of await partitions(c.dir, 'sync_id')) {
      for (const name of (await fs.readdir(s.dir)).sort()) {
        const match = PART.exec(name);
        if (!match) continue;
        files.push({ file: path.join(s.dir, name), connection: c.value, syncId: s.value, seq: Number(match[2]), slice: match[1] === undefined ? null : Number(match[1]) });
      }
    }
  }
  return files;
}

const batchKey = (b: { connection: string; syncId: string; slice: number | null; seq: number }) => JSON.stringify([b.connection, b.syncId, b.slice, b.seq]);

/**
 * Imports the landed Parquet files under the data folder's `raw/` and `quarantine/` into the lake's
 * raw and quarantine tables, one transaction a stream, skipping the batches already there.
 */
export async function importLakeFiles(config: Pick<LoadedConfig, 'storage' | 'layout'>, opts: { log?: (line: string) => void } = {}): Promise<ImportedStream[]> {
  const lake = await openLake(config.storage, config.layout);
  // One session for the whole import: it takes its turn with the process's other lake work.
  return withLake(lake, async (db) => {
    const imported: ImportedStream[] = [];
    for (const [schema, root] of [[RAW_SCHEMA, config.layout.raw], [QUARANTINE_SCHEMA, config.layout.quarantine]] as const) {
      for (const source of await partitions(root, 'source')) {
        for (const stream of await partitions(source.dir, 'stream')) {
          const files = await partFiles(stream.dir);
          if (files.length === 0) continue;
          const table = await ensureRawTable(db, source.value, stream.value, schema);
          const done = await inLakeTransaction(db, async () => {
            const there = await db.runAndReadAll(`SELECT DISTINCT connection, sync_id, slice, batch_seq FROM ${table}`);
            const landed = new Set(there.getRowObjectsJS().map((r) => batchKey({ connection: String(r.connection), syncId: String(r.sync_id), slice: r.slice === null ? null : Number(r.slice), seq: Number(r.batch_seq) })));
            const missing = files.filter((f) => !landed.has(batchKey(f)));
            let rows = 0;
            if (missing.length > 0) {
              // The batch's sequence and slice are in the file's name, not in its rows.
              const reason = schema === QUARANTINE_SCHEMA ? ', quarantine_reason' : '';
              const reader = await db.runAndReadAll(
                `INSERT INTO ${table}
                 SELECT source, stream, connection, environment, primary_key, cursor_value, synced_at, sync_id, sync_mode,
                   regexp_extract(filename, 'part-(?:s\\d+-)?(\\d+)\\.parquet$', 1)::INTEGER AS batch_seq,
                   nullif(regexp_extract(filename, 'part-s(\\d+)-\\d+\\.parquet$', 1), '')::INTEGER AS slice,
                   record_index, payload${reason}
                 FROM read_parquet([${missing.map((f) => sqlString(f.file)).join(', ')}], filename = true, union_by_name = true, hive_partitioning = false)`,
              );
              rows = Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
            }
            return { batches: missing.length, rows, skipped: files.length - missing.length };
          });
          const result: ImportedStream = { schema, source: source.value, stream: stream.value, ...done };
          opts.log?.(`${schema}.${source.value}__${stream.value}: ${result.batches} batches (${result.rows} rows) imported, ${result.skipped} already in the lake`);
          imported.push(result);
        }
      }
    }
    return imported;
  });
}
