// When a workflow's runs and activities ran, read from Temporal's visibility and histories: what the
// freshness bench splits a change's latency by.
import type { Client } from '@temporalio/client';
import { tsToMs } from '@temporalio/common/lib/time';

/** One run of a workflow: when it started and closed (epoch ms; no close while it runs). */
export interface RunSpan {
  workflowId: string;
  runId: string;
  startMs: number;
  closeMs?: number;
  historyLength: number;
}

/** One activity of a run: its type, when it was scheduled, started and completed (epoch ms). */
export interface ActivitySpan {
  activity: string;
  scheduledMs: number;
  startedMs: number;
  completedMs: number;
}

/** The runs of `workflowId` that started in [fromMs, toMs), oldest first. */
export async function runsStartedBetween(client: Client, workflowId: string, fromMs: number, toMs: number): Promise<RunSpan[]> {
  const query = `WorkflowId = '${workflowId.replaceAll("'", "''")}' AND StartTime >= '${new Date(fromMs).toISOString()}' AND StartTime < '${new Date(toMs).toISOString()}'`;
  const runs: RunSpan[] = [];
  for await (const w of client.workflow.list({ query })) {
    runs.push({ workflowId: w.workflowId, runId: w.runId, startMs: w.startTime.getTime(), closeMs: w.closeTime?.getTime(), historyLength: w.historyLength });
  }
  return runs.sort((a, b) => a.startMs - b.startMs);
}

/** The completed activities of one run, in the order they were scheduled. */
export async function completedActivities(client: Client, run: Pick<RunSpan, 'workflowId' | 'runId'>): Promise<ActivitySpan[]> {
  const events = (await client.workflow.getHandle(run.workflowId, run.runId).fetchHistory()).events ?? [];
  const scheduled = new Map<string, { activity: string; atMs: number }>();
  const started = new Map<string, number>();
  const spans: ActivitySpan[] = [];
  for (const e of events) {
    const atMs = tsToMs(e.eventTime);
    if (e.activityTaskScheduledEventAttributes) scheduled.set(String(e.eventId), { activity: e.activityTaskScheduledEventAttributes.activityType?.name ?? '?', atMs });
    // A started event is written when its attempt ends, but it carries the time the attempt started.
    if (e.activityTaskStartedEventAttributes) started.set(String(e.activityTaskStartedEventAttributes.scheduledEventId), atMs);
    const done = e.activityTaskCompletedEventAttributes;
    if (done) {
      const key = String(done.scheduledEventId);
      const s = scheduled.get(key);
      if (s) spans.push({ activity: s.activity, scheduledMs: s.atMs, startedMs: started.get(key) ?? s.atMs, completedMs: atMs });
    }
  }
  return spans.sort((a, b) => a.scheduledMs - b.scheduledMs);
}
