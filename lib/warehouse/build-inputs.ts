import { DuckDBInstance, type DuckDBConnection } from '@duckdb/node-api';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { PROJECT_ROOT } from '../paths';
import type { ConfigRows } from './config-tables';
import type { ModelFile } from './model-files';

// What a warehouse was built from, kept in it as `config.build_inputs`: the lake and the snapshot
// of it whose raw tables it holds, a fingerprint of the models and settings that made it, and the
// time it computed "as of". The next build compares them with its own to decide what to redo.

/** What a built warehouse was built from. */
export interface BuildInputs {
  /** The lake's identity (a migrated lake is another). */
  lakeId: string;
  /** The lake snapshot whose raw tables the warehouse holds. */
  snapshot: bigint;
  /** inputsFingerprint of the models and settings the warehouse was built with. */
  fingerprint: string;
  /** `config.settings.built_at`: the time models computed "as of". */
  builtAt: Date;
}

export const BUILD_INPUTS = 'config.build_inputs';

const version = (): string => (JSON.parse(fs.readFileSync(path.join(PROJECT_ROOT, 'package.json'), 'utf8')) as { version: string }).version;

/**
 * A digest of everything but the lake's rows and the time that a build's output depends on: cdp's
 * version (its computed models and raw views), every model's file, and the config tables' rows.
 */
export function inputsFingerprint(models: readonly ModelFile[], config: ConfigRows): string {
  const modelParts = models.map((m) => [m.layer, m.name, m.materialized, m.sql, m.computedIn ?? null, m.batch ?? null]);
  return createHash('sha256').update(JSON.stringify({ version: version(), models: modelParts, config })).digest('hex');
}

/** Records in the warehouse being built what it is built from. */
export async function writeBuildInputs(db: DuckDBConnection, inputs: BuildInputs): Promise<void> {
  await db.run(`CREATE OR REPLACE TABLE ${BUILD_INPUTS} (lake_id VARCHAR NOT NULL, lake_snapshot BIGINT NOT NULL, inputs_fingerprint VARCHAR NOT NULL, built_at TIMESTAMPTZ NOT NULL)`);
  await db.run(`INSERT INTO ${BUILD_INPUTS} VALUES ($1, $2, $3, make_timestamptz($4::BIGINT * 1000))`, [
    inputs.lakeId, inputs.snapshot, inputs.fingerprint, inputs.builtAt.getTime(),
  ]);
}

/** What the warehouse file was built from; undefined when there is none, or it says nothing of it (a build of an older cdp). */
export async function readBuildInputs(warehouse: string): Promise<BuildInputs | undefined> {
  if (!fs.existsSync(warehouse)) return undefined;
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(warehouse, { access_mode: 'READ_ONLY' });
  } catch {
    return undefined;
  }
  try {
    const db = await instance.connect();
    try {
      const rows = (
        await db.runAndReadAll(`SELECT lake_id, lake_snapshot, inputs_fingerprint, epoch_ms(built_at) AS built_ms FROM ${BUILD_INPUTS}`)
      ).getRowObjects();
      const row = rows[0];
      if (rows.length !== 1 || !row) return undefined;
      return { lakeId: String(row.lake_id), snapshot: row.lake_snapshot as bigint, fingerprint: String(row.inputs_fingerprint), builtAt: new Date(Number(row.built_ms)) };
    } catch {
      return undefined;
    } finally {
      db.closeSync();
    }
  } finally {
    instance.closeSync();
  }
}
