import { DuckDBInstance } from '@duckdb/node-api';
import Table from 'cli-table3';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseDocument, stringify } from 'yaml';
import type { MaterializeResult } from '../../lib/segments/materialize';
import { openWarehouseReadOnly } from '../../lib/warehouse/open-read-only';
import { historySource, runsSource, segmentStore } from '../../lib/segments/segment-store';
import type { LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { audienceCsv, type ExportFormat } from '../../lib/segments/audience';
import { CUSTOMER_FIELDS, currencyFactorSql, ENTITIES, OPERATOR_HELP, OPERATORS } from '../../lib/segments/catalog';
import { compileSegment } from '../../lib/segments/compile';
import { validateDefinition, type SegmentDefinition } from '../../lib/segments/definition';
import { CUSTOMER_SEGMENT, findSegment, loadSegments, segmentPath, writeSegment } from '../../lib/segments/files';
import { formatInZone } from '../time-format';
import { COMPACT } from './query';

/** The columns a segment owner expects in a member list. */
export const MEMBER_COLUMNS = `c.customer_id,
  trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.email, c.zip,
  round(m.amount_spent_minor / ${currencyFactorSql('m.currency')}, 2) as amount_spent,
  round(m.discount_received_minor / ${currencyFactorSql('m.currency')}, 2) as discount_received,
  m.currency, m.promo_codes_used, m.negative_feedbacks, m.returned_items, m.last_order_at`;

/** Everything cdp knows of a person, for the extended export. */
const EXTENDED_COLUMNS = `c.customer_id, c.environment, c.email, c.first_name, c.last_name,
  trim(concat_ws(' ', c.first_name, c.last_name)) as name, c.phone, c.zip, c.city, c.country,
  c.sources, c.source_count, c.in_crm, c.first_seen_at, m.is_customer, m.orders_count, m.discounted_orders, m.undiscounted_orders, m.currency,
  round(m.amount_spent_minor / ${currencyFactorSql('m.currency')}, 2) as amount_spent,
  round(m.net_revenue_minor / ${currencyFactorSql('m.currency')}, 2) as net_revenue,
  round(m.discount_received_minor / ${currencyFactorSql('m.currency')}, 2) as discount_received,
  round(m.refunded_amount_minor / ${currencyFactorSql('m.currency')}, 2) as refunded_amount,
  m.unconverted_currencies, m.promo_codes_used, m.negative_feedbacks, m.returned_items, m.first_order_at, m.last_order_at,
  m.active_subscriptions, m.cancelled_subscriptions, m.abandoned_checkouts, m.promotion_orders,
  round(m.promotion_accrued_discounts_minor / ${currencyFactorSql('m.currency')}, 2) as promotion_accrued_discounts,
  m.loyalty_points_active, m.loyalty_points_pending, m.loyalty_points_expiring_30d`;

type Row = Record<string, unknown>;

function render(rows: Row[], timezone: string): string {
  if (rows.length === 0) return '(no rows)\n';
  const columns = Object.keys(rows[0]!);
  const table = new Table({ head: columns, style: { head: [], border: [] }, chars: COMPACT });
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? formatInZone(v, timezone) : Array.isArray(v) ? v.join(', ') : String(v));
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  return `${table.toString()}\n`;
}

/** Runs the segment's rules on the warehouse without materializing: the count and the first members. */
export async function previewSegment(config: LoadedConfig, nameOrFile: string, limit: number): Promise<{ segment: SegmentDefinition; count: number; rows: Row[]; ms: number }> {
  return previewDefinition(config, findSegment(config, nameOrFile).definition, limit);
}

/** Counts a validated definition's members in the warehouse now and lists the first of them, without materializing it. */
export async function previewDefinition(config: LoadedConfig, definition: SegmentDefinition, limit: number): Promise<{ segment: SegmentDefinition; count: number; rows: Row[]; ms: number }> {
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    const started = Date.now();
    const ctx = { now: new Date(), timezone: config.timezone };
    const members = compileSegment(definition, ctx, MEMBER_COLUMNS);
    await db.run(`CREATE TEMP TABLE preview AS ${members.sql}`, members.params);
    const count = Number((await db.runAndReadAll('SELECT count(*) AS n FROM preview')).getRowObjectsJS()[0]!.n);
    const rows = (await db.runAndReadAll('SELECT * FROM preview ORDER BY amount_spent DESC NULLS LAST, customer_id LIMIT ?', [limit])).getRowObjectsJS();
    return { segment: definition, count, rows, ms: Date.now() - started };
  } finally {
    close();
  }
}

export function renderPreview(p: Awaited<ReturnType<typeof previewSegment>>, timezone: string): string {
  return `${p.segment.name} (${p.segment.environment}): ${p.count} member${p.count === 1 ? '' : 's'} (computed in ${p.ms} ms, not materialized)\n${render(p.rows, timezone)}`;
}

