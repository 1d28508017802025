import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../sql';
import { lakeRelations } from './lake-tables';
import { LAKE } from './open-lake';

// The raw landing tables in the lake: one per source stream, `lake.raw.<source>__<stream>`, and its
// quarantine twin `lake.quarantine.<source>__<stream>` for records that failed validation. Landing
// appends to them; the build reads them. Rows are never updated: a record that changes at the source
// lands again, and staging keeps the newest version of each key.

export const RAW_SCHEMA = 'raw';
export const QUARANTINE_SCHEMA = 'quarantine';

/** The raw table name of a stream: `<source>__<stream>`. */
export const rawTableName = (source: string, stream: string) => `${source}__${stream}`;

/** The columns every raw row carries: the envelope, then the record as the source sent it. */
export const RAW_COLUMNS = `
  source VARCHAR NOT NULL,
  stream VARCHAR NOT NULL,
  connection VARCHAR NOT NULL,
  environment VARCHAR NOT NULL,
  primary_key VARCHAR NOT NULL,
  cursor_value VARCHAR,
  synced_at TIMESTAMPTZ NOT NULL,
  sync_id VARCHAR NOT NULL,
  sync_mode VARCHAR NOT NULL,
  batch_seq INTEGER NOT NULL,
  slice INTEGER,
  record_index INTEGER NOT NULL,
  payload JSON NOT NULL`;

/** A quarantined row: the raw columns and why validation refused it. */
export const QUARANTINE_COLUMNS = `${RAW_COLUMNS},
  quarantine_reason VARCHAR NOT NULL`;

/** `lake.raw."<source>__<stream>"` (or its quarantine twin), quoted for SQL. */
export function rawTable(source: string, stream: string, schema: typeof RAW_SCHEMA | typeof QUARANTINE_SCHEMA = RAW_SCHEMA): string {
  return `${LAKE}.${schema}.${sqlIdent(rawTableName(source, stream))}`;
}

/** Creates the stream's raw (or quarantine) table when it is not there yet. */
export async function ensureRawTable(db: DuckDBConnection, source: string, stream: string, schema: typeof RAW_SCHEMA | typeof QUARANTINE_SCHEMA = RAW_SCHEMA): Promise<string> {
  const table = rawTable(source, stream, schema);
  await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.${schema}`);
  await db.run(`CREATE TABLE IF NOT EXISTS ${table} (${schema === RAW_SCHEMA ? RAW_COLUMNS : QUARANTINE_COLUMNS})`);
  return table;
}

/** The streams that have a raw table (or a quarantine table) in the lake, as `{ source, stream }`. */
export async function landedStreams(db: DuckDBConnection, schema: typeof RAW_SCHEMA | typeof QUARANTINE_SCHEMA = RAW_SCHEMA): Promise<{ source: string; stream: string }[]> {
  return (await lakeRelations(db, schema))
    .filter((r) => r.kind === 'table')
    .map((r) => r.name)
    .filter((n) => n.includes('__'))
    .map((n) => ({ source: n.slice(0, n.indexOf('__')), stream: n.slice(n.indexOf('__') + 2) }));
}
