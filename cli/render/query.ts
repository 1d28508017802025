import { z } from 'zod';
import type { QueryResult } from '../../app/query';
import { writeCsv, type CsvValue } from '../../lib/csv';
import { compactTable } from './table';

export const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
export const queryFormatSchema = z.enum(QUERY_FORMATS);
export type QueryFormat = z.infer<typeof queryFormatSchema>;

function cell(value: unknown): string {
  if (value === null || value === undefined) return '';
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** A value as a CSV cell: numbers stay numbers (a negative amount is no formula), everything else is text. */
function csvCell(value: unknown): CsvValue {
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? value : cell(value);
}

/** Renders a result as an aligned table, CSV with a header, or a JSON array of objects. */
export function renderResult(result: QueryResult, format: QueryFormat): string {
  switch (format) {
    case 'json':
      return `${JSON.stringify(result.rows, null, 2)}\n`;
    case 'csv':
      return writeCsv([result.columns, ...result.rows.map((r) => result.columns.map((c) => csvCell(r[c])))]);
    case 'table': {
      const table = compactTable(result.columns);
      for (const row of result.rows) table.push(result.columns.map((c) => cell(row[c])));
      return `${table.toString()}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
    }
  }
}
