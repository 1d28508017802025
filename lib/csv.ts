import { stringify } from 'csv-stringify/sync';

// Every CSV cdp writes goes through here. The files are opened in spreadsheets, and a spreadsheet
// runs a cell that starts with `=`, `+`, `-` or `@` (or a tab or carriage return before one) as a
// formula: a customer's first name could then send data elsewhere or start a program. As OWASP's
// "CSV Injection" page advises, such text cells get a leading single quote, which makes the
// spreadsheet show the text as typed, and are quoted.

/** What a CSV cell may hold: text, a number, or nothing. */
export type CsvValue = string | number | bigint | boolean | null | undefined;

/** Leading characters a spreadsheet reads as the start of a formula, with the full-width forms Apple Numbers and Excel's IME also take. */
const FORMULA_START = /^[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/;

/** A plain decimal number as text (`-12.50`, `+3`, `1e5`): a spreadsheet reads it as that number, never as a formula. */
const DECIMAL_NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;

/** Text a spreadsheet would run as a formula, prefixed with `'` so it shows as text; numbers and other text unchanged. */
export function neutraliseFormula(text: string): string {
  return FORMULA_START.test(text) && !DECIMAL_NUMBER.test(text) ? `'${text}` : text;
}

function cellText(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return neutraliseFormula(value);
  return String(value);
}

/**
 * Rows as CSV text (the first row is usually the header), with every text cell a spreadsheet would
 * run as a formula neutralised. Cells are quoted where a value needs it, when they were neutralised,
 * and when they start or end with white space (a spreadsheet would drop it otherwise).
 */
export function writeCsv(rows: readonly (readonly CsvValue[])[]): string {
  return stringify(
    rows.map((row) => row.map(cellText)),
    { quoted_match: [/^\s|\s$/, /^'[=+\-@\t\r\uFF1D\uFF0B\uFF0D\uFF20]/] },
  );
}
