import type { LandedRecord, LandingTarget } from '../../activities/landing/lake';
import type { LoadedConfig } from '../../lib/config';
import { withLake } from '../../lib/lake/lake-session';
import { inLakeTransaction, openLake } from '../../lib/lake/open-lake';
import { ensureRawTable, landedStreams, QUARANTINE_COLUMNS, QUARANTINE_SCHEMA, RAW_COLUMNS, RAW_SCHEMA, rawTable } from '../../lib/lake/raw-tables';

// Raw rows in the lake for tests: put a batch straight into a stream's raw (or quarantine) table, as
// landing lands one, and read a stream's rows back through the lake, whatever files hold them. Each
// takes its turn with the process's other lake sessions (lib/lake/lake-session.ts).

type Config = Pick<LoadedConfig, 'storage' | 'layout'>;
const schemaOf = (opts: { quarantine?: boolean }) => (opts.quarantine ? QUARANTINE_SCHEMA : RAW_SCHEMA);

/** Inserts records into their stream's raw table (the quarantine table with `quarantine: true`) in one lake transaction. */
export async function landRawRows(config: Config, batch: LandingTarget, records: readonly LandedRecord[], opts: { quarantine?: boolean } = {}): Promise<void> {
  await withLake(await openLake(config.storage, config.layout), async (db) => {
    const schema = schemaOf(opts);
    const table = await ensureRawTable(db, batch.source, batch.stream, schema);
    const rows = records.map((r, i) => ({ ...r, syncedAt: r.syncedAt.toISOString(), payload: JSON.stringify(r.payload), recordIndex: i }));
    const reason = schema === QUARANTINE_SCHEMA ? `, r->>'quarantineReason'` : '';
    await inLakeTransaction(db, () =>
      db.run(
        `INSERT INTO ${table}
         SELECT ?, ?, ?, ?, r->>'primaryKey', r->>'cursorValue', (r->>'syncedAt')::TIMESTAMPTZ, ?, ?, ?, ?, (r->>'recordIndex')::INTEGER, (r->>'payload')::JSON${reason}
         FROM (SELECT unnest(from_json(?::JSON, '["JSON"]')) AS r)`,
        [batch.source, batch.stream, batch.connection, batch.environment, batch.syncId, batch.syncMode, batch.seq, batch.slice ?? null, JSON.stringify(rows)],
      ),
    );
  });
}

/**
 * Runs `sql` over one stream's rows in the lake, where the relation `rows` is the stream's raw table
 * (its quarantine twin with `quarantine: true`; no rows when the stream has not landed):
 * `queryRawRows(config, 'stripe', 'charges', 'select count(*) as n from rows')`.
 */
export async function queryRawRows(config: Config, source: string, stream: string, sql = 'SELECT * FROM rows', opts: { quarantine?: boolean } = {}): Promise<Record<string, unknown>[]> {
  return withLake(await openLake(config.storage, config.layout), async (db) => {
    const schema = schemaOf(opts);
    const landed = (await landedStreams(db, schema)).some((t) => t.source === source && t.stream === stream);
    let relation = rawTable(source, stream, schema);
    if (!landed) {
      await db.run(`CREATE OR REPLACE TEMP TABLE no_rows (${schema === QUARANTINE_SCHEMA ? QUARANTINE_COLUMNS : RAW_COLUMNS})`);
      relation = 'no_rows';
    }
    return (await db.runAndReadAll(`WITH rows AS (SELECT * FROM ${relation}) ${sql}`)).getRowObjectsJS();
  });
}
