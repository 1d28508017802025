import type { TestWorkflowEnvironment } from '@temporalio/testing';
import type { WorkflowBundleWithSourceMap } from '@temporalio/worker';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../app/builds';
import { queryWarehouse } from '../../app/query';
import { startSync, waitForSync } from '../../app/syncs';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { findConnection } from '../../lib/config';
import { BUILD_WORKFLOW_ID, SYNC_TASK_QUEUE, buildQueueFor } from '../../lib/temporal-names';
import { bundleWorkflows, startWorker, type RunningWorker } from '../../worker/run-worker';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// A sync worker and a build worker, as `cdp worker --queues sync` and `cdp worker --queues build` run
// them: the sync lands its Parquet on the one, and the build chain it asks for runs on the other.

const KEY = 'sk_test_worker_queues_key';
const ENV_VAR = 'CDP_TEST_WORKER_QUEUES_KEY';
const BUILD_QUEUE = buildQueueFor(SYNC_TASK_QUEUE);

let env: TestWorkflowEnvironment;
let emulator: StripeEmulator;
let bundle: WorkflowBundleWithSourceMap;
let syncWorker: RunningWorker | undefined;
let buildWorker: RunningWorker | undefined;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, emulator, bundle] = await Promise.all([
    startDevServer(),
    startStripeEmulator({ port: 0, seed: 7, scale: 0.1, apiKeys: [KEY], rateLimitPerSecond: 500 }),
    bundleWorkflows(),
  ]);
  ws = makeWorkspace([{ id: 'shop', source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: ENV_VAR }]);
  process.env[ENV_VAR] = KEY;
});

afterAll(async () => {
  await syncWorker?.shutdown();
  await buildWorker?.shutdown();
  await env?.teardown();
  await emulator?.close();
  ws?.cleanup();
});

const workerOn = (queues: 'sync' | 'build') =>
  startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, queues, loadConfig: ws.config, workflowBundle: bundle });

// An order per charge (one that paid an invoice is that invoice's), and per invoice paid outside Stripe.
const stripeOrders = () => {
  const { charges, invoices } = emulator.truth().streams;
  return charges.count + invoices.paid_out_of_band_count;
};
const orderCount = async () => {
  const { rows } = await queryWarehouse(ws.config().layout.warehouse, 'select count(*)::int as n from core.orders');
  return (rows[0] as { n: number }).n;
};

describe('sync and build workers on their own queues', () => {
  it('a sync-only worker polls the sync queue and registers no build activity; a build-only worker the reverse', async () => {
    syncWorker = await workerOn('sync');
    expect(syncWorker.polled.map((q) => q.taskQueue)).toEqual([SYNC_TASK_QUEUE]);
    expect(syncWorker.polled[0]!.activities).toContain('syncStreamBatch');
    expect(syncWorker.polled[0]!.activities).not.toContain('buildWarehouse');
    expect(syncWorker.polled[0]!.activities).not.toContain('materializeSegments');

    buildWorker = await workerOn('build');
    expect(buildWorker.polled).toEqual([{ taskQueue: BUILD_QUEUE, activities: ['buildWarehouse', 'materializeSegments'] }]);
    // Not polling yet: the sync below must finish with nobody to build.
    await buildWorker.shutdown();
    buildWorker = undefined;
  });

  it('a sync finishes on the sync worker alone, and the build it asks for waits on the build queue', async () => {
    const handle = await startSync(env.client, findConnection(ws.config(), 'shop'), { mode: 'historical' });
    const result = await waitForSync(handle, () => {});
    expect(result.streams.find((s) => s.stream === 'charges')?.rows).toBe(emulator.truth().streams.charges.count);

    const chain = await env.client.workflow.getHandle(BUILD_WORKFLOW_ID).describe();
    expect(chain.taskQueue).toBe(BUILD_QUEUE);
    expect(chain.status.name).toBe('RUNNING');
    expect(fs.existsSync(ws.config().layout.warehouse)).toBe(false);
  });

  it('a build worker started afterwards runs that build, with models that match the emulator', async () => {
    buildWorker = await workerOn('build');
    const chain = await env.client.workflow.getHandle(BUILD_WORKFLOW_ID).result();
    expect(chain.build?.models.length).toBeGreaterThan(0);
    expect(await orderCount()).toBe(stripeOrders());

    const { events } = await env.client.workflow.getHandle(BUILD_WORKFLOW_ID).fetchHistory();
    const scheduled = (events ?? []).flatMap((e) => (e.activityTaskScheduledEventAttributes ? [e.activityTaskScheduledEventAttributes] : []));
    expect(scheduled.map((a) => [a.activityType?.name, a.taskQueue?.name])).toEqual([
      ['buildWarehouse', BUILD_QUEUE],
      ['materializeSegments', BUILD_QUEUE],
    ]);
  });

  it('`cdp build` is served by the build worker with no sync worker running', async () => {
    await syncWorker!.shutdown();
    syncWorker = undefined;
    const outcome = await runBuild(env.client, SYNC_TASK_QUEUE);
    expect(outcome.models.length).toBeGreaterThan(0);
    expect(await orderCount()).toBe(stripeOrders());
  });
});
