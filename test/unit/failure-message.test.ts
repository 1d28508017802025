import { ActivityFailure, ApplicationFailure, RetryState, TimeoutFailure } from '@temporalio/common';
import { WorkflowFailedError } from '@temporalio/client';
import { describe, expect, it } from 'vitest';
import { syncFailureMessage } from '../../app/failure-message';
import { ERROR_NAMES } from '../../lib/errors';
import { innermostCause, withoutSecrets } from '../../lib/failure-cause';

// Temporal's wrappers built as the client hands them over: WorkflowFailedError > ActivityFailure > cause.
const failedSync = (cause: Error) =>
  new WorkflowFailedError('Workflow execution failed', new ActivityFailure('Activity task failed', 'syncStreamBatch', '1', RetryState.NON_RETRYABLE_FAILURE, 'worker', cause), RetryState.NON_RETRYABLE_FAILURE);

describe('what a failed sync says', () => {
  it('says the innermost cause, not the wrappers', () => {
    const cause = ApplicationFailure.create({ message: 'connection "s": HTTP 404 from https://api.example.com/v1/events: no such path', type: ERROR_NAMES.sourceRequest, nonRetryable: true });
    expect(innermostCause(failedSync(cause))).toBe(cause);
    expect(syncFailureMessage(failedSync(cause), 's')).toBe(
      "connection \"s\": HTTP 404 from https://api.example.com/v1/events: no such path; the source refused the request: check the connection's base_url, streams and API version; then `cdp sync s` resumes from the committed cursor",
    );
  });

  it('keeps a message that already says what to do as it is', () => {
    const cause = ApplicationFailure.create({ message: 'credentials for s were rejected (HTTP 401 at https://x/v1/customers: no): update KEY and run `cdp sync s`', type: ERROR_NAMES.sourceAuth });
    expect(syncFailureMessage(failedSync(cause), 's')).toBe(cause.message);
  });

  it('points at the worker log for an unexpected error and at the worker for a timeout', () => {
    expect(syncFailureMessage(failedSync(ApplicationFailure.create({ message: 'x is not a function', type: 'TypeError' })), 's')).toBe(
      "x is not a function; an unexpected TypeError; the worker's log has its stack trace, and `cdp sync s` resumes from the committed cursor",
    );
    expect(syncFailureMessage(failedSync(new TimeoutFailure('Activity task timed out', undefined, 'HEARTBEAT')), 's')).toBe(
      'Activity task timed out; the heartbeat timeout passed: check that `cdp worker` runs and reaches the source; then `cdp sync s` resumes from the committed cursor',
    );
  });

  it('never carries a credential: query tokens, user information, bearer tokens, keys and known secrets', () => {
    // Made-up credentials, put together here so that no line of the file reads as one.
    const userInfo = ['bob', 'not-a-password'].join(':');
    const stripeKey = ['sk', 'live', 'FAKE0123'].join('_');
    const message =
      'HTTP 400 from https://graph.facebook.com/v19.0/act_1/insights?access_token=EAAB123secret&fields=spend&appsecret_proof=abc123 ' +
      `and https://${userInfo}@example.com/x?X-Amz-Signature=deadbeef&X-Amz-Date=20260101 with Authorization: Bearer abcdefgh12345678, key ${stripeKey}, token s3cr3t-value`;
    const redacted = 'REDACTED';
    expect(withoutSecrets(message, ['s3cr3t-value'])).toBe(
      `HTTP 400 from https://graph.facebook.com/v19.0/act_1/insights?access_token=${redacted}&fields=spend&appsecret_proof=${redacted} ` +
        `and https://${redacted}@example.com/x?X-Amz-Signature=${redacted}&X-Amz-Date=20260101 with Authorization: Bearer ${redacted}, key ${['sk', 'live', redacted].join('_')}, token ${redacted}`,
    );
    const cause = ApplicationFailure.create({ message: 'HTTP 400 from https://api.example.com/v1/x?api_key=k3y-of-the-connection: bad', type: ERROR_NAMES.sourceRequest });
    expect(syncFailureMessage(failedSync(cause), 's', ['k3y-of-the-connection'])).not.toContain('k3y-of-the-connection');
  });
});
