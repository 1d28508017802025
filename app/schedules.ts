import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, type Client, type ScheduleOptions } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { msToNumber } from '@temporalio/common/lib/time';
import type { ConnectionConfig } from '../lib/config-schema';
import { CdpError } from '../lib/errors';
import { SEARCH_ATTRIBUTES } from '../lib/search-attributes';
import { scheduledRunId, scheduleId } from '../lib/temporal-names';
import type { ScheduledSyncInput, scheduledSyncWorkflow } from '../workflows';

export interface ScheduleTiming {
  /** A Temporal duration such as `15m` or `1h`. */
  every?: string;
  cron?: string;
  /** How far back missed runs are caught up after an outage of the server or the workers. */
  catchupWindow: string;
}

function scheduleOptions(
  connection: ConnectionConfig,
  taskQueue: string,
  timing: ScheduleTiming,
  tuning?: ScheduledSyncInput['tuning'],
  windowSeconds?: number,
): ScheduleOptions {
  return {
    scheduleId: scheduleId(connection.id),
    spec: timing.cron ? { cronExpressions: [timing.cron] } : { intervals: [{ every: timing.every ?? '15m' }] },
    action: {
      type: 'startWorkflow',
      workflowType: 'scheduledSyncWorkflow' satisfies (typeof scheduledSyncWorkflow)['name'],
      workflowId: scheduledRunId(connection.id),
      taskQueue,
      args: [{ connectionId: connection.id, mode: 'incremental', tuning, windowSeconds } satisfies ScheduledSyncInput],
      typedSearchAttributes: new TypedSearchAttributes([
        { key: SEARCH_ATTRIBUTES.connection, value: connection.id },
        { key: SEARCH_ATTRIBUTES.source, value: connection.source },
        { key: SEARCH_ATTRIBUTES.mode, value: 'incremental' },
        { key: SEARCH_ATTRIBUTES.environment, value: connection.environment },
      ]),
    },
    policies: {
      // One run waits behind a running one; never two at once, never a pile-up.
      overlap: ScheduleOverlapPolicy.BUFFER_ONE,
      catchupWindow: timing.catchupWindow,
      pauseOnFailure: false,
    },
  };
}

/** The longest gap between consecutive times, in whole seconds (at least one). */
const longestGapSeconds = (times: Date[]): number =>
  Math.max(1, ...times.slice(1).map((t, i) => Math.ceil((t.getTime() - times[i]!.getTime()) / 1000)));

/**
 * Creates the connection's schedule, or replaces its timing if it exists. Returns whether it was created.
 * Each run carries the interval a backfilled run reads: the `every`, or for a cron the longest gap
 * between its next runs as Temporal computes them (a window longer than a gap reads a little twice;
 * one shorter would miss records).
 */
export async function setSchedule(
  client: Client,
  connection: ConnectionConfig,
  taskQueue: string,
  timing: ScheduleTiming,
  tuning?: ScheduledSyncInput['tuning'],
): Promise<boolean> {
  const every = timing.cron ? undefined : Math.max(1, Math.round(msToNumber(timing.every ?? '15m') / 1000));
  const options = scheduleOptions(connection, taskQueue, timing, tuning, every);
  const handle = client.schedule.getHandle(options.scheduleId);
  const replace = (opts: ScheduleOptions) =>
    handle.update((previous) => ({ ...previous, spec: opts.spec, action: opts.action, policies: { ...previous.policies, ...opts.policies } }));
  let created = true;
  try {
    await client.schedule.create(options);
  } catch (err) {
    if (!(err instanceof ScheduleAlreadyRunning)) throw err;
    await replace(options);
    created = false;
  }
  if (timing.cron) {
    const next = (await handle.describe()).info.nextActionTimes;
    await replace(scheduleOptions(connection, taskQueue, timing, tuning, longestGapSeconds(next)));
  }
  return created;
}

function handleOf(client: Client, connectionId: string) {
  return client.schedule.getHandle(scheduleId(connectionId));
}

