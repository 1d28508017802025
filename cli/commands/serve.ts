import { z } from 'zod';
import { hostNameSchema, proxyAddressSchema } from '../../lib/config-schema';
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
      .option('--port <port>', 'port to listen on', String(DEFAULT_SERVE_PORT))
      .option('--trusted-proxy <address...>', 'TLS proxy address or CIDR range whose X-Forwarded-* headers count (adds to serve.trusted_proxies)')
      .option('--allowed-host <name...>', 'host name the app answers to (adds to serve.allowed_hosts)'),
  ).action(async (raw) => {
    const flags = parseFlags(
      'serve',
      z
        .object({
          host: z.string().min(1),
          port: z.coerce.number().int().min(0).max(65535),
          trustedProxy: z.array(proxyAddressSchema).default([]),
          allowedHost: z.array(hostNameSchema).default([]),
        })
        .loose(),
      raw,
    );
    const { startServer } = await import('../../server/start-server');
    const { temporalTarget } = await import('../../app/temporal');
    const config = ctx.loadConfig();
    const serve = { trustedProxies: flags.trustedProxy, allowedHosts: flags.allowedHost };
    const server = await startServer(config, { host: flags.host, port: flags.port, temporal: temporalTarget(raw, config), log: info, serve });
    console.log(`cdp serve: ${server.url} (add a user with \`cdp user add <email>\`; Ctrl-C stops it)`);
    const stop = () => void server.close().then(() => process.exit(0));
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
};
