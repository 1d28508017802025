import type { FastifyInstance, FastifyRequest } from 'fastify';
import { z } from 'zod';
import { connectionRuns, connectionStatuses, credentialValues, type ConnectionRuns } from '../../app/connection-status';
import { pauseSchedule, resumeSchedule } from '../../app/schedules';
import { startSync, syncProgress, syncTuning } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { ConfigError } from '../../lib/errors';
import { scheduleBody, syncBody, type ConnectionInfo, type ConnectionsStatus, type SyncStarted } from '../api-schema';
import { connectionRights } from '../access/rights';
import type { ServerContext } from '../context';
import { forbidden, notFound, parseInput } from '../http-errors';
import { withoutServerPaths } from '../public-message';

// Per connection and stream: the last sync, its mode and outcome, lag, rows, quarantined records
// and the next scheduled run, as `cdp status` reads them, and a running sync's live progress from
// the workflow's query. The buttons start and signal the very workflows and schedules the CLI does.

const idParams = z.object({ id: z.string().min(1).max(63) });

const iso = (d: Date | undefined) => (d ? d.toISOString() : null);

async function temporalRuns(ctx: ServerContext, ids: string[]): Promise<Map<string, ConnectionRuns> | undefined> {
  try {
    return await connectionRuns(await ctx.temporal.client(), ids, credentialValues(ctx.config.connections));
  } catch {
    return undefined;
  }
}

/** Registers the routes of connection status and the sync and schedule buttons. */
export function registerConnectionRoutes(app: FastifyInstance, ctx: ServerContext): void {
  /** The connection the user may change; one they may not even read is not found, so ids are not revealed. */
  const connectionToChange = async (request: FastifyRequest, id: string) => {
    let connection: ReturnType<typeof findConnection>;
    try {
      connection = findConnection(ctx.config, id);
    } catch (err) {
      if (err instanceof ConfigError) throw notFound(`connection "${id}"`);
      throw err;
    }
    const rights = await connectionRights(ctx, request.user!, connection);
    if (!rights.read) throw notFound(`connection "${id}"`);
    if (!rights.edit) throw forbidden(`start syncs of or pause connection "${id}"; an admin grants edit access (\`cdp user grant\`)`);
    return connection;
  };

  // Each person sees the connections they may read: all for admins, those granted (directly or through their environment) for members.
  app.get('/api/connections', async (request): Promise<ConnectionsStatus> => {
    const nowMs = ctx.nowMs();
    const rights = new Map(await Promise.all(ctx.config.connections.map(async (c) => [c.id, await connectionRights(ctx, request.user!, c)] as const)));
    const visible = ctx.config.connections.filter((c) => rights.get(c.id)!.read);
    const runs = await temporalRuns(ctx, visible.map((c) => c.id));
    const connections: ConnectionInfo[] = [];
    for (const { connection: c, runs: r, streams } of await connectionStatuses({ ...ctx.config, connections: visible }, runs)) {
      const running = r?.lastRun?.status === 'RUNNING';
      connections.push({
        id: c.id,
        source: c.source,
        environment: c.environment,
        mayEdit: rights.get(c.id)!.edit,
        lastRun: r?.lastRun ? { status: r.lastRun.status, startedAt: r.lastRun.startTime.toISOString(), closedAt: iso(r.lastRun.closeTime), failure: r.lastRun.failure ? withoutServerPaths(ctx.config, r.lastRun.failure) : null } : null,
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
  app.post('/api/connections/:id/sync', async (request, reply): Promise<SyncStarted> => {
    const { id } = parseInput(idParams, request.params);
    const connection = await connectionToChange(request, id);
    const { mode } = parseInput(syncBody, request.body);
    const client = await ctx.temporal.client();
    const handle = await startSync(client, connection, { mode, taskQueue: ctx.temporal.target.taskQueue, tuning: syncTuning(ctx.config) });
    reply.code(202);
    return { workflowId: handle.workflowId, runId: handle.firstExecutionRunId, mode };
  });

  // The same as `cdp schedule pause|resume <connection>`, with who did it in the note.
  app.post('/api/connections/:id/schedule', async (request) => {
    const { id } = parseInput(idParams, request.params);
    await connectionToChange(request, id);
    const { action } = parseInput(scheduleBody, request.body);
    const client = await ctx.temporal.client();
    const note = `${action}d from cdp serve by ${request.user!.email}`;
    await (action === 'pause' ? pauseSchedule(client, id, note) : resumeSchedule(client, id, note));
    return { id, paused: action === 'pause' };
  });
}
