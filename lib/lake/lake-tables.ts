import type { DuckDBConnection } from '@duckdb/node-api';
import { sqlString } from '../sql';

// The lake's tables and views as its catalog lists them. DuckDB's own listings (`duckdb_tables()`,
// `information_schema.tables`, `SHOW ALL TABLES`) ask a DuckLake for every table's size, one catalog
// query per table: seconds on a lake of a few hundred tables. The catalog's tables of the DuckLake
// format (`ducklake_schema`, `ducklake_table`, `ducklake_view`: a row is current while its
// `end_snapshot` is NULL) answer the same question in one query.

/** The name the lake's catalog database is attached under, beside the lake itself. */
export const LAKE_CATALOG = 'lake_catalog';

export interface LakeRelation {
  schema: string;
  name: string;
  kind: 'table' | 'view';
}

/**
 * The tables and views of the lake's last committed snapshot, of one schema or all, ordered by
 * schema and name; of another lake attached beside it when given its catalog's name. Inside a lake transaction it does not see what that transaction created or dropped.
 */
export async function lakeRelations(db: DuckDBConnection, schema?: string, catalog: string = LAKE_CATALOG): Promise<LakeRelation[]> {
  const inSchema = schema === undefined ? '' : ` AND s.schema_name = ${sqlString(schema)}`;
  const current = (alias: string) => `${alias}.end_snapshot IS NULL`;
  const reader = await db.runAndReadAll(
    `SELECT s.schema_name, t.table_name AS name, 'table' AS kind
       FROM ${catalog}.ducklake_table t JOIN ${catalog}.ducklake_schema s USING (schema_id)
      WHERE ${current('t')} AND ${current('s')}${inSchema}
     UNION ALL
     SELECT s.schema_name, v.view_name, 'view'
       FROM ${catalog}.ducklake_view v JOIN ${catalog}.ducklake_schema s USING (schema_id)
      WHERE ${current('v')} AND ${current('s')}${inSchema}
     ORDER BY 1, 2`,
  );
  return reader.getRowObjectsJS().map((r) => ({ schema: String(r.schema_name), name: String(r.name), kind: r.kind as LakeRelation['kind'] }));
}

/** Whether the lake's last committed snapshot has the table `schema.name`. */
export async function lakeTableExists(db: DuckDBConnection, schema: string, name: string): Promise<boolean> {
  return (await lakeRelations(db, schema)).some((r) => r.kind === 'table' && r.name === name);
}
