import type { RegisterCommand } from '../command-context';
import { info } from '../output';

/** Registers `cdp setup`. */
export const register: RegisterCommand = (program) => {
  program
    .command('setup')
    .description("make sure the Temporal CLI and DuckDB's lake extensions are here (pip-installed into .tools/ when missing)")
    .action(async () => {
      const { ensureTemporalCli } = await import('../../lib/temporal-cli');
      console.log(`temporal CLI: ${ensureTemporalCli(info)}`);
      const { ensureLakeExtensions } = await import('../../lib/lake/extensions');
      for (const [name, file] of Object.entries(ensureLakeExtensions(info))) console.log(`duckdb ${name}: ${file}`);
    });
};
