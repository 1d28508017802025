import { z } from 'zod';
import { WORKER_QUEUES } from '../../lib/temporal-names';
import { temporalOptions, type RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';
import { info } from '../output';

/** Registers `cdp worker`. */
export const register: RegisterCommand = (program, ctx) => {
  temporalOptions(
    program
      .command('worker')
      .description('run a worker for the cdp-sync and/or cdp-build task queues until stopped')
      .option('--queues <which>', `which task queues to poll: ${WORKER_QUEUES.join(', ')} (sync: syncs only, little memory; build: DuckDB builds)`, 'both')
      .option('--max-sync-activities <n>', 'concurrent page batches', '8'),
  ).action(async (raw) => {
    const flags = parseFlags('worker', z.object({ queues: z.enum(WORKER_QUEUES), maxSyncActivities: z.coerce.number().int().min(1).max(256) }).loose(), raw);
    const { startWorker } = await import('../../worker/run-worker');
    const { temporalTarget } = await import('../../app/temporal');
    const target = temporalTarget(raw, ctx.loadConfig());
    const worker = await startWorker({ ...target, queues: flags.queues, loadConfig: ctx.loadConfig, maxConcurrentSyncActivities: flags.maxSyncActivities });
    const queues = worker.polled.map((q) => q.taskQueue).join(' and ');
    info(`worker polling ${queues} on ${target.address} (${target.namespace}); Ctrl-C stops it after running activities finish`);
    const stop = () => void worker.shutdown();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    await worker.done;
  });
};
