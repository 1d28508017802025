// The little the app store needs from a SQL database, so one set of queries serves SQLite and
// PostgreSQL: statements written once with `?` parameters, rows as plain objects, and write
// transactions that run one at a time, as SQLite's `begin immediate` makes them.

export type Row = Record<string, unknown>;

/** Runs statements; inside a transaction, on the transaction's connection. */
export interface SqlExecutor {
  one(sql: string, ...params: unknown[]): Promise<Row | undefined>;
  all(sql: string, ...params: unknown[]): Promise<Row[]>;
  /** Runs a statement; the number of rows it changed. */
  run(sql: string, ...params: unknown[]): Promise<number>;
}

/** What differs between the two databases; every query is the same text on both. */
export interface SqlDialect {
  name: 'sqlite' | 'postgres';
  /** A column of whole numbers as large as epoch milliseconds. */
  integer: string;
  /** A primary key the database numbers by itself. */
  autoId: string;
}

export interface SqlDatabase extends SqlExecutor {
  readonly dialect: SqlDialect;
  /** Runs a script of statements without parameters (the schema). */
  exec(script: string): Promise<void>;
  /** Runs `act` in a write transaction, one writer at a time across processes; rolls back when it throws. */
  transaction<T>(act: (tx: SqlExecutor) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
