import type { DuckDBConnection } from '@duckdb/node-api';
import fs from 'node:fs';
import type { LoadedConfig } from '../config';
import { ConfigError } from '../errors';
import { dataLayout } from '../paths';
import { createStoreSchema, createStoreTables } from '../segments/segment-store';
import { sqlIdent } from '../sql';
import { ensureStateTable, STATE_SCHEMA } from '../sync-state';
import { withLake } from './lake-session';
import { lakeRelations, type LakeRelation } from './lake-tables';
import { attachLake, catalogAlias, inLakeTransaction, LAKE, lakeLocation, openLake } from './open-lake';
import { ensureRawTable, QUARANTINE_SCHEMA, RAW_SCHEMA } from './raw-tables';

// Moving the embedded lake of a data folder (`lake.sqlite` and `lake/`) into the lake the config
// names, typically PostgreSQL and S3: every table (raw and quarantine rows, stream states, the
// segment store, the published models) and every published view is copied in one transaction of
// the new lake, so it holds all of the old one or nothing. The new lake keeps its own identity: a
// sync planned after the move records it. The old folder is left as it was.

/** The lake a data folder's embedded lake is attached as while it is copied. */
const SOURCE = 'source_lake';

/** What the move copied: each table with its rows, and the views. */
export interface MigratedLake {
  tables: { schema: string; name: string; rows: number }[];
  views: number;
}

/** Tables every lake makes for itself when it is opened: not copied. */
const OWN = new Set(['cdp.lake_identity']);

const key = (r: { schema: string; name: string }) => `${r.schema}.${r.name}`;
const qualified = (catalog: string, r: { schema: string; name: string }) => `${catalog}.${sqlIdent(r.schema)}.${sqlIdent(r.name)}`;

/** The DDL of the tables whose columns cdp defines, so the copy keeps their constraints and settings; other tables are copied as they are. */
async function createKnownTables(db: DuckDBConnection, relations: LakeRelation[]): Promise<Set<string>> {
  const made = new Set<string>();
  for (const r of relations) {
    if (r.kind !== 'table') continue;
    if (r.schema === RAW_SCHEMA || r.schema === QUARANTINE_SCHEMA) {
      const split = r.name.indexOf('__');
      if (split < 0) continue;
      await ensureRawTable(db, r.name.slice(0, split), r.name.slice(split + 2), r.schema);
      made.add(key(r));
    }
  }
  for (const r of relations) {
    if (r.kind !== 'table' || r.schema !== STATE_SCHEMA) continue;
    await ensureStateTable(db, r.name);
    made.add(key(r));
  }
  if (relations.some((r) => r.schema === 'segments_store')) {
    await createStoreTables(db);
    for (const r of relations) if (r.schema === 'segments_store') made.add(key(r));
  }
  return made;
}

/**
 * Copies the embedded lake under `fromDir` into the configured lake, which must hold no data yet.
 * Stop the workers first: what lands in the old lake during the copy is not in the new one.
 */
export async function migrateLake(config: Pick<LoadedConfig, 'storage' | 'layout'>, fromDir: string, opts: { log?: (line: string) => void } = {}): Promise<MigratedLake> {
  const from = lakeLocation({}, dataLayout(fromDir));
  const catalogFile = from.catalog.slice('sqlite:'.length);
  if (!fs.existsSync(catalogFile)) throw new ConfigError(`lake migrate: ${fromDir} holds no embedded lake (no ${catalogFile})`);
  const to = lakeLocation(config.storage, config.layout);
  if (to.catalog === from.catalog) throw new ConfigError(`lake migrate: ${fromDir} holds the lake the config names already; point storage: at the new catalog and data path`);

  const lake = await openLake(config.storage, config.layout);
  return withLake(lake, async (db) => {
    await attachLake(db, {}, from, { readOnly: true, alias: SOURCE });
    try {
      const there = (await lakeRelations(db)).filter((r) => !OWN.has(key(r)));
      if (there.length > 0) {
        throw new ConfigError(`lake migrate: the lake the config names (catalog ${to.catalog}) already holds ${there.slice(0, 3).map(key).join(', ')}${there.length > 3 ? ', ...' : ''}; move into a new, empty lake`);
      }
      const relations = (await lakeRelations(db, undefined, catalogAlias(SOURCE))).filter((r) => !OWN.has(key(r)));
      // The segment store's files are zstd: its schema's settings are committed before its tables.
      if (relations.some((r) => r.schema === 'segments_store')) await createStoreSchema(db);
      const moved = await inLakeTransaction(db, async () => {
        const known = await createKnownTables(db, relations);
        const tables: MigratedLake['tables'] = [];
        for (const schema of new Set(relations.map((r) => r.schema))) await db.run(`CREATE SCHEMA IF NOT EXISTS ${LAKE}.${sqlIdent(schema)}`);
        for (const r of relations.filter((t) => t.kind === 'table')) {
          const reader = known.has(key(r))
            ? await db.runAndReadAll(`INSERT INTO ${qualified(LAKE, r)} BY NAME SELECT * FROM ${qualified(SOURCE, r)}`)
            : await db.runAndReadAll(`CREATE TABLE ${qualified(LAKE, r)} AS SELECT * FROM ${qualified(SOURCE, r)}`);
          tables.push({ schema: r.schema, name: r.name, rows: Number(reader.getRowObjectsJS()[0]?.Count ?? 0) });
        }
        // A published view reads other models by schema and name: the same names in the new lake.
        const views = (
          await db.runAndReadAll(
            `SELECT s.schema_name, v.view_name, v.sql FROM ${catalogAlias(SOURCE)}.ducklake_view v JOIN ${catalogAlias(SOURCE)}.ducklake_schema s USING (schema_id)
              WHERE v.end_snapshot IS NULL AND s.end_snapshot IS NULL ORDER BY v.view_id`,
          )
        ).getRowObjectsJS();
        for (const v of views) await db.run(`CREATE VIEW ${LAKE}.${sqlIdent(String(v.schema_name))}.${sqlIdent(String(v.view_name))} AS ${String(v.sql)}`);
        return { tables, views: views.length };
      });
      for (const t of moved.tables) opts.log?.(`${t.schema}.${t.name}: ${t.rows} rows`);
      return moved;
    } finally {
      await db.run(`DETACH ${SOURCE}`).catch(() => {});
      await db.run(`DETACH ${catalogAlias(SOURCE)}`).catch(() => {});
    }
  });
}

