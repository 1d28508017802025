import path from 'node:path';
import { stringify } from 'yaml';
import type { LastRun, SegmentPreview } from '../../app/segments';
import type { LoadedConfig } from '../../lib/config';
import { AMOUNTS_IN_CURRENCY, AMOUNT_IN_CURRENCY_OPERATORS } from '../../lib/segments/amounts-in-currency';
import { CUSTOMER_FIELDS, ENTITIES, OPERATOR_HELP, OPERATORS } from '../../lib/segments/catalog';
import { CUSTOMER_SEGMENT, type LoadedSegment } from '../../lib/segments/files';
import type { MaterializeResult } from '../../lib/segments/materialize';
import { formatInZone } from '../../lib/time-format';
import { compactTable } from './table';

type Row = Record<string, unknown>;
type WithRun = LoadedSegment & { lastRun?: LastRun };

/** Rows as a table, times in the account's zone; `(no rows)` when there are none. */
export function renderRows(rows: Row[], timezone: string): string {
  if (rows.length === 0) return '(no rows)\n';
  const columns = Object.keys(rows[0]!);
  const table = compactTable(columns);
  const cell = (v: unknown) => (v === null || v === undefined ? '' : v instanceof Date ? formatInZone(v, timezone) : Array.isArray(v) ? v.join(', ') : String(v));
  for (const row of rows) table.push(columns.map((c) => cell(row[c])));
  return `${table.toString()}\n`;
}

/** The count and first members of a preview. */
export function renderPreview(p: SegmentPreview, timezone: string): string {
  return `${p.segment.name} (${p.segment.environment}): ${p.count} member${p.count === 1 ? '' : 's'} (computed in ${p.ms} ms, not materialized)\n${renderRows(p.rows, timezone)}`;
}

/** Every segment with its last materialization, then the files that are not valid segments. */
export function renderSegmentList(list: { segments: WithRun[]; errors: Error[] }, timezone: string): string {
  const table = compactTable(['segment', 'environment', 'members', 'entered', 'exited', 'materialized', 'definition']);
  for (const { definition, file, lastRun: run } of list.segments) {
    table.push([
      definition.name,
      definition.environment,
      run ? String(run.members) : '',
      run ? String(run.entered) : '',
      run ? String(run.exited) : '',
      run ? formatInZone(run.materializedAt, timezone) : 'never',
      file ? path.relative(process.cwd(), file) : 'generated from config `customers`',
    ]);
  }
  const invalid = list.errors.map((e) => `invalid: ${e.message}`).join('\n');
  return `${table.toString()}\n${invalid ? `${invalid}\n` : ''}`;
}

/** A segment's definition as its file holds it, its last materialization, and the members when given. */
export function renderSegment(config: LoadedConfig, segment: WithRun, members?: Row[]): string {
  const { definition, file, lastRun: run } = segment;
  const lines = [
    `# ${file ? path.relative(process.cwd(), file) : `generated from ${path.relative(process.cwd(), config.file)} (customers); \`cdp segment edit ${CUSTOMER_SEGMENT}\` writes it to a file`}`,
    stringify({ name: definition.name, environment: definition.environment, ...(definition.description ? { description: definition.description } : {}), rules: definition.rules }, { lineWidth: 0 }).trimEnd(),
    run
      ? `# materialized ${formatInZone(run.materializedAt, config.timezone)}: ${run.members} members (${run.entered} entered, ${run.exited} exited)`
      : '# not materialized yet',
  ];
  let out = `${lines.join('\n')}\n`;
  if (members) out += renderRows(members.map(({ from_backfill: _, ...r }) => r), config.timezone);
  return out;
}

/** One line per segment materialized, removed or failed, then when and how long. */
export function renderMaterialized(result: MaterializeResult): string {
  const lines = result.segments.map(
    (s) => `${s.segment.padEnd(28)} ${s.environment.padEnd(8)} ${String(s.members).padStart(8)} members  +${s.entered} -${s.exited}  (${s.durationMs} ms)`,
  );
  for (const r of result.removed) lines.push(`${r.padEnd(28)} removed: its file is gone, so its members and history were deleted`);
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
  out.push(
    '',
    `Amounts in one currency ({field, currency, op, value}): ${Object.keys(AMOUNTS_IN_CURRENCY).join(', ')} take a three-letter ISO 4217 code`,
    '  (currency: USD) and read only the orders paid in it, exact, never converted: {field: amount_spent_in, currency: USD, op: between, value: [100, 1000]}.',
    "  The value is in major units of that currency, no finer than its minor unit (JPY whole yen, USD cents, KWD three decimals);",
    `  a person without orders in it has 0. Operators: ${AMOUNT_IN_CURRENCY_OPERATORS.join(', ')}.`,
  );
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
