import { z } from 'zod';
import { findConnection } from '../../lib/config';
import { temporalOptions, type RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';
import { info } from '../output';

const syncFlags = z
  .object({
    historical: z.boolean().optional(),
    since: z.iso.datetime({ offset: true }).or(z.iso.date()).optional(),
    wait: z.boolean().optional(),
    detach: z.boolean().optional(),
  })
  .loose()
  .refine((f) => !(f.historical && f.since), { message: '--historical and --since exclude each other', path: ['since'] });

/** Registers `cdp sync`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('sync <connection>')
      .description('sync one connection: everything since the last sync, or from the beginning with --historical')
      .option('--historical', 'sync everything from the beginning of the source')
      .option('--since <date>', 'sync from this date instead of the last sync (ISO 8601)')
      .option('--wait', 'if a sync of this connection is already running, wait for it instead of refusing')
      .option('--detach', 'start the sync and return at once; follow it with `cdp status` or the Temporal UI'),
  ).action(async (connectionId: string, raw) => {
    const flags = parseFlags('sync', syncFlags, raw);
    const { temporalTarget, withClient } = await import('../../app/temporal');
    const { startSync, syncTuning, waitForSync, workerIsPolling } = await import('../../app/syncs');
    const { formatProgress } = await import('../render/sync-progress');
    const { createProgressView } = await import('../sync-progress-view');
    const config = ctx.loadConfig();
    const connection = findConnection(config, connectionId);
    const target = temporalTarget(raw, config);
    await withClient(target, async (client) => {
      if (!(await workerIsPolling(client, target.namespace, target.taskQueue))) {
        info(`no worker is polling ${target.taskQueue} on ${target.address}; the sync will start when one does (run \`cdp worker\`)`);
      }
      const mode = flags.historical ? ('historical' as const) : ('manual' as const);
      const handle = await startSync(client, connection, { mode, since: flags.since, attachToRunning: flags.wait, taskQueue: target.taskQueue, tuning: syncTuning(config) });
      if (flags.detach) {
        console.log(`started ${handle.workflowId} (run ${handle.firstExecutionRunId}); follow it with \`cdp status ${connectionId}\``);
        return;
      }
      const view = createProgressView();
      try {
        const result = await waitForSync(handle, (p) => view.update(p));
        const done = { connectionId, mode, streams: result.streams.map((s) => ({ ...s, done: true })) };
        view.update(done);
        view.stop();
        console.log(formatProgress(done));
      } finally {
        view.stop();
      }
    });
  });
};
