import type { DuckDBConnection } from '@duckdb/node-api';
import { STORE } from './segment-store';

// Which build of the warehouse each segment's members were last computed from (the build's
// `config.settings.built_at`), in the lake's `segments_store.member_builds`, written with the members.
// Members computed from the warehouse there is now hold only people who are in both `core.customers`
// and `marts.customer_metrics`, which lets a member list count them instead of joining a million
// members with both.

/** The current warehouse's build time as text; undefined for a warehouse without `config.settings`. */
export async function warehouseBuiltAt(db: DuckDBConnection): Promise<string | undefined> {
  try {
    const rows = (await db.runAndReadAll('SELECT built_at::VARCHAR AS at FROM config.settings')).getRowObjectsJS();
    return rows.length === 1 && rows[0]!.at !== null ? String(rows[0]!.at) : undefined;
  } catch {
    return undefined;
  }
}

/** Records (in the caller's transaction) that the members of these segments come from the build `builtAt`, or from no known build. */
export async function recordMemberBuilds(db: DuckDBConnection, segmentIdsTable: string, builtAt: string | undefined): Promise<void> {
  await db.run(`DELETE FROM ${STORE.builds} WHERE segment_id IN (SELECT segment_id FROM ${segmentIdsTable})`);
  if (builtAt !== undefined) await db.run(`INSERT INTO ${STORE.builds} SELECT segment_id, ?::VARCHAR FROM ${segmentIdsTable}`, [builtAt]);
}

/** Whether a segment's members were computed from the warehouse `db` reads now. */
export async function membersOfThisBuild(db: DuckDBConnection, segmentId: string): Promise<boolean> {
  const built = await warehouseBuiltAt(db);
  if (built === undefined) return false;
  const rows = (await db.runAndReadAll(`SELECT built_at FROM ${STORE.builds} WHERE segment_id = ?`, [segmentId])).getRowObjectsJS();
  return rows.length > 0 && String(rows[0]!.built_at) === built;
}
