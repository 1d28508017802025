import { z } from 'zod';
import { temporalOptions, type RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';
import { info } from '../output';

/** Registers `cdp worker`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('worker')
      .description('run a worker for the cdp-sync and cdp-build task queues until stopped')
      .option('--max-sync-activities <n>', 'concurrent page batches', '8'),
  ).action(async (raw) => {
    const { startWorker } = await import('../../worker/run-worker');
    const { temporalTarget } = await import('../../app/temporal');
    const { buildQueueFor } = await import('../../lib/temporal-names');
    const flags = parseFlags('worker', z.object({ maxSyncActivities: z.coerce.number().int().min(1).max(256) }).loose(), raw);
    const target = temporalTarget(raw, ctx.loadConfig());
    const worker = await startWorker({ ...target, loadConfig: ctx.loadConfig, maxConcurrentSyncActivities: flags.maxSyncActivities });
    info(`worker polling ${target.taskQueue} and ${buildQueueFor(target.taskQueue)} on ${target.address} (${target.namespace}); Ctrl-C stops it after running activities finish`);
    const stop = () => void worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await worker.done;
  });
};
