/** Quotes a string as a SQL literal; for the few places DuckDB takes no bound parameter (COPY targets, file lists). */
export function sqlString(value: string): string {
  return `'${value.replaceAll("'", "''")}'`;
}

/** Quotes an identifier (schema, table, column). */
export function sqlIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
