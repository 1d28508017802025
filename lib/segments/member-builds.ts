import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import { sqlString } from '../sql';
import type { SegmentStore } from './segment-store';

// Which build of the warehouse each segment's members file was last computed from. The run log
// carries it as Parquet metadata (a JSON object of segment id to the build's `config.settings.built_at`),
// written with the log at every run. A members file computed from the warehouse there is now holds
// only people who are in both `core.customers` and `marts.customer_metrics`, which lets a member
// list count the file instead of joining a million members with both.

const METADATA_KEY = 'members_built_at';

/** The current warehouse's build time as text; undefined for a warehouse without `config.settings`. */
export async function warehouseBuiltAt(db: DuckDBConnection): Promise<string | undefined> {
  try {
    const rows = (await db.runAndReadAll('SELECT built_at::VARCHAR AS at FROM config.settings')).getRowObjectsJS();
    return rows.length === 1 && rows[0]!.at !== null ? String(rows[0]!.at) : undefined;
  } catch {
    return undefined;
  }
}

/** Each segment id's build, from the run log's metadata (none when the log has none). */
export async function memberBuilds(db: DuckDBConnection, store: SegmentStore): Promise<Record<string, string>> {
  if (!fs.existsSync(store.runs)) return {};
  const rows = (
    await db.runAndReadAll(`SELECT decode(value) AS v FROM parquet_kv_metadata(${sqlString(store.runs)}) WHERE decode(key) = ${sqlString(METADATA_KEY)}`)
  ).getRowObjectsJS();
  if (rows.length === 0) return {};
  try {
    const parsed = JSON.parse(String(rows[0]!.v)) as unknown;
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed)
      ? Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'))
      : {};
  } catch {
    return {};
  }
}

/** The `COPY` option that writes `builds` into the run log. */
export const memberBuildsOption = (builds: Record<string, string>) => `KV_METADATA {${METADATA_KEY}: ${sqlString(JSON.stringify(builds))}}`;

/** Whether a segment's members file was computed from the warehouse `db` reads now. */
export async function membersOfThisBuild(db: DuckDBConnection, store: SegmentStore, segmentId: string): Promise<boolean> {
  const built = await warehouseBuiltAt(db);
  return built !== undefined && (await memberBuilds(db, store))[segmentId] === built;
}
