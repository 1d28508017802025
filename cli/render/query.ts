import { stringify } from 'csv-stringify/sync';
import { z } from 'zod';
import type { QueryResult } from '../../app/query';
import { compactTable } from './table';

export const QUERY_FORMATS = ['table', 'csv', 'json'] as const;
export const queryFormatSchema = z.enum(QUERY_FORMATS);
export type QueryFormat = z.infer<typeof queryFormatSchema>;

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
      const table = compactTable(result.columns);
      for (const row of result.rows) table.push(result.columns.map((c) => cell(row[c])));
      return `${table.toString()}\n(${result.rows.length} row${result.rows.length === 1 ? '' : 's'})\n`;
    }
  }
}
