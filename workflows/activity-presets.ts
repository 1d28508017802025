import type { ActivityOptions } from '@temporalio/workflow';
import { NON_RETRYABLE_ERROR_NAMES } from '../lib/errors';

// Timeouts and retries are named once here; workflows never set them ad hoc.

/** Quick bookkeeping: reading state, planning a sync. */
export const SHORT: ActivityOptions = {
  startToCloseTimeout: '1 minute',
  retry: { initialInterval: '1 second', maximumInterval: '30 seconds', nonRetryableErrorTypes: NON_RETRYABLE_ERROR_NAMES },
};

/**
 * A batch of HTTP pages landed in the lake. It heartbeats every second with its last committed
 * cursor, so a worker crash is noticed within the heartbeat timeout (the config's
 * `sync.heartbeat_timeout_seconds`, this when none is given) and the retry resumes from that cursor.
 * Retries go on for hours with capped backoff: a source outage delays a sync, it does not fail it.
 */
export const PAGE_BATCH: ActivityOptions = {
  startToCloseTimeout: '15 minutes',
  heartbeatTimeout: '15 seconds',
  retry: {
    initialInterval: '2 seconds',
    backoffCoefficient: 2,
    maximumInterval: '5 minutes',
    maximumAttempts: 60,
    nonRetryableErrorTypes: NON_RETRYABLE_ERROR_NAMES,
  },
};

/** A DuckDB build: one at a time on the build queue, heartbeating per model; a failed model test is not retried. */
export const DUCKDB_BUILD: ActivityOptions = {
  startToCloseTimeout: '1 hour',
  heartbeatTimeout: '2 minutes',
  retry: { initialInterval: '5 seconds', maximumAttempts: 3, nonRetryableErrorTypes: NON_RETRYABLE_ERROR_NAMES },
};
