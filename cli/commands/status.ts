import { findConnection } from '../../lib/config';
import { temporalOptions, type RegisterCommand } from '../command-context';

/** Registers `cdp status`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('status [connection]')
      .description('show each stream\'s last sync, rows, quarantined records, cursor, lag and the next scheduled run'),
  ).action(async (connectionId: string | undefined, raw) => {
    const config = ctx.loadConfig();
    if (connectionId) findConnection(config, connectionId);
    const { connectionRuns, connectionStatuses, credentialValues } = await import('../../app/connection-status');
    const { connectClient, temporalTarget } = await import('../../app/temporal');
    const { renderStatus } = await import('../render/status');
    const ids = config.connections.map((c) => c.id).filter((id) => !connectionId || id === connectionId);
    // Status still shows what is committed on disk when Temporal is down.
    const client = await connectClient(temporalTarget(raw, config)).catch(() => undefined);
    try {
      const runs = client ? await connectionRuns(client, ids, credentialValues(config.connections)) : undefined;
      process.stdout.write(renderStatus(await connectionStatuses(config, runs, connectionId), runs !== undefined));
    } finally {
      await client?.connection.close();
    }
  });
};
