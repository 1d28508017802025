import { z } from 'zod';
import type { RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

const port = z.coerce.number().int().min(1).max(65535);

/** Registers `cdp dev`. */
export const register: RegisterCommand = (program, ctx) => {
  program
    .command('dev')
    .description('start the persistent local Temporal dev server (UI on) in the background, or report the running one')
    .option('--port <port>', 'frontend port', '7233')
    .option('--ui-port <port>', 'web UI port', '8233')
    .action(async (raw) => {
      const { startLocalTemporal } = await import('../local-temporal');
      const flags = parseFlags('dev', z.object({ port, uiPort: port }), raw);
      const server = await startLocalTemporal(ctx.loadConfig(), flags);
      console.log(`${server.reused ? 'already running' : 'started'}: Temporal at ${server.address}, UI ${server.uiUrl}, log ${server.logFile}`);
    });
};
