import type { DuckDBConnection } from '@duckdb/node-api';
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

/** A table computed in code where SQL is the wrong tool; its grain and tests live in its file under `models/`. */
export interface ComputedModel {
  layer: Layer;
  name: string;
  /** The code that computes it, from the project root: what its file's `-- computed in:` line names. */
  computedIn: string;
  /** Models its queries read. */
  dependsOn: string[];
  /** Creates the table `layer.name`. */
  compute: (db: DuckDBConnection) => Promise<void>;
  /** Whether it computes as of the build's time (`config.settings.built_at`). */
  readsBuildTime?: boolean;
}

/** One model: a SELECT in `models/<layer>/<name>.sql`, or a computed table, with its grain and tests in header comments. */
export interface ModelFile {
  layer: Layer;
  name: string;
  file: string;
  sql: string;
  grain: string;
  /** How the build keeps it: views for intermediate, reporting and what a `-- materialized: view` line asks, tables otherwise. */
  materialized: 'view' | 'table';
  /** Models this one reads, found from `layer.name` references in its SQL (a computed model's from its code). */
  dependsOn: string[];
  /** The raw tables it reads (`raw.<source>__<stream>` or `raw_latest.…`), as `<source>__<stream>`. */
  rawInputs: string[];
  /** Whether it computes as of the build's time (`built_at` of `config.settings`): a later build computes it again. */
  readsBuildTime: boolean;
  /** Columns (or comma-joined column sets) that must be unique, from `-- unique:` lines. */
  unique: string[];
  /** Columns that must never be NULL, from `-- not_null:` lines. */
  notNull: string[];
  /** For a computed model: the code that computes it, from the file's `-- computed in:` line. */
  computedIn?: string;
  /** For a computed model: creates `layer.name` instead of a SELECT. */
  compute?: (db: DuckDBConnection) => Promise<void>;
  /** From a `-- batched by:` line: build the table in parts, each over a range of one input's key. */
  batch?: ModelBatch;
}

/**
 * A table whose rows for one value of `column` depend only on `input`'s rows with that value (and on
 * other inputs read whole): the build runs it over one range of `column` at a time when `input` holds
 * more rows than the memory limit over `bytesPerRow`, so its joins and windows fit in memory.
 */
export interface ModelBatch {
  column: string;
  input: string;
  bytesPerRow: number;
}

/** A reference to a raw table or its newest-version view: `raw.<source>__<stream>` or `raw_latest.…`. */
const RAW_REF = /\braw(?:_latest)?\.([a-z0-9]+(?:_[a-z0-9]+)*__[a-z0-9_]+)/g;

const REF = new RegExp(`\\b(${LAYERS.join('|')})\\.([a-z_][a-z0-9_]*)\\b`, 'g');

function headerValues(sql: string, key: string): string[] {
  const values: string[] = [];
  for (const line of sql.split('\n')) {
    const match = line.match(new RegExp(`^--\\s*${key}:\\s*(.+)$`));
    if (match) values.push(match[1]!.trim());
  }
  return values;
}

const keyOf = (m: { layer: string; name: string }) => `${m.layer}.${m.name}`;

/** The parts of a computed model that its file declares, checked against the computation it names. */
function bindComputed(
  file: string,
  key: string,
  sql: string,
  computedIn: string,
  computed: readonly ComputedModel[],
): Pick<ModelFile, 'sql' | 'dependsOn' | 'rawInputs' | 'readsBuildTime' | 'computedIn' | 'compute'> {
  const model = computed.find((c) => keyOf(c) === key);
  if (!model) {
    const known = computed.map(keyOf).join(', ') || 'none';
    throw new ConfigError(
      `${file}: "-- computed in: ${computedIn}" names no model computed in code (computed models: ${known}); register ${key} in lib/warehouse/computed-models.ts or make the file a SELECT without that line`,
      file,
    );
  }
  if (model.computedIn !== computedIn) {
    throw new ConfigError(`${file}: says "-- computed in: ${computedIn}", but ${key} is computed in ${model.computedIn}; correct the line`, file);
  }
  const body = sql.split('\n').find((line) => line.trim() !== '' && !line.trimStart().startsWith('--'));
  if (body !== undefined) {
    throw new ConfigError(`${file}: a computed model's file holds only header comments (its body is ${computedIn}), but has "${body.trim()}"`, file);
  }
  return { sql: '', dependsOn: model.dependsOn, rawInputs: [], readsBuildTime: model.readsBuildTime ?? false, computedIn, compute: model.compute };
}

