import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { connectionRuns, connectionStatuses, type ConnectionRuns } from '../../app/connection-status';
import { pauseSchedule, resumeSchedule } from '../../app/schedules';
import { startSync, syncProgress, syncTuning } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { scheduleBody, syncBody, type ConnectionInfo, type ConnectionsStatus, type SyncStarted } from '../api-schema';
import type { ServerContext } from '../context';
import { notFound, parseInput } from '../http-errors';

// Per connection and stream: the last sync, its mode and outcome, lag, rows, quarantined records
// and the next scheduled run, as `cdp status` reads them, and a running sync's live progress from
// the workflow's query. The buttons start and signal the very workflows and schedules the CLI does.

const idParams = z.object({ id: z.string().min(1).max(63) });

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

async function temporalRuns(ctx: ServerContext, ids: string[]): Promise<Map<string, ConnectionRuns> | undefined> {
  try {
    return await connectionRuns(await ctx.temporal.client(), ids);
  } catch {
    return undefined;
  }
}

/** Registers the routes of connection status and the admin's sync and schedule buttons. */
export function registerConnectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  const connectionOr404 = (id: string) => {
    try {
      return findConnection(ctx.config, id);
    } catch (err) {
      if (err instanceof ConfigError) throw notFound(`connection "${id}"`);
      throw err;
    }
  };

  app.get('/api/connections', async (): Promise<ConnectionsStatus> => {
    const nowMs = ctx.nowMs();
    const runs = await temporalRuns(ctx, ctx.config.connections.map((c) => c.id));
    const connections: ConnectionInfo[] = [];
    for (const { connection: c, runs: r, streams } of await connectionStatuses(ctx.config, runs)) {
      const running = r?.lastRun?.status === 'RUNNING';
      connections.push({
        id: c.id,
        source: c.source,
        environment: c.environment,
        lastRun: r?.lastRun ? { status: r.lastRun.status, startedAt: r.lastRun.startTime.toISOString(), closedAt: iso(r.lastRun.closeTime), failure: r.lastRun.failure ?? null } : null,
        schedule: r?.schedule ? { next: iso(r.schedule.next), paused: r.schedule.paused, note: r.schedule.note ?? null } : null,
        progress: running ? await ctx.temporal.client().then((client) => syncProgress(client, c.id), () => null) : null,
        streams: streams.map((s) => ({
          stream: s.stream,
          mode: s.lastSync?.mode ?? null,
          startedAt: s.lastSync?.startedAt ?? null,
          finishedAt: s.lastSync?.finishedAt ?? null,
          rows: s.lastSync?.rows ?? null,
          quarantined: s.lastSync?.quarantined ?? null,
          cursorAt: s.highWaterMark === null ? null : new Date(s.highWaterMark * 1000).toISOString(),
          lagSeconds: s.highWaterMark === null ? null : Math.max(0, Math.round(nowMs / 1000 - s.highWaterMark)),
          inProgress: s.inProgress ? { mode: s.inProgress.mode, rows: s.inProgress.rows, quarantined: s.inProgress.quarantined } : null,
        })),
      });
    }
    return { temporal: runs ? 'reachable' : 'unreachable', address: ctx.temporal.target.address, connections };
  });

  // The same start as `cdp sync <connection> [--historical] --detach`: workflow sync:<connection>, one at a time.
  app.post('/api/connections/:id/sync', { config: { access: 'admin' } }, async (request, reply): Promise<SyncStarted> => {
    const { id } = parseInput(idParams, request.params);
    const connection = connectionOr404(id);
    const { mode } = parseInput(syncBody, request.body);
    const client = await ctx.temporal.client();
    const handle = await startSync(client, connection, { mode, taskQueue: ctx.temporal.target.taskQueue, tuning: syncTuning(ctx.config) });
    reply.code(202);
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, mode };
  });

  // The same as `cdp schedule pause|resume <connection>`, with who did it in the note.
  app.post('/api/connections/:id/schedule', { config: { access: 'admin' } }, async (request) => {
    const { id } = parseInput(idParams, request.params);
    connectionOr404(id);
    const { action } = parseInput(scheduleBody, request.body);
    const client = await ctx.temporal.client();
    const note = `${action}d from cdp serve by ${request.user!.email}`;
    await (action === 'pause' ? pauseSchedule(client, id, note) : resumeSchedule(client, id, note));
    return { id, paused: action === 'pause' };
  });
}
