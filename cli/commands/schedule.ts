import type { Command } from 'commander';
import { z } from 'zod';
import { findConnection } from '../../lib/config';
import { temporalOptions, type CommandContext, type RegisterCommand } from '../command-context';
import { parseFlags } from '../flags';

const durationSchema = z.string().regex(/^\d+\s*(s|m|h|d|ms)$|^\d+ (seconds?|minutes?|hours?|days?)$/, 'a duration such as 15m, 1h or 1d');

const setFlags = z
  .object({ every: durationSchema.optional(), cron: z.string().min(9).optional(), catchup: durationSchema })
  .loose()
  .refine((f) => Boolean(f.every) !== Boolean(f.cron), { message: 'give exactly one of --every and --cron', path: ['every'] });

const instant = z.iso.datetime({ offset: true }).or(z.iso.date()).transform((s) => new Date(s));

const backfillFlags = z
  .object({ from: instant, to: instant })
  .loose()
  .refine((f) => f.from < f.to, { message: 'must be after --from', path: ['to'] })
  .refine((f) => f.to.getTime() <= Date.now(), { message: 'must not be in the future: a backfill reads what has happened', path: ['to'] });

type ScheduleAct = 'pause' | 'resume' | 'trigger' | 'delete';

function registerAction(schedule: Command, ctx: CommandContext, act: ScheduleAct, description: string): void {
  temporalOptions(schedule.command(`${act} <connection>`).description(description).option('--note <text>', 'why (pause, resume)')).action(async (connectionId: string, raw) => {
    const { temporalTarget, withClient } = await import('../../app/temporal');
    const { deleteSchedule, pauseSchedule, resumeSchedule, triggerSchedule } = await import('../../app/schedules');
    const config = ctx.loadConfig();
    findConnection(config, connectionId);
    const note = typeof raw.note === 'string' ? raw.note : undefined;
    await withClient(temporalTarget(raw, config), async (client) => {
      if (act === 'pause') await pauseSchedule(client, connectionId, note ?? 'paused with cdp schedule pause');
      if (act === 'resume') await resumeSchedule(client, connectionId, note ?? 'resumed with cdp schedule resume');
      if (act === 'trigger') await triggerSchedule(client, connectionId);
      if (act === 'delete') await deleteSchedule(client, connectionId);
    });
    console.log(`${connectionId}: ${act === 'trigger' ? 'run started (queued behind a running one)' : `${act}d`}`);
  });
}

/** Registers `cdp schedule` and its subcommands. */
export const register: RegisterCommand = (program, ctx) => {
  const schedule = program.command('schedule').description('keep connections fresh with Temporal schedules of incremental syncs');

  temporalOptions(
    schedule
      .command('set <connection>')
      .description('create or change the schedule of a connection\'s incremental sync')
      .option('--every <duration>', 'run every interval, e.g. 15m, 1h')
      .option('--cron <expression>', 'run on a cron expression, e.g. "0 */2 * * *"')
      .option('--catchup <duration>', 'catch up runs missed during an outage of up to this long', '1d'),
  ).action(async (connectionId: string, raw) => {
    const flags = parseFlags('schedule set', setFlags, raw);
    const { temporalTarget, withClient } = await import('../../app/temporal');
    const { setSchedule } = await import('../../app/schedules');
    const { syncTuning } = await import('../../app/syncs');
    const config = ctx.loadConfig();
    const connection = findConnection(config, connectionId);
    const target = temporalTarget(raw, config);
    const created = await withClient(target, (client) =>
      setSchedule(client, connection, target.taskQueue, { every: flags.every, cron: flags.cron, catchupWindow: flags.catchup }, syncTuning(config)),
    );
    console.log(`${created ? 'created' : 'updated'} the schedule of ${connectionId}: ${flags.every ? `every ${flags.every}` : `cron ${flags.cron}`}, missed runs caught up within ${flags.catchup}`);
  });

  registerAction(schedule, ctx, 'pause', 'pause a connection\'s schedule');
  registerAction(schedule, ctx, 'resume', 'resume a paused schedule');
  registerAction(schedule, ctx, 'trigger', 'run a connection\'s scheduled sync now');
  registerAction(schedule, ctx, 'delete', 'delete a connection\'s schedule');

  temporalOptions(
    schedule
      .command('backfill <connection>')
      .description('run the schedule\'s runs of a past period now, one after another: each reads its own interval again')
      .requiredOption('--from <date>', 'start of the period (ISO 8601; exclusive, as for Temporal)')
      .requiredOption('--to <date>', 'end of the period (ISO 8601; inclusive)'),
  ).action(async (connectionId: string, raw) => {
    const flags = parseFlags('schedule backfill', backfillFlags, raw);
    const { temporalTarget, withClient } = await import('../../app/temporal');
    const { backfillSchedule } = await import('../../app/schedules');
    const config = ctx.loadConfig();
    findConnection(config, connectionId);
    const runs = await withClient(temporalTarget(raw, config), (client) => backfillSchedule(client, connectionId, flags.from, flags.to));
    console.log(
      `${connectionId}: ${runs} scheduled run${runs === 1 ? '' : 's'} from ${flags.from.toISOString()} to ${flags.to.toISOString()} queued, one after another; follow them with \`cdp status ${connectionId}\``,
    );
  });

  temporalOptions(schedule.command('list').description('list schedules with their next and last runs')).action(async (raw) => {
    const { temporalTarget, withClient } = await import('../../app/temporal');
    const { listSchedules } = await import('../../app/schedules');
    const { renderSchedules } = await import('../render/schedules');
    process.stdout.write(renderSchedules(await withClient(temporalTarget(raw, ctx.loadConfig()), listSchedules)));
  });
};