function readModel(file: string, layer: Layer, name: string, computed: readonly ComputedModel[]): ModelFile {
  const sql = fs.readFileSync(file, 'utf8');
  const grain = headerValues(sql, 'grain')[0];
  if (!grain) throw new ConfigError(`${file}: a model states its grain in a "-- grain: one row per ..." line`, file);
  const list = (key: string) => headerValues(sql, key).flatMap((v) => v.split(';').map((s) => s.trim()).filter(Boolean));
  const tests = { unique: list('unique'), notNull: list('not_null').flatMap((v) => v.split(',').map((s) => s.trim())) };
  const asked = headerValues(sql, 'materialized')[0];
  if (asked !== undefined && asked !== 'view' && asked !== 'table') {
    throw new ConfigError(`${file}: "-- materialized:" is view or table, not "${asked}"`, file);
  }
  const computedIn = headerValues(sql, 'computed in')[0];
  if (computedIn !== undefined) {
    if (asked === 'view') throw new ConfigError(`${file}: a model computed in code is a table; remove "-- materialized: view"`, file);
    return { layer, name, file, grain, materialized: 'table', ...tests, ...bindComputed(file, `${layer}.${name}`, sql, computedIn, computed) };
  }
  // The `-- batched by:` line names an input; the model must read it elsewhere.
  const body = sql.replace(/^--\s*batched by:.*$/gm, '');
  const dependsOn = [...new Set([...body.matchAll(REF)].map((m) => `${m[1]}.${m[2]}`))].filter((d) => d !== `${layer}.${name}`);
  const materialized = asked ?? (VIEW_LAYERS.includes(layer) ? 'view' : 'table');
  const batch = readBatch(file, sql, materialized, dependsOn);
  const rawInputs = [...new Set([...body.matchAll(RAW_REF)].map((m) => m[1]!))];
  const readsBuildTime = /\bbuilt_at\b/.test(body.replace(/^\s*--.*$/gm, ''));
  return { layer, name, file, sql, grain, materialized, dependsOn, rawInputs, readsBuildTime, ...tests, ...(batch ? { batch } : {}) };
}

const BATCH_LINE = /^([a-z_][a-z0-9_]*) of ([a-z_]+\.[a-z_][a-z0-9_]*), (\d+) bytes a row$/;

function readBatch(file: string, sql: string, materialized: ModelFile['materialized'], dependsOn: string[]): ModelBatch | undefined {
  const line = headerValues(sql, 'batched by')[0];
  if (line === undefined) return undefined;
  const match = line.match(BATCH_LINE);
  if (!match) {
    throw new ConfigError(`${file}: "-- batched by:" reads "<column> of <layer>.<model>, <n> bytes a row", not "${line}"`, file);
  }
  const [, column, input, bytes] = match as unknown as [string, string, string, string];
  if (materialized !== 'table') throw new ConfigError(`${file}: only a table is built in batches; remove "-- batched by:" or "-- materialized: view"`, file);
  if (!dependsOn.includes(input)) throw new ConfigError(`${file}: "-- batched by:" names ${input}, which the model does not read`, file);
  if (Number(bytes) < 1) throw new ConfigError(`${file}: "-- batched by:" needs at least 1 byte a row`, file);
  return { column, input, bytesPerRow: Number(bytes) };
}

/**
 * Reads every model under a models folder, binding each `-- computed in:` file to its computed model.
 * A computed model whose inputs are all in the folder must have its file.
 */
export function readModels(modelsDir: string, computed: readonly ComputedModel[] = []): ModelFile[] {
  const models: ModelFile[] = [];
  for (const layer of LAYERS) {
    const dir = path.join(modelsDir, layer);
    if (!fs.existsSync(dir)) continue;
    for (const entry of fs.readdirSync(dir).filter((f) => f.endsWith('.sql')).sort()) {
      models.push(readModel(path.join(dir, entry), layer, entry.slice(0, -'.sql'.length), computed));
    }
  }
  const present = new Set(models.map(keyOf));
  for (const c of computed) {
    if (present.has(keyOf(c)) || !c.dependsOn.every((d) => present.has(d))) continue;
    const file = path.join(modelsDir, c.layer, `${c.name}.sql`);
    throw new ConfigError(
      `${keyOf(c)} is computed in ${c.computedIn} but has no file: add ${file} with its "-- grain:", "-- computed in: ${c.computedIn}" and its tests`,
      file,
    );
  }
  return models;
}

/** Orders models so each runs after the models it reads; names an unknown reference or a cycle. */
export function orderModels(models: readonly ModelFile[]): ModelFile[] {
  const byKey = new Map(models.map((m) => [keyOf(m), m]));
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
