import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll } from 'vitest';
import { queryWarehouse } from '../../app/query';
import { runBuild } from '../../app/builds';
import { startSync, waitForSync } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { expectedRows, startSourceEmulators, type SourceEmulators } from './source-emulators';
import { startDevServer } from './temporal';
import { makeWorkspace } from './workspace';

// The staging models were written from the APIs' documentation and official examples; the
// emulators were written apart from them. After two full historical syncs (so raw holds every
// record twice) the staging views must hold each record once, typed, with the emulator's own sums.

/** A warehouse built after two historical syncs of some connections, beside the emulators they read. */
export interface SyncedStaging {
  emulators: SourceEmulators;
  /** What one historical sync of each connection lands per stream, from the emulators' ground truth. */
  expected: Record<string, Record<string, number>>;
  /** The rows a query on the built warehouse answers. */
  sql(query: string): Promise<Record<string, unknown>[]>;
}

/**
 * In the calling suite, before its tests: starts a dev server, a worker and every source's
 * emulator, syncs each named connection historically twice over and builds the warehouse;
 * after them, stops it all. The answer is readable once the suite's tests run.
 */
export function syncTwiceAndBuildBeforeAll(connectionIds: readonly string[]): SyncedStaging {
  let staged: (SyncedStaging & { close(): Promise<void> }) | undefined;
  beforeAll(async () => {
    staged = await syncTwiceAndBuild(connectionIds);
  });
  afterAll(async () => {
    await staged?.close();
  });
  const ready = () => {
    if (!staged) throw new Error('the synced warehouse is not built yet; read it inside a test, not while the suite is being collected');
    return staged;
  };
  return {
    get emulators() {
      return ready().emulators;
    },
    get expected() {
      return ready().expected;
    },
    sql: (query) => ready().sql(query),
  };
}

async function syncTwiceAndBuild(connectionIds: readonly string[]): Promise<SyncedStaging & { close(): Promise<void> }> {
  let env: TestWorkflowEnvironment | undefined;
  let emulators: SourceEmulators | undefined;
  let worker: RunningWorker | undefined;
  let ws: ReturnType<typeof makeWorkspace> | undefined;
  const close = async () => {
    await worker?.shutdown();
    await env?.teardown();
    await emulators?.close();
    ws?.cleanup();
  };
  try {
    [env, emulators] = await Promise.all([startDevServer(), startSourceEmulators(3, 0.1)]);
    Object.assign(process.env, emulators.env);
    const workspace = makeWorkspace(emulators.connections);
    ws = workspace;
    const expected = await expectedRows(emulators);
    worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: workspace.config });
    const client = env.client;
    const historical = async (connectionId: string) => {
      const handle = await startSync(client, findConnection(workspace.config(), connectionId), { mode: 'historical' });
      await waitForSync(handle, () => {});
    };
    // Twice over, so every record lands two versions that staging must fold into one.
    for (let round = 0; round < 2; round++) await Promise.all(connectionIds.map(historical));
    await runBuild(client);
    return {
      emulators,
      expected,
      sql: async (query) => (await queryWarehouse(workspace.config().layout.warehouse, query)).rows,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}
