import type { WorkflowHandle } from '@temporalio/client';

/**
 * Each activity a workflow ran, by type, with the attempt it ended on, read from its history: a
 * failure that "fails at once" ends on attempt 1, whatever the time it took on a loaded machine.
 */
export async function activityAttempts(handle: WorkflowHandle): Promise<{ activity: string; attempt: number }[]> {
  const events = (await handle.fetchHistory()).events ?? [];
  const typeOf = new Map<string, string>();
  const attempts: { activity: string; attempt: number }[] = [];
  for (const e of events) {
    if (e.activityTaskScheduledEventAttributes) typeOf.set(String(e.eventId), e.activityTaskScheduledEventAttributes.activityType?.name ?? '?');
    const started = e.activityTaskStartedEventAttributes;
    if (started) attempts.push({ activity: typeOf.get(String(started.scheduledEventId)) ?? '?', attempt: started.attempt ?? 0 });
  }
  return attempts;
}