/** Runs an action on a connection's schedule, saying clearly when there is none. */
export async function onSchedule<T>(client: Client, connectionId: string, act: (h: ReturnType<typeof handleOf>) => Promise<T>): Promise<T> {
  try {
    return await act(handleOf(client, connectionId));
  } catch (err) {
    if (err instanceof ScheduleNotFoundError) {
      throw new CdpError(`connection "${connectionId}" has no schedule; create one with \`cdp schedule set ${connectionId} --every 15m\``);
    }
    throw err;
  }
}

/** Starts a run now, queued behind a running one rather than beside it (the client's default would allow both). */
export const triggerSchedule = (client: Client, connectionId: string) => onSchedule(client, connectionId, (h) => h.trigger(ScheduleOverlapPolicy.BUFFER_ONE));

/** Pauses a connection's schedule, saying why. */
export const pauseSchedule = (client: Client, connectionId: string, note: string) => onSchedule(client, connectionId, (h) => h.pause(note));

/** Resumes a paused schedule, saying why. */
export const resumeSchedule = (client: Client, connectionId: string, note: string) => onSchedule(client, connectionId, (h) => h.unpause(note));

/**
 * Runs the schedule's actions that fall in (from, to] now, one after another (Temporal's backfill,
 * buffered so that none is dropped and none overlaps another sync of the connection). Each run reads
 * the interval that ends when it was due. Returns how many runs that is.
 */
export async function backfillSchedule(client: Client, connectionId: string, from: Date, to: Date): Promise<number> {
  return onSchedule(client, connectionId, async (h) => {
    const described = await h.describe();
    const action = described.action as { args?: ScheduledSyncInput[] };
    const windowSeconds = action.args?.[0]?.windowSeconds;
    if (!windowSeconds) {
      throw new CdpError(`the schedule of "${connectionId}" predates backfills; set it again with \`cdp schedule set ${connectionId}\` and retry`);
    }
    await h.backfill({ start: from, end: to, overlap: ScheduleOverlapPolicy.BUFFER_ALL });
    const spec = described.spec as { intervals?: { every: number; offset?: number }[] };
    const every = spec.intervals?.[0];
    if (!every) return Math.ceil((to.getTime() - from.getTime()) / 1000 / windowSeconds);
    // Interval schedules run at epoch + offset + k * every.
    const offset = every.offset ?? 0;
    const first = Math.floor((from.getTime() - offset) / every.every) + 1;
    const last = Math.floor((to.getTime() - offset) / every.every);
    return Math.max(0, last - first + 1);
  });
}

/** Deletes a connection's schedule; its runs so far stay in Temporal's history. */
export const deleteSchedule = (client: Client, connectionId: string) => onSchedule(client, connectionId, (h) => h.delete());

const SCHEDULE_PREFIX = 'schedule:';

/** The next scheduled run of every connection that has a schedule. */
export async function nextRuns(client: Client): Promise<Map<string, { next?: Date; paused: boolean; note?: string }>> {
  const runs = new Map<string, { next?: Date; paused: boolean; note?: string }>();
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    runs.set(s.scheduleId.slice(SCHEDULE_PREFIX.length), { next: s.info.nextActionTimes[0], paused: s.state.paused, note: s.state.note });
  }
  return runs;
}

/** One of cdp's schedules as listed: its timing, state, next and last run. */
export interface ScheduleSummary {
  connectionId: string;
  /** The interval in milliseconds, when it runs on one. */
  everyMs?: number;
  cron?: string;
  paused: boolean;
  next?: Date;
  lastRun?: Date;
  note?: string;
}

/** cdp's schedules, each with its timing, state, next and last run. */
export async function listSchedules(client: Client): Promise<ScheduleSummary[]> {
  const schedules: ScheduleSummary[] = [];
  for await (const s of client.schedule.list()) {
    if (!s.scheduleId.startsWith(SCHEDULE_PREFIX)) continue;
    const spec = s.spec as { intervals?: { every: number }[]; cronExpressions?: string[] } | undefined;
    schedules.push({
      connectionId: s.scheduleId.slice(SCHEDULE_PREFIX.length),
      everyMs: spec?.intervals?.[0]?.every,
      cron: spec?.cronExpressions?.[0],
      paused: s.state.paused,
      next: s.info.nextActionTimes[0],
      lastRun: s.info.recentActions.at(-1)?.takenAt,
      note: s.state.note,
    });
  }
  return schedules;
}
