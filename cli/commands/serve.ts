import { z } from 'zod';
import { temporalOptions, type RegisterCommand } from '../command-context';
import { DEFAULT_SERVE_PORT, parseFlags } from '../flags';
import { info } from '../output';

/** Registers `cdp serve`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('serve')
      .description('serve the web app: sign-in, segment builder with live counts, members and exports, sharing, attribution dashboard, connections')
      .option('--host <host>', 'address to listen on', '127.0.0.1')
      .option('--port <port>', 'port to listen on', String(DEFAULT_SERVE_PORT)),
  ).action(async (raw) => {
    const flags = parseFlags('serve', z.object({ host: z.string().min(1), port: z.coerce.number().int().min(0).max(65535) }).loose(), raw);
    const { startServer } = await import('../../server/start-server');
    const { temporalTarget } = await import('../../app/temporal');
    const config = ctx.loadConfig();
    const server = await startServer(config, { host: flags.host, port: flags.port, temporal: temporalTarget(raw, config), log: info });
    console.log(`cdp serve: ${server.url} (add a user with \`cdp user add <email>\`; Ctrl-C stops it)`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};
