import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, waitForSync } from '../../app/syncs';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { findConnection } from '../../lib/config';
import { PROJECT_ROOT } from '../../lib/paths';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { startDevServer } from '../support/temporal';
import { addUsers, ApiClient, serveWorkspace, type ServedWorkspace } from './support';

// A sync that meets an error no retry can fix (Stripe answers 404 for one stream's path), run by a
// real worker on a real dev server; `cdp status` and the connections API must say that innermost
// cause, the HTTP status and URL, not Temporal's "Activity task failed", and never the key.

const KEY = 'sk_test_failure_cause_key_4242';
const ADMIN = 'admin@example.com';
const CONNECTION = 'stripe-missing';

let env: TestWorkflowEnvironment;
let emulator: StripeEmulator;
let served: ServedWorkspace;
let worker: RunningWorker;

beforeAll(async () => {
  [env, emulator] = await Promise.all([startDevServer(), startStripeEmulator({ port: 0, seed: 3, scale: 0.02, apiKeys: [KEY], rateLimitPerSecond: 0 })]);
  process.env.CDP_FAILURE_CAUSE_KEY = KEY;
  served = await serveWorkspace({
    connections: [{ id: CONNECTION, source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: 'CDP_FAILURE_CAUSE_KEY', streams: ['customers', 'events'] }],
    temporalAddress: env.address,
  });
  await addUsers(served.config, [{ email: ADMIN, admin: true }]);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: served.ws.config });
  emulator.setFaults({ missingPaths: ['/v1/events'] });
  const handle = await startSync(env.client, findConnection(served.config, CONNECTION), { mode: 'historical' });
  await expect(waitForSync(handle, () => {})).rejects.toThrow();
}, 120_000);

afterAll(async () => {
  await worker?.shutdown();
  await served?.close();
  await emulator?.close();
  await env?.teardown();
  delete process.env.CDP_FAILURE_CAUSE_KEY;
});

const CAUSE = () => `HTTP 404 from ${emulator.url}/v1/events: invalid_request_error: Unrecognized request URL (GET: /v1/events)`;

describe('a failed sync says its innermost cause', () => {
  it('cdp status shows the HTTP status and URL the source answered, and what to do', () => {
    const run = spawnSync(process.execPath, [path.join(PROJECT_ROOT, 'bin', 'cdp.js'), '--config', served.ws.configFile, 'status', '--address', env.address], {
      encoding: 'utf8',
      env: { ...process.env, CDP_FAILURE_CAUSE_KEY: KEY },
    });
    expect(run.status, run.stderr).toBe(0);
    const line = run.stdout.split('\n').find((l) => l.startsWith(`${CONNECTION} `))!;
    expect(line).toContain(`last run failed`);
    expect(line).toContain(CAUSE());
    expect(line).toContain(`check the connection's base_url, streams and API version; then \`cdp sync ${CONNECTION}\` resumes from the committed cursor`);
    expect(line).not.toContain('Activity task failed');
    expect(run.stdout).not.toContain(KEY);
  });

  it('the connections API gives the page the same cause', async () => {
    const admin = new ApiClient(served.server.url);
    expect((await admin.signIn(ADMIN)).status).toBe(200);
    const answer = await admin.get('/api/connections');
    expect(answer.status).toBe(200);
    const connection = (answer.body.connections as { id: string; lastRun: { status: string; failure: string | null } | null }[]).find((c) => c.id === CONNECTION)!;
    expect(connection.lastRun?.status).toBe('FAILED');
    expect(connection.lastRun?.failure).toContain(CAUSE());
    expect(connection.lastRun?.failure).not.toContain('Activity task failed');
    expect(answer.text).not.toContain(KEY);
  });
});
