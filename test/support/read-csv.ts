import { DuckDBInstance } from '@duckdb/node-api';
import { sqlString } from '../../lib/sql';

/**
 * Parses a CSV file with DuckDB's reader on an engine of its own (what a spreadsheet or ad
 * platform would read), every cell as text; `options` are read_csv's named options as SQL.
 */
export async function readCsvFile(file: string, options = 'header = true, all_varchar = true'): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const reader = await db.runAndReadAll(`select * from read_csv(${sqlString(file)}, ${options})`);
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJson() as Record<string, unknown>[] };
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}