/** The materialized members of a segment with the given columns; an error when it was never materialized. */
export async function materializedMembers(config: LoadedConfig, name: string, columns: string, opts: { limit?: number; orderBy?: string } = {}): Promise<{ columns: string[]; rows: Row[] }> {
  const store = segmentStore(config.layout);
  const { db, close } = await openWarehouseReadOnly(config.layout.warehouse);
  try {
    const runs = (await db.runAndReadAll(`SELECT count(*) AS n FROM ${runsSource(store)} WHERE segment = ?`, [name])).getRowObjectsJS();
    if (Number(runs[0]!.n) === 0) throw new ConfigError(`segment "${name}" has not been materialized yet; run \`cdp segment materialize ${name}\``);
    const limit = opts.limit ? ` LIMIT ${Math.trunc(opts.limit)}` : '';
    const reader = await db.runAndReadAll(
      `SELECT ${columns}, h.entered_at AS member_since, h.from_backfill
       FROM ${historySource(store)} AS h
       JOIN core.customers AS c USING (customer_id)
       JOIN marts.customer_metrics AS m USING (customer_id)
       WHERE h.segment = ? AND h.exited_at IS NULL
       ORDER BY ${opts.orderBy ?? 'c.customer_id'}${limit}`,
      [name],
    );
    return { columns: reader.columnNames(), rows: reader.getRowObjectsJS() };
  } finally {
    close();
  }
}

export async function exportSegment(config: LoadedConfig, name: string, format: ExportFormat, out: string): Promise<number> {
  const { definition } = findSegment(config, name);
  const { columns: extended, rows } = await materializedMembers(config, definition.name, EXTENDED_COLUMNS);
  fs.mkdirSync(path.dirname(path.resolve(out)), { recursive: true });
  const tmp = `${out}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, audienceCsv(format, rows, extended));
  fs.renameSync(tmp, out);
  return rows.length;
}

/** Reads the run log (materializations) without the warehouse. */
async function lastRuns(config: LoadedConfig): Promise<Map<string, Row>> {
  const store = segmentStore(config.layout);
  const instance = await DuckDBInstance.create(':memory:');
  const db = await instance.connect();
  try {
    const rows = (
      await db.runAndReadAll(`SELECT * FROM ${runsSource(store)} QUALIFY row_number() OVER (PARTITION BY segment ORDER BY materialized_at DESC) = 1`)
    ).getRowObjectsJS();
    return new Map(rows.map((r) => [String(r.segment), r]));
  } finally {
    db.closeSync();
    instance.closeSync();
  }
}

export async function renderSegmentList(config: LoadedConfig): Promise<string> {
  const { segments, errors } = loadSegments(config);
  const runs = await lastRuns(config);
  const table = new Table({ head: ['segment', 'environment', 'members', 'entered', 'exited', 'materialized', 'definition'], style: { head: [], border: [] }, chars: COMPACT });
  for (const { definition, file } of segments) {
    const run = runs.get(definition.name);
    table.push([
      definition.name,
      definition.environment,
      run ? String(run.members) : '',
      run ? String(run.entered) : '',
      run ? String(run.exited) : '',
      run ? formatInZone(run.materialized_at as Date, config.timezone) : 'never',
      file ? path.relative(process.cwd(), file) : 'generated from config `customers`',
    ]);
  }
  const invalid = errors.map((e) => `invalid: ${e.message}`).join('\n');
  return `${table.toString()}\n${invalid ? `${invalid}\n` : ''}`;
}

export async function renderSegment(config: LoadedConfig, name: string, members: { show: boolean; limit: number }): Promise<string> {
  const { definition, file } = findSegment(config, name);
  const run = (await lastRuns(config)).get(definition.name);
  const lines = [
    `# ${file ? path.relative(process.cwd(), file) : `generated from ${path.relative(process.cwd(), config.file)} (customers); \`cdp segment edit ${CUSTOMER_SEGMENT}\` writes it to a file`}`,
    stringify({ name: definition.name, environment: definition.environment, ...(definition.description ? { description: definition.description } : {}), rules: definition.rules }, { lineWidth: 0 }).trimEnd(),
    run
      ? `# materialized ${formatInZone(run.materialized_at as Date, config.timezone)}: ${run.members} members (${run.entered} entered, ${run.exited} exited)`
      : '# not materialized yet',
  ];
  let out = `${lines.join('\n')}\n`;
  if (members.show) {
    const { rows } = await materializedMembers(config, definition.name, MEMBER_COLUMNS, { limit: members.limit, orderBy: 'amount_spent DESC NULLS LAST, c.customer_id' });
    out += render(rows.map(({ from_backfill: _, ...r }) => r), config.timezone);
  }
  return out;
}

