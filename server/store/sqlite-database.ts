import Database from 'libsql';
import fs from 'node:fs';
import path from 'node:path';
import type { Row, SqlDatabase, SqlDialect, SqlExecutor } from './sql-database';

// The app store in a SQLite file. Calls are synchronous underneath; a queue per file keeps a
// statement of one request from landing inside another request's open transaction between two
// awaits, and keeps two openings of the file in one process from waiting on each other's lock.
// SQLite's own locking lets another process (`cdp user add`) write while `cdp serve` has it open.

const SQLITE: SqlDialect = { name: 'sqlite', integer: 'integer', autoId: 'integer primary key' };

/** The statements of this process on each file, one after the other. */
const queues = new Map<string, { tail: Promise<unknown> }>();

export class SqliteDatabase implements SqlDatabase {
  readonly dialect = SQLITE;
  private readonly direct: SqlExecutor;

  private constructor(
    private readonly db: Database.Database,
    private readonly queue: { tail: Promise<unknown> },
  ) {
    this.direct = {
      one: async (sql, ...params) => db.prepare(sql).get(...params) as Row | undefined,
      all: async (sql, ...params) => db.prepare(sql).all(...params) as Row[],
      run: async (sql, ...params) => db.prepare(sql).run(...params).changes,
    };
  }

  /** Opens (and creates when missing) the file; a writer waits up to five seconds for another's lock. */
  static open(file: string): SqliteDatabase {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    const db = new Database(file);
    db.pragma('journal_mode = WAL');
    db.pragma('busy_timeout = 5000');
    db.pragma('foreign_keys = ON');
    const key = path.resolve(file);
    if (!queues.has(key)) queues.set(key, { tail: Promise.resolve() });
    return new SqliteDatabase(db, queues.get(key)!);
  }

  private exclusive<T>(act: () => Promise<T>): Promise<T> {
    const result = this.queue.tail.then(act);
    this.queue.tail = result.catch(() => undefined);
    return result;
  }

  one(sql: string, ...params: unknown[]): Promise<Row | undefined> {
    return this.exclusive(() => this.direct.one(sql, ...params));
  }

  all(sql: string, ...params: unknown[]): Promise<Row[]> {
    return this.exclusive(() => this.direct.all(sql, ...params));
  }

  run(sql: string, ...params: unknown[]): Promise<number> {
    return this.exclusive(() => this.direct.run(sql, ...params));
  }

  exec(script: string): Promise<void> {
    return this.exclusive(async () => void this.db.exec(script));
  }

  transaction<T>(act: (tx: SqlExecutor) => Promise<T>): Promise<T> {
    return this.exclusive(async () => {
      // Immediate: the write lock is taken at the start, so a read-then-write cannot be overtaken.
      this.db.exec('begin immediate');
      try {
        const result = await act(this.direct);
        this.db.exec('commit');
        return result;
      } catch (err) {
        if (this.db.inTransaction) this.db.exec('rollback');
        throw err;
      }
    });
  }

  async close(): Promise<void> {
    await this.exclusive(async () => this.db.close());
  }
}
