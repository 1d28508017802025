import type { Command } from 'commander';
import { parseDocument } from 'yaml';
import { z } from 'zod';
import type { LoadedConfig } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import type { ExportFormat } from '../../lib/segments/audience';
import { checkTextNesting } from '../../lib/segments/definition';
import { temporalOptions, type RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

const segmentFlags = (cmd: Command) =>
  cmd
    .option('--environment <env>', 'live or sandbox')
    .option('--description <text>', 'what the segment is for')
    .option('--rules <yaml>', 'the rules, as YAML or JSON, e.g. \'{all: [{field: orders_count, op: equals, value: 3}]}\'');
const segmentFlagsSchema = z.object({ environment: z.enum(['live', 'sandbox']).optional(), description: z.string().optional(), rules: z.string().min(1).optional() });

/** Parses rules given on the command line as YAML (JSON is YAML too). */
export function parseRulesFlag(text: string): unknown {
  checkTextNesting(text, '--rules');
  const doc = parseDocument(text);
  if (doc.errors.length) throw new ConfigError(`--rules: not valid YAML or JSON: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

/** Writes a segment's export to a file, durably and whole or not at all; returns how many members it holds. */
export async function exportSegmentToFile(config: LoadedConfig, name: string, format: ExportFormat, out: string): Promise<number> {
  const { exportSegment } = await import('../../app/segment-members');
  const { writeFileAtomic } = await import('../../lib/fs-atomic');
  const { csv, members } = await exportSegment(config, name, format);
  await writeFileAtomic(out, csv);
  return members;
}

/** Registers `cdp segment` and its subcommands. */
export const register: RegisterCommand = (program, ctx) => {
  const segment = program.command('segment').description('customer segments: rules over tags, orders, spend, products and subscriptions (see `cdp segment fields`)');

  segment
    .command('list')
    .description('list the segments with their last materialization')
    .action(async () => {
      const { listSegments } = await import('../../app/segments');
      const { renderSegmentList } = await import('../render/segments');
      const config = ctx.loadConfig();
      process.stdout.write(renderSegmentList(await listSegments(config), config.timezone));
    });

  segment
    .command('show <name>')
    .description("print a segment's definition and last materialization; --members lists who is in it")
    .option('--members', 'list the members (name, email, zip, amount spent, discount received, promo codes, returned items, last order)')
    .option('--limit <n>', 'members to list', '50')
    .action(async (name: string, raw) => {
      const flags = parseFlags('segment show', z.object({ members: z.boolean().optional(), limit: z.coerce.number().int().min(1).max(1_000_000) }), raw);
      const { segmentDetail } = await import('../../app/segments');
      const { materializedMembers } = await import('../../app/segment-members');
      const { MEMBER_COLUMNS } = await import('../../lib/segments/member-columns');
      const { renderSegment } = await import('../render/segments');
      const config = ctx.loadConfig();
      const detail = await segmentDetail(config, name);
      const members = flags.members
        ? (await materializedMembers(config, detail.definition.name, MEMBER_COLUMNS, { limit: flags.limit, orderBy: 'amount_spent DESC NULLS LAST, c.customer_id' })).rows
        : undefined;
      process.stdout.write(renderSegment(config, detail, members));
    });

  segment
    .command('fields')
    .description('the rule language: every field, record kind and operator')
    .action(async () => {
      const { renderFields, renderCustomAttributes } = await import('../render/segments');
      const { customAttributeFields } = await import('../../app/segment-fields');
      process.stdout.write(renderFields() + renderCustomAttributes(await customAttributeFields(ctx.loadConfig())));
    });

  segment
    .command('preview <name-or-file>')
    .description("count a segment's members and show the first ones, without materializing (a name, or a .yaml file being written)")
    .option('--limit <n>', 'members to show', '10')
    .action(async (nameOrFile: string, raw) => {
      const flags = parseFlags('segment preview', z.object({ limit: z.coerce.number().int().min(0).max(10_000) }), raw);
      const { previewSegment } = await import('../../app/segments');
      const { renderPreview } = await import('../render/segments');
      const config = ctx.loadConfig();
      process.stdout.write(renderPreview(await previewSegment(config, nameOrFile, flags.limit), config.timezone));
    });

  segmentFlags(segment.command('create <name>').description('create segments/<name>.yaml from --rules, validated first')).action(async (name: string, raw) => {
    const flags = parseFlags('segment create', segmentFlagsSchema, raw);
    if (!flags.rules) throw new ConfigError('cdp segment create: --rules: required, e.g. --rules \'{any: [{has: tag, where: {field: tag, op: contains, value: vip}}]}\'');
    const { createSegment } = await import('../../app/segments');
    const { file } = createSegment(ctx.loadConfig(), { name, environment: flags.environment ?? 'live', description: flags.description, rules: parseRulesFlag(flags.rules) });
    console.log(`created ${file}; try it with \`cdp segment preview ${name}\``);
  });

  segmentFlags(segment.command('edit <name>').description('change a segment from flags, or in $EDITOR; saved only when valid')).action(async (name: string, raw) => {
    const flags = parseFlags('segment edit', segmentFlagsSchema, raw);
    const config = ctx.loadConfig();
    let file: string;
    if (flags.environment !== undefined || flags.description !== undefined || flags.rules !== undefined) {
      const { changeSegment } = await import('../../app/segments');
      file = changeSegment(config, name, { ...flags, rules: flags.rules === undefined ? undefined : parseRulesFlag(flags.rules) });
    } else file = (await import('../edit-in-editor')).editSegmentInEditor(config, name);
    console.log(`saved ${file}`);
  });

  segment
    .command('delete <name>')
    .description("delete a segment's file, with its members and membership history")
    .action(async (name: string) => {
      const { deleteSegment } = await import('../../app/segments');
      console.log((await deleteSegment(ctx.loadConfig(), name)).message);
    });

  temporalOptions(
    segment
      .command('materialize [name]')
      .description('recompute members and record entries and exits (all segments with --all or no name); runs in the build chain')
      .option('--all', 'every segment')
      .option('--local', 'in this process instead of through Temporal'),
  ).action(async (name: string | undefined, raw) => {
    const config = ctx.loadConfig();
    const { materializeLocally, runMaterializeSegments } = await import('../../app/builds');
    const { renderMaterialized } = await import('../render/segments');
    const names = name && !raw.all ? [name] : undefined;
    if (names) (await import('../../lib/segments/files')).findSegment(config, names[0]!);
    let result;
    if (raw.local) result = await materializeLocally(config, names);
    else {
      const { temporalTarget, withClient } = await import('../../app/temporal');
      const target = temporalTarget(raw, config);
      result = await withClient(target, (client) => runMaterializeSegments(client, names, target.taskQueue));
    }
    process.stdout.write(renderMaterialized(result));
  });

  segment
    .command('export <name>')
    .description("write a segment's members as CSV: basic (name, postal address), extended (everything), facebook (Meta customer list), email")
    .requiredOption('--format <format>', 'basic, extended, facebook or email')
    .requiredOption('--out <file>', 'the CSV file to write')
    .action(async (name: string, raw) => {
      const { exportFormatSchema } = await import('../../lib/segments/audience');
      const flags = parseFlags('segment export', z.object({ format: exportFormatSchema, out: z.string().min(1) }), raw);
      const count = await exportSegmentToFile(ctx.loadConfig(), name, flags.format, flags.out);
      console.log(`wrote ${count} member${count === 1 ? '' : 's'} of ${name} to ${flags.out} (${flags.format})`);
    });
};
