import { z } from 'zod';
import { MODELS } from '../../lib/report/attribution-data';
import type { RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

/** Writes a report to `--out` whole (through a temporary file), or to stdout. */
async function emit(text: string, out: string | undefined): Promise<void> {
  if (out === undefined) {
    process.stdout.write(text);
    return;
  }
  const { writeFileAtomic } = await import('../../lib/fs-atomic');
  await writeFileAtomic(out, text);
  console.log(`wrote ${out}`);
}

const touchpointSchema = z
  .string()
  .regex(/^(source|medium|campaign)=.+$/, 'source=<value>, medium=<value> or campaign=<value>')
  .transform((t) => ({ field: t.slice(0, t.indexOf('=')) as 'source' | 'medium' | 'campaign', value: t.slice(t.indexOf('=') + 1) }));

/** Registers `cdp report` and its reports. */
export const register: RegisterCommand = (program, ctx) => {
  const report = program.command('report').description('reports over the warehouse: attribution by campaign, orders by day');

  report
    .command('attribution')
    .description('leads, customers, invoiced and collected revenue, spend, CPL, CPA and ROAS per campaign under each attribution model')
    .option('--model <names>', `comma-separated models (default all): ${MODELS.join(', ')}`)
    .option('--all', 'every model (the default)')
    .option('--from <day>', 'first day, YYYY-MM-DD in the account time zone')
    .option('--to <day>', 'last day, inclusive')
    .option('--by <grouping>', 'campaign, platform, source or medium', 'campaign')
    .option('--environment <env>', 'live or sandbox (default live when a connection is live)')
    .option('-f, --format <format>', 'table, csv, json or html', 'table')
    .option('--out <file>', 'write to a file instead of the terminal (html: the self-contained page)')
    .action(async (raw) => {
      const { attributionReport, daySchema, groupingSchema, parseModels, reportEnvironment } = await import('../../app/reports');
      const { renderAttributionReport, reportFormatSchema } = await import('../render/reports');
      const flags = parseFlags(
        'report attribution',
        z.object({
          model: z.string().optional(),
          all: z.boolean().optional(),
          from: daySchema.optional(),
          to: daySchema.optional(),
          by: groupingSchema,
          environment: z.enum(['live', 'sandbox']).optional(),
          format: reportFormatSchema,
          out: z.string().min(1).optional(),
        }),
        raw,
      );
      const config = ctx.loadConfig();
      const data = await attributionReport(config, { environment: reportEnvironment(config, flags.environment), models: parseModels(flags.all ? undefined : flags.model), by: flags.by, from: flags.from, to: flags.to });
      await emit(renderAttributionReport(data, flags.format), flags.out);
    });

  report
    .command('orders')
    .description('orders that took money, by day in the account time zone, optionally for people with a CRM tag or a touchpoint')
    .option('--from <day>', 'first day, YYYY-MM-DD')
    .option('--to <day>', 'last day, inclusive')
    .option('--tag <tag>', 'only people with this CRM tag (case-insensitive)')
    .option('--touchpoint <field=value>', 'only people with a touch whose source, medium or campaign is the value, e.g. source=facebook')
    .option('--environment <env>', 'live or sandbox')
    .option('-f, --format <format>', 'table, csv or json', 'table')
    .option('--out <file>', 'write to a file instead of the terminal')
    .action(async (raw) => {
      const { daySchema, ordersReport, reportEnvironment } = await import('../../app/reports');
      const { renderOrdersReport } = await import('../render/reports');
      const flags = parseFlags(
        'report orders',
        z.object({
          from: daySchema.optional(),
          to: daySchema.optional(),
          tag: z.string().min(1).optional(),
          touchpoint: touchpointSchema.optional(),
          environment: z.enum(['live', 'sandbox']).optional(),
          format: z.enum(['table', 'csv', 'json']),
          out: z.string().min(1).optional(),
        }),
        raw,
      );
      const config = ctx.loadConfig();
      const result = await ordersReport(config, { environment: reportEnvironment(config, flags.environment), from: flags.from, to: flags.to, tag: flags.tag, touchpoint: flags.touchpoint });
      await emit(renderOrdersReport(result, flags.format), flags.out);
    });
};
