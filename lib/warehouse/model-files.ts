import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors';

/**
 * Model layers in build order. Intermediate models and reporting are views (the per-source branches
 * are read once, by the core model that unions them); the other layers are tables.
 */
export const LAYERS = ['staging', 'intermediate', 'core', 'marts', 'attribution', 'reporting'] as const;
export type Layer = (typeof LAYERS)[number];

const VIEW_LAYERS: readonly Layer[] = ['intermediate', 'reporting'];

/** One SQL model: a SELECT in `models/<layer>/<name>.sql`, with its grain and tests in header comments. */
export interface ModelFile {
  layer: Layer;
  name: string;
  file: string;
  sql: string;
  grain: string;
  /** How the build keeps it: views for intermediate, reporting and what a `-- materialized: view` line asks, tables otherwise. */
  materialized: 'view' | 'table';
  /** Models this one reads, found from `layer.name` references in its SQL. */
  dependsOn: string[];
  /** Columns (or comma-joined column sets) that must be unique, from `-- unique:` lines. */
  unique: string[];
  /** Columns that must never be NULL, from `-- not_null:` lines. */
  notNull: string[];
  /** A table computed in code instead of SQL (creates `layer.name` itself). */
  compute?: (db: import('@duckdb/node-api').DuckDBConnection) => Promise<void>;
}

const REF = new RegExp(`\\b(${LAYERS.join('|')})\\.([a-z_][a-z0-9_]*)\\b`, 'g');

function headerValues(sql: string, key: string): string[] {
  const values: string[] = [];
  for (const line of sql.split('\n')) {
    const match = line.match(new RegExp(`^--\\s*${key}:\\s*(.+)$`));
    if (match) values.push(match[1]!.trim());
  }
  return values;
}

/** Reads every model under a models folder. */
export function readModels(modelsDir: string): ModelFile[] {
  const models: ModelFile[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(modelsDir, layer);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      const file = path.join(dir, entry);
      const sql = fs.readFileSync(file, 'utf8');
      const name = entry.slice(0, -'.sql'.length);
      const grain = headerValues(sql, 'grain')[0];
      if (!grain) throw new ConfigError(`${file}: a model states its grain in a "-- grain: one row per ..." line`, file);
      const dependsOn = [...new Set([...sql.matchAll(REF)].map((m) => `${m[1]}.${m[2]}`))].filter((d) => d !== `${layer}.${name}`);
      const list = (key: string) => headerValues(sql, key).flatMap((v) => v.split(';').map((s) => s.trim()).filter(Boolean));
      const asked = headerValues(sql, 'materialized')[0];
      if (asked !== undefined && asked !== 'view' && asked !== 'table') {
        throw new ConfigError(`${file}: "-- materialized:" is view or table, not "${asked}"`, file);
      }
      const materialized = (asked ?? (VIEW_LAYERS.includes(layer) ? 'view' : 'table')) as 'view' | 'table';
      models.push({ layer, name, file, sql, grain, materialized, dependsOn, unique: list('unique'), notNull: list('not_null').flatMap((v) => v.split(',').map((s) => s.trim())) });
    }
  }
  return models;
}

/** Orders models so each runs after the models it reads; names an unknown reference or a cycle. */
export function orderModels(models: readonly ModelFile[]): ModelFile[] {
  const byKey = new Map(models.map((m) => [`${m.layer}.${m.name}`, m]));
  const ordered: ModelFile[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (key: string, from: string[]) => {
    if (state.get(key) === 'done') return;
    if (state.get(key) === 'visiting') throw new ConfigError(`models form a cycle: ${[...from, key].join(' -> ')}`);
    const model = byKey.get(key)!;
    state.set(key, 'visiting');
    for (const dep of model.dependsOn) {
      if (!byKey.has(dep)) throw new ConfigError(`${model.file}: reads ${dep}, which is no model (known: ${[...byKey.keys()].join(', ')})`, model.file);
      visit(dep, [...from, key]);
    }
    state.set(key, 'done');
    ordered.push(model);
  };
  for (const key of byKey.keys()) visit(key, []);
  return ordered;
}
