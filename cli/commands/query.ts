import { DuckDBInstance, DuckDBTypeId } from '@duckdb/node-api';
import Table from 'cli-table3';

// No rule between rows: results stay readable at a glance.
export const COMPACT = { mid: '', 'left-mid': '', 'mid-mid': '', 'right-mid': '' };
import { stringify } from 'csv-stringify/sync';
import fs from 'node:fs';
import { z } from 'zod';
import { CdpError, ConfigError } from '../../lib/errors';
import { formatInZone } from '../time-format';

export const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
export const queryFormatSchema = z.enum(QUERY_FORMATS);
export type QueryFormat = z.infer<typeof queryFormatSchema>;

export interface QueryResult {
  columns: string[];
  rows: Record<string, unknown>[];
}

/** Runs SQL on a read-only connection to the warehouse: a query can never change it. */
export async function queryWarehouse(warehouse: string, sql: string, timezone = 'UTC'): Promise<QueryResult> {
  if (!fs.existsSync(warehouse)) {
    throw new ConfigError(`no warehouse at ${warehouse} yet; run \`cdp build\` (or \`cdp demo\`) first`);
  }
  const instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  try {
    const connection = await instance.connect();
    try {
      // Times are stored in UTC; they render in the account's time zone.
      const reader = await connection.runAndReadAll(sql);
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
    } catch (err) {
      throw new CdpError(`query failed: ${(err as Error).message}`);
    } finally {
      connection.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** Renders a result as an aligned table, CSV with a header, or a JSON array of objects. */
export function renderResult(result: QueryResult, format: QueryFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result.rows, null, 2)}\n`;
    case 'csv':
      return stringify([result.columns, ...result.rows.map((r) => result.columns.map((c) => cell(r[c])))]);
    case 'table': {
      const table = new Table({ head: result.columns, style: { head: [], border: [] }, chars: COMPACT });
      for (const row of result.rows) table.push(result.columns.map((c) => cell(row[c])));
      return `${table.toString()}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
    }
  }
}
