import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlIdent } from '../sql';
import { CUSTOMER_FIELDS } from './catalog';
import { SEGMENT_BASE } from './compile';

// A materialization runs every segment's rules on one temp table of people, built once: the
// customer columns, the metrics row as one struct column `m` (so the compiled `m.<metric>` reads its
// field, and every rule compiles as it does against the join), and each person's member key. The
// fifty-odd segments then scan one table instead of each repeating the join of a million customers
// with a million metrics rows on their text ids.

/** The temp table of people, to compile a segment against as `from`. */
export const PEOPLE_BASE = 'people as c';

/** The columns of `core.customers` a rule can read: those the catalog's customer fields name, and the keys. */
const CUSTOMER_COLUMNS = [
  ...new Set(['customer_id', 'environment', ...Object.values(CUSTOMER_FIELDS).flatMap((f) => [...f.sql.matchAll(/\bc\.(\w+)/g)].map((m) => m[1]!))]),
];

/**
 * Creates the temp table `people`: every person of `SEGMENT_BASE` (in both relations, as a
 * segment's members are), with the columns of `core.customers` rules read (not the lists of
 * source ids, which would double the cost of the table), the metrics row as the struct `m`, and
 * `member_key` from the temp table `member_keys`, which has every customer's (see `NEW_CUSTOMERS`).
 */
export async function createPeopleTable(db: DuckDBConnection): Promise<void> {
  await db.run(
    `CREATE OR REPLACE TEMP TABLE people AS
     SELECT ${CUSTOMER_COLUMNS.map((name) => `c.${sqlIdent(name)}`).join(', ')}, m AS m, k.member_key
     FROM ${SEGMENT_BASE} JOIN member_keys AS k ON k.customer_id = c.customer_id`,
  );
}

/** The customers without a member key yet, to give them one before the people table is made. */
export const NEW_CUSTOMERS = 'SELECT customer_id FROM core.customers ANTI JOIN member_keys USING (customer_id)';
