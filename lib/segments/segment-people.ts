import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent, sqlString } from '../sql';
import { SEGMENT_BASE } from './compile';

// A materialization runs every segment's rules on one temp table of people, built once: the
// customer columns, the metrics as one struct column `m` (so the compiled `m.<metric>` reads its
// field, and every rule compiles as it does against the join), and each person's member key. The
// fifty-odd segments then scan one table instead of each repeating the join of a million customers
// with a million metrics rows on their text ids.

/** The temp table of people, to compile a segment against as `from`. */
export const PEOPLE_BASE = 'people as c';

/**
 * Creates the temp table `people`: every person of `SEGMENT_BASE` (in both relations, as a
 * segment's members are), with the columns of `core.customers`, the metrics as the struct `m`, and
 * `member_key` from the temp table `member_keys`, which has every customer's (see `NEW_CUSTOMERS`).
 */
export async function createPeopleTable(db: DuckDBConnection): Promise<void> {
  const metrics = (
    await db.runAndReadAll(
      `SELECT column_name FROM information_schema.columns
       WHERE table_catalog = current_database() AND table_schema = 'marts' AND table_name = 'customer_metrics' AND column_name <> 'customer_id'
       ORDER BY ordinal_position`,
    )
  )
    .getRowObjectsJS()
    .map((r) => String(r.column_name));
  const struct = `{${metrics.map((name) => `${sqlString(name)}: m.${sqlIdent(name)}`).join(', ')}}`;
  await db.run(
    `CREATE OR REPLACE TEMP TABLE people AS
     SELECT c.*, ${struct} AS m, k.member_key
     FROM ${SEGMENT_BASE} JOIN member_keys AS k ON k.customer_id = c.customer_id`,
  );
}

/** The customers without a member key yet, to give them one before the people table is made. */
export const NEW_CUSTOMERS = 'SELECT customer_id FROM core.customers ANTI JOIN member_keys USING (customer_id)';
