import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import { createActivities, type ActivityDeps } from '../activities';
import { allSourceSpecs } from '../activities/sources/registry';
import { validateSourceSpecs } from '../activities/sources/spec-validation';
import { PROJECT_ROOT } from '../lib/paths';
import { buildQueueFor } from '../lib/temporal-names';

export interface WorkerOptions extends ActivityDeps {
  address: string;
  namespace: string;
  /** The sync queue; the build queue is derived from it. */
  taskQueue: string;
  /** Concurrent page batches (HTTP and Parquet) on the sync queue. */
  maxConcurrentSyncActivities?: number;
  /** A bundle made earlier; built from workflows/ when absent. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

export interface RunningWorker {
  /** Resolves when both workers have stopped. */
  done: Promise<void>;
  /** Stops polling, lets running activities finish, then resolves. */
  shutdown(): Promise<void>;
}

/** Bundles the workflow code; done once per process, it is the slow part of starting a worker. */
export function bundleWorkflows(): Promise<WorkflowBundleWithSourceMap> {
  return bundleWorkflowCode({ workflowsPath: path.join(PROJECT_ROOT, 'workflows', 'index.ts'), logger: quietLogger });
}

const quietLogger = {
  log() {},
  trace() {},
  debug() {},
  info() {},
  warn(message: string) {
    console.warn(message);
  },
  error(message: string) {
    console.error(message);
  },
};

/**
 * Starts the two cdp workers on one connection: the sync queue (`cdp-sync`) runs the workflows and the
 * HTTP/Parquet activities, many at once; the build queue (`cdp-build`) runs DuckDB builds one at a time.
 * A source spec that contradicts itself stops the start with a `SourceSpecError`, before any work is taken.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  validateSourceSpecs(allSourceSpecs());
  const connection = await NativeConnection.connect({ address: opts.address });
  let client: Promise<Client> | undefined;
  const temporalClient = () =>
    (client ??= Connection.connect({ address: opts.address }).then((c) => new Client({ connection: c, namespace: opts.namespace })));
  const activities = createActivities({ temporalClient, ...opts });
  const workflowBundle = opts.workflowBundle ?? (await bundleWorkflows());
  const syncWorker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: opts.taskQueue,
    workflowBundle,
    activities,
    maxConcurrentActivityTaskExecutions: opts.maxConcurrentSyncActivities ?? 8,
  });
  const buildWorker = await Worker.create({
    connection,
    namespace: opts.namespace,
    taskQueue: buildQueueFor(opts.taskQueue),
    activities,
    maxConcurrentActivityTaskExecutions: 1,
  });
  const done = Promise.all([syncWorker.run(), buildWorker.run()]).then(async () => {
    await connection.close();
    if (client) await (await client).connection.close();
  });
  return {
    done,
    async shutdown() {
      for (const w of [syncWorker, buildWorker]) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
