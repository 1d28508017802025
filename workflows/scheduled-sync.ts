import { WorkflowExecutionAlreadyStartedError } from '@temporalio/common';
import { ApplicationFailure, executeChild, workflowInfo } from '@temporalio/workflow';
import type { SyncMode } from '../lib/sync-state';
import { syncWorkflowId } from '../lib/temporal-names';
import { syncWorkflow, type SyncWorkflowInput, type SyncWorkflowResult } from './sync';

export interface ScheduledSyncInput {
  connectionId: string;
  mode?: SyncMode;
  tuning?: SyncWorkflowInput['tuning'];
}

export type ScheduledSyncResult = { skipped: true; reason: string } | { skipped: false; result: SyncWorkflowResult };

/**
 * What a schedule runs: the connection's sync under its own id `sync:<connection>`, so a scheduled
 * run never overlaps a manual one; when a sync is already running this run is skipped, not queued twice.
 */
export async function scheduledSyncWorkflow(input: ScheduledSyncInput): Promise<ScheduledSyncResult> {
  try {
    const result = await executeChild(syncWorkflow, {
      workflowId: syncWorkflowId(input.connectionId),
      args: [{ connectionId: input.connectionId, mode: input.mode ?? 'incremental', tuning: input.tuning }],
      // The schedule tags this run with the connection, source and environment; the sync carries them too.
      typedSearchAttributes: workflowInfo().typedSearchAttributes,
    });
    return { skipped: false, result };
  } catch (err) {
    if (err instanceof WorkflowExecutionAlreadyStartedError) {
      return { skipped: true, reason: `a sync of ${input.connectionId} was already running` };
    }
    // The child's own failure (e.g. rejected credentials) says what to do; keep its message on top.
    const cause = (err as { cause?: Error }).cause;
    throw ApplicationFailure.nonRetryable(cause?.message ?? (err as Error).message, 'ScheduledSyncFailed');
  }
}
