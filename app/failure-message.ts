import { ApplicationFailure, CancelledFailure, TerminatedFailure, TimeoutFailure } from '@temporalio/common';
import { ERROR_NAMES } from '../lib/errors';
import { innermostCause, withoutSecrets } from '../lib/failure-cause';

// Temporal reports a failed sync as "Activity task failed" (or "Child Workflow execution failed")
// with the real error as its cause: the source's HTTP status and URL, a rejected key, a bad answer.
// A person reading `cdp status` or the connections page needs that innermost cause and what to do.

/** The failure types whose message already says what to do. */
const SELF_EXPLAINING: ReadonlySet<string> = new Set([
  ...Object.values(ERROR_NAMES).filter((name) => name !== ERROR_NAMES.sourceRequest && name !== ERROR_NAMES.sourceUnavailable && name !== ERROR_NAMES.cdp),
  'CredentialsRejected',
  'ScheduledSyncFailed',
]);

function whatToDo(cause: unknown, connectionId: string): string | undefined {
  const rerun = `\`cdp sync ${connectionId}\` resumes from the committed cursor`;
  if (cause instanceof ApplicationFailure) {
    if (SELF_EXPLAINING.has(cause.type ?? '')) return undefined;
    if (cause.type === ERROR_NAMES.sourceRequest) return `the source refused the request: check the connection's base_url, streams and API version; then ${rerun}`;
    if (cause.type === ERROR_NAMES.sourceUnavailable || cause.type === ERROR_NAMES.cdp) return `retries ran out; the next scheduled run or ${rerun}`;
    return `an unexpected ${cause.type ?? 'error'}; the worker's log has its stack trace, and ${rerun}`;
  }
  if (cause instanceof TimeoutFailure) return `the ${String(cause.timeoutType ?? 'activity').toLowerCase().replaceAll('_', '-')} timeout passed: check that \`cdp worker\` runs and reaches the source; then ${rerun}`;
  if (cause instanceof TerminatedFailure || cause instanceof CancelledFailure) return undefined;
  return `the worker's log has the details, and ${rerun}`;
}

/**
 * What a failed sync says to a person: the innermost cause's message (the HTTP status and URL, or
 * the error and what to do), never Temporal's wrapper text, with every credential taken out
 * (`secrets` are values to take out wherever they appear, such as the connection's key).
 */
export function syncFailureMessage(err: unknown, connectionId: string, secrets: readonly string[] = []): string {
  const cause = innermostCause(err);
  const message = cause instanceof Error ? cause.message : String(cause);
  const hint = whatToDo(cause, connectionId);
  return withoutSecrets(hint ? `${message}; ${hint}` : message, secrets);
}
