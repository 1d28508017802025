import type { DuckDBConnection } from '@duckdb/node-api';
import type { LoadedConfig } from '../config';
import { attachLake, LAKE, lakeLocation, openLake } from '../lake/open-lake';
import { landedStreams, RAW_COLUMNS, rawTable, rawTableName } from '../lake/raw-tables';
import { sqlIdent } from '../sql';
import type { ModelFile } from './model-files';

// The build's raw input is a copy of the lake's raw tables, taken in one read of one lake snapshot
// at the start of the build. A copy, not views over the lake: the finished warehouse must answer
// `raw.*` in any DuckDB client, with no extension and no access to the lake's catalog or its (maybe
// s3://) data path, and keep answering after the lake compacts or expires the files of that snapshot.

/** The raw tables the models read (`raw.<source>__<stream>` or `raw_latest.…`), as `{ source, stream }`. */
function rawTablesRead(models: ModelFile[]): { source: string; stream: string }[] {
  const names = new Set<string>();
  for (const m of models) for (const match of (m.sql ?? '').matchAll(/\braw(?:_latest)?\.([a-z0-9]+(?:_[a-z0-9]+)*)__([a-z0-9_]+)/g)) names.add(`${match[1]}__${match[2]}`);
  return [...names].map((n) => ({ source: n.slice(0, n.indexOf('__')), stream: n.slice(n.indexOf('__') + 2) }));
}

/**
 * Copies into `raw.<source>__<stream>` every raw table of the lake and creates an empty one for each
 * stream a model reads that has not landed yet; beside each, in `raw_latest`, a view of the newest
 * landed version of each record: at-least-once landing and re-read streams land a record many times,
 * and staging reads each once. The lake is attached read-only for the copy and detached after it.
 * Returns the rows copied.
 */
export async function copyRawTables(db: DuckDBConnection, config: Pick<LoadedConfig, 'storage' | 'layout'>, models: ModelFile[]): Promise<number> {
  // Opening the lake once creates it (catalog, data folder, identity) when no sync has yet.
  await openLake(config.storage, config.layout);
  await attachLake(db, config.storage, lakeLocation(config.storage, config.layout), { readOnly: true });
  try {
    await db.run('CREATE SCHEMA raw');
    await db.run('CREATE SCHEMA raw_latest');
    // One transaction reads one snapshot of the lake: a sync committing meanwhile is in all or none.
    await db.run('BEGIN TRANSACTION');
    const streams = await landedStreams(db);
    const landed = new Set(streams.map((t) => rawTableName(t.source, t.stream)));
    const tables = new Map([...rawTablesRead(models), ...streams].map((t) => [rawTableName(t.source, t.stream), t]));
    let rows = 0;
    for (const [name, t] of [...tables].sort(([a], [b]) => a.localeCompare(b))) {
      const table = sqlIdent(name);
      if (landed.has(name)) {
        const reader = await db.runAndReadAll(`CREATE TABLE raw.${table} AS SELECT * FROM ${rawTable(t.source, t.stream)}`);
        rows += Number(reader.getRowObjectsJS()[0]?.Count ?? 0);
      } else {
        await db.run(`CREATE TABLE raw.${table} (${RAW_COLUMNS})`);
      }
      await db.run(
        `CREATE VIEW raw_latest.${table} AS SELECT * FROM raw.${table}
         QUALIFY row_number() OVER (PARTITION BY environment, connection, primary_key ORDER BY synced_at DESC, sync_id DESC, batch_seq DESC, record_index DESC) = 1`,
      );
    }
    await db.run('COMMIT');
    return rows;
  } catch (err) {
    await db.run('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await db.run(`DETACH ${LAKE}`);
  }
}
