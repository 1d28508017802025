/** How a flat-file column prints its parsed value. */
export type CellKind = 'text' | 'int' | 'money' | 'flag' | 'date';

/** One column of a tab-separated report: its header, the row member it prints and how. */
export interface Column<Row> {
  header: string;
  key: keyof Row;
  kind: CellKind;
}

/** A header as its row member's name: `A-to-Z Claim` → `a_to_z_claim`. */
export function memberOf(header: string): string {
  return header.toLowerCase().replace(/[^a-z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** A report's columns from its headers in order; a column is text unless `kinds` says otherwise. */
export function columnsOf<Row>(headers: readonly string[], kinds: Readonly<Record<string, CellKind>>): Column<Row>[] {
  return headers.map((header) => ({ header, key: memberOf(header) as keyof Row, kind: kinds[header] ?? 'text' }));
}

export interface FlatFileStyle {
  /** What an empty cell holds: Amazon writes some reports' blanks as a single space. */
  blank: string;
  /** Prints a `YYYY-MM-DD` date. */
  date: (isoDate: string) => string;
}

/** Tabs and line breaks inside free text would break the file; Amazon replaces them with spaces. */
function clean(text: string): string {
  return text.replace(/[\t\r\n]+/g, ' ');
}

function cell(kind: CellKind, value: unknown, style: FlatFileStyle): string {
  if (value === null || value === undefined || value === '') return style.blank;
  if (kind === 'flag') return value ? 'Y' : 'N';
  if (kind === 'money') return (value as number).toFixed(2);
  if (kind === 'date') return style.date(value as string);
  return clean(String(value));
}

/** A tab-separated report: a header row, then one line per row, each line ending in a newline. */
export function renderFlatFile<Row>(columns: readonly Column<Row>[], rows: readonly Row[], style: FlatFileStyle): string {
  const lines = [columns.map((c) => c.header).join('\t'), ...rows.map((row) => columns.map((c) => cell(c.kind, row[c.key], style)).join('\t'))];
  return `${lines.join('\n')}\n`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** `2025-07-10` → `10-Jul-2025`, as the returns report prints dates. */
export function dayMonthYear(isoDate: string): string {
  const [y, m, d] = isoDate.split('-');
  return `${d}-${MONTHS[Number(m) - 1]}-${y}`;
}
