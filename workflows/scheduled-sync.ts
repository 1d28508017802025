import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import { innermostCause } from '../lib/failure-cause';
import { SCHEDULED_START_TIME } from '../lib/search-attributes';
import type { SyncMode } from '../lib/sync-state';
import { syncWorkflowId } from '../lib/temporal-names';
import { syncWorkflow, type SyncWorkflowInput, type SyncWorkflowResult } from './sync';

export interface ScheduledSyncInput {
  connectionId: string;
  mode?: SyncMode;
  tuning?: SyncWorkflowInput['tuning'];
  /** The schedule's interval (for a cron, its longest gap): the window a backfilled run reads. */
  windowSeconds?: number;
}

export type ScheduledSyncResult = { skipped: true; reason: string } | { skipped: false; result: SyncWorkflowResult };

/**
 * What a schedule runs: the connection's sync under its own id `sync:<connection>`, so a scheduled
 * run never overlaps a manual one; when a sync is already running this run is skipped, not queued twice.
 * The run carries the time it was due, so a backfilled run reads its own interval.
 */
export async function scheduledSyncWorkflow(input: ScheduledSyncInput): Promise<ScheduledSyncResult> {
  const due = workflowInfo().typedSearchAttributes.get(SCHEDULED_START_TIME);
  const scheduled = due && input.windowSeconds ? { atMs: due.getTime(), windowSeconds: input.windowSeconds } : undefined;
  try {
    const result = await executeChild(syncWorkflow, {
      workflowId: syncWorkflowId(input.connectionId),
      args: [{ connectionId: input.connectionId, mode: input.mode ?? 'incremental', tuning: input.tuning, scheduled }],
      // The schedule tags this run with the connection, source and environment; the sync carries them too.
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
    return { skipped: false, result };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { skipped: true, reason: `a sync of ${input.connectionId} was already running` };
    }
    // The child's own innermost failure (an HTTP status and URL, rejected credentials) says what went
    // wrong; keep its message on top, not the wrappers' "Child Workflow execution failed".
    const cause = innermostCause(err);
    throw ApplicationFailure.nonRetryable(cause instanceof Error ? cause.message : (err as Error).message, 'ScheduledSyncFailed');
  }
}