export function renderMaterialized(result: MaterializeResult): string {
  const lines = result.segments.map(
    (s) => `${s.segment.padEnd(28)} ${s.environment.padEnd(8)} ${String(s.members).padStart(8)} members  +${s.entered} -${s.exited}  (${s.durationMs} ms)`,
  );
  for (const r of result.removed) lines.push(`${r.padEnd(28)} removed: its members exited`);
  for (const f of result.failed) lines.push(`not materialized: ${f.segment}: ${f.error}`);
  lines.push(`materialized at ${result.materializedAt} in ${(result.durationMs / 1000).toFixed(1)} s`);
  return `${lines.join('\n')}\n`;
}

/** The rule language: every field, record kind and operator, as `cdp segment fields` prints it. */
export function renderFields(): string {
  const out: string[] = ['Customer fields ({field, op, value}):'];
  const width = Math.max(...[CUSTOMER_FIELDS, ...Object.values(ENTITIES).map((e) => e.fields)].flatMap((fields) => Object.keys(fields).map((n) => n.length)));
  const field = (name: string, spec: { type: string; description: string; choices?: readonly string[] }) =>
    `  ${name.padEnd(width)} ${spec.type.padEnd(8)} ${spec.description}${spec.choices ? ` (${spec.choices.join(', ')})` : ''}`;
  for (const [name, spec] of Object.entries(CUSTOMER_FIELDS)) out.push(field(name, spec));
  for (const [name, entity] of Object.entries(ENTITIES)) {
    out.push('', `Records: {has: ${name}, where: <rules over these fields>, count: {op, value}}: ${entity.description}`);
    for (const [f, spec] of Object.entries(entity.fields)) out.push(field(f, spec));
  }
  out.push('', 'Operators by type:');
  for (const [type, ops] of Object.entries(OPERATORS)) out.push(`  ${type.padEnd(8)} ${ops.join(', ')}`);
  out.push('');
  for (const [op, help] of Object.entries(OPERATOR_HELP)) out.push(`  ${op.padEnd(20)} ${help}`);
  return `${out.join('\n')}\n`;
}

/** Parses rules given on the command line as YAML (JSON is YAML too). */
export function parseRulesFlag(text: string): unknown {
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigError(`--rules: not valid YAML or JSON: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

export function createSegment(config: LoadedConfig, name: string, flags: { environment: string; description?: string; rules: unknown }): string {
  const file = segmentPath(config, name);
  if (fs.existsSync(file)) throw new ConfigError(`segment "${name}" already exists (${file}); use \`cdp segment edit ${name}\``);
  const definition = validateDefinition({ name, environment: flags.environment, description: flags.description, rules: flags.rules }, `segment ${name}`);
  return writeSegment(config, definition);
}

/** Changes parts of a definition from flags, or opens it in $VISUAL/$EDITOR; nothing is saved unless the result is valid. */
export function editSegment(config: LoadedConfig, name: string, flags: { environment?: string; description?: string; rules?: unknown }): string {
  const { definition } = findSegment(config, name);
  if (flags.environment !== undefined || flags.description !== undefined || flags.rules !== undefined) {
    const next = validateDefinition(
      {
        name: definition.name,
        environment: flags.environment ?? definition.environment,
        description: flags.description ?? definition.description,
        rules: flags.rules ?? definition.rules,
      },
      `segment ${name}`,
    );
    return writeSegment(config, next);
  }
  const editor = process.env.VISUAL ?? process.env.EDITOR;
  if (!editor || !process.stdin.isTTY) throw new ConfigError('give --rules, --description or --environment, or set $EDITOR and run in a terminal to edit the file');
  const draft = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'cdp-segment-')), `${definition.name}.yaml`);
  fs.writeFileSync(draft, stringify(definition, { lineWidth: 0 }));
  const run = spawnSync(editor, [draft], { stdio: 'inherit', shell: true });
  if (run.status !== 0) throw new ConfigError(`${editor} exited with ${run.status}; nothing saved (your draft: ${draft})`);
  const raw = parseDocument(fs.readFileSync(draft, 'utf8')).toJS() as Row;
  let next: SegmentDefinition;
  try {
    next = validateDefinition({ ...raw, name: definition.name }, draft);
  } catch (err) {
    throw new ConfigError(`${(err as Error).message}\nnothing saved; fix your draft and run \`cdp segment create ${definition.name}\` or edit again (draft: ${draft})`);
  }
  return writeSegment(config, next);
}

export function deleteSegment(config: LoadedConfig, name: string): string {
  const file = segmentPath(config, name);
  if (!fs.existsSync(file)) {
    if (name === CUSTOMER_SEGMENT) throw new ConfigError(`the ${CUSTOMER_SEGMENT} segment is generated from the config's customers section; there is no file to delete`);
    findSegment(config, name);
  }
  fs.rmSync(file);
  return name === CUSTOMER_SEGMENT
    ? `deleted ${file}; the ${CUSTOMER_SEGMENT} segment follows the config's customers section again`
    : `deleted ${file}; its members exit at the next materialization`;
}
