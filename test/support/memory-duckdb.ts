import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { afterAll, beforeAll } from 'vitest';

/** An in-memory DuckDB for the tests of one file: `setup` runs before them, and it is closed after them. */
export function memoryDuckDb(...setup: string[]): () => DuckDBConnection {
  let instance: DuckDBInstance | undefined;
  let db: DuckDBConnection | undefined;
  beforeAll(async () => {
    instance = await DuckDBInstance.create(':memory:');
    db = await instance.connect();
    for (const sql of setup) await db.run(sql);
  });
  afterAll(() => {
    db?.closeSync();
    instance?.closeSync();
  });
  return () => db!;
}
