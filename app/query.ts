import { DuckDBTypeId, StatementType, type DuckDBPreparedStatement, type DuckDBResultReader } from '@duckdb/node-api';
import { CdpError, ConfigError } from '../lib/errors';
import { formatInZone } from '../lib/time-format';
import { isSandboxRefusal, openWarehouseReadOnly } from '../lib/warehouse/open-read-only';

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

// Only statements that read run: a COPY, ATTACH, SET or CREATE is refused before anything runs, and
// the connection itself cannot reach files outside the lake and the segment store. EXPLAIN is
// refused too, as EXPLAIN ANALYZE runs the statement it explains.
const REFUSAL = 'cdp query reads the warehouse only; COPY, ATTACH, SET and reading files outside the data folder are not allowed';

/**
 * Runs SQL on a read-only connection to the warehouse (a file, or the config's, wherever
 * warehouseSource reads it): a query can never change it. Times come back in the account's time zone.
 */
export async function queryWarehouse(from: Parameters<typeof openWarehouseReadOnly>[0], sql: string, timezone = 'UTC'): Promise<QueryResult> {
  if (!sql.trim()) throw new ConfigError('cdp query: no SQL statement given');
  const { db: connection, close } = await openWarehouseReadOnly(from, { utc: false });
  const prepared: DuckDBPreparedStatement[] = [];
  try {
    let reader: DuckDBResultReader | undefined;
    try {
      const statements = await connection.extractStatements(sql);
      for (let i = 0; i < statements.count; i++) prepared.push(await statements.prepare(i));
      const refused = prepared.find((p) => p.statementType !== StatementType.SELECT);
      if (refused) throw new ConfigError(`${REFUSAL} (${StatementType[refused.statementType]} statement)`);
      for (const statement of prepared) reader = await statement.runAndReadAll();
    } catch (err) {
      if (err instanceof ConfigError) throw err;
      if (isSandboxRefusal(err)) throw new ConfigError(`${REFUSAL} (${(err as Error).message.split('\n')[0]})`);
      throw new CdpError(`query failed: ${(err as Error).message.replace(/^Failed to extract statements: /, '')}`);
    }
    if (!reader) throw new ConfigError('cdp query: no SQL statement given');
    const columns = reader.columnNames();
    const rows = reader.getRowObjectsJson() as Record<string, unknown>[];
    // Times are stored in UTC; they render in the account's time zone.
    const zoned = reader.columnTypes().flatMap((t, i) => (t.typeId === DuckDBTypeId.TIMESTAMP_TZ ? [columns[i]!] : []));
    const objects = reader.getRowObjectsJS();
    rows.forEach((row, r) => {
      for (const c of zoned) {
        const value = objects[r]![c];
        if (value instanceof Date) row[c] = formatInZone(value, timezone);
      }
    });
    return { columns, rows };
  } finally {
    for (const statement of prepared) statement.destroySync();
    close();
  }
}
