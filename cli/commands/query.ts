import { z } from 'zod';
import type { RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

/** Registers `cdp query`. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('query <sql>')
    .description('run read-only SQL on the warehouse (tables: core.customers, core.orders, staging.*, raw.*)')
    .option('-f, --format <format>', 'table, csv or json', 'table')
    .action(async (sql: string, raw) => {
      const { queryFormatSchema, renderResult } = await import('../render/query');
      const flags = parseFlags('query', z.object({ format: queryFormatSchema }), raw);
      const { queryWarehouse } = await import('../../app/query');
      const config = ctx.loadConfig();
      process.stdout.write(renderResult(await queryWarehouse(config, sql, config.timezone), flags.format));
    });
};
