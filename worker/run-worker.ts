import { Client, Connection } from '@temporalio/client';
import { NativeConnection, Worker, bundleWorkflowCode, type WorkflowBundleWithSourceMap } from '@temporalio/worker';
import path from 'node:path';
import type { ActivityDeps } from '../activities';
import { allSourceSpecs } from '../activities/sources/registry';
import { validateSourceSpecs } from '../activities/sources/spec-validation';
import { PROJECT_ROOT } from '../lib/paths';
import { buildQueueFor, type WorkerQueues } from '../lib/temporal-names';

export interface WorkerOptions extends ActivityDeps {
  address: string;
  namespace: string;
  /** The sync queue; the build queue is its -build twin. */
  taskQueue: string;
  /** Which queues to poll: the sync queue, the build queue, or both (the default). */
  queues?: WorkerQueues;
  /** Concurrent page batches (HTTP and Parquet) on the sync queue. */
  maxConcurrentSyncActivities?: number;
  /** A bundle made earlier; built from workflows/ when absent. */
  workflowBundle?: WorkflowBundleWithSourceMap;
}

/**
 * The longest an activity's heartbeat waits before it is sent. The SDK otherwise holds heartbeats
 * back for 80% of the heartbeat timeout (36 s of a 45 s one): the server would know a batch's position
 * that late, and a timeout short enough to retry a dead worker's batch soon would leave almost no
 * slack for a busy machine. A heartbeat is one small call, a few a second for a whole worker.
 */
const HEARTBEAT_THROTTLE = '2 seconds';

/** One task queue a worker polls and the activities it registered there. */
export interface PolledQueue {
  taskQueue: string;
  activities: string[];
}

export interface RunningWorker {
  /** The queues polled, sync first. */
  polled: PolledQueue[];
  /** Resolves when every queue's worker has stopped. */
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
 * Starts cdp's workers on one connection. The sync queue (`cdp-sync`) runs the sync workflows and the
 * HTTP/Parquet activities, many at once; the build queue (`cdp-build`) runs the build chain and its
 * DuckDB builds, one at a time. Each queue's activities are loaded only when that queue is polled, so
 * a sync worker never loads the model and segment builds. A source spec that contradicts itself stops
 * the start with a `SourceSpecError`, before any work is taken.
 */
export async function startWorker(opts: WorkerOptions): Promise<RunningWorker> {
  const queues = opts.queues ?? 'both';
  if (queues !== 'build') validateSourceSpecs(allSourceSpecs());
  const connection = await NativeConnection.connect({ address: opts.address });
  let client: Promise<Client> | undefined;
  const temporalClient = () =>
    (client ??= Connection.connect({ address: opts.address }).then((c) => new Client({ connection: c, namespace: opts.namespace })));
  const closeConnections = async () => {
    await connection.close();
    if (client) await (await client).connection.close();
  };
  const workers: Worker[] = [];
  const polled: PolledQueue[] = [];
  try {
    const workflowBundle = opts.workflowBundle ?? (await bundleWorkflows());
    const serve = async (taskQueue: string, activities: Record<string, (...args: never[]) => Promise<unknown>>, maxConcurrentActivityTaskExecutions: number) => {
      workers.push(
        await Worker.create({
          connection,
          namespace: opts.namespace,
          taskQueue,
          workflowBundle,
          activities,
          maxConcurrentActivityTaskExecutions,
          maxHeartbeatThrottleInterval: HEARTBEAT_THROTTLE,
        }),
      );
      polled.push({ taskQueue, activities: Object.keys(activities) });
    };
    if (queues !== 'build') {
      const { createSyncActivities } = await import('../activities/sync-activities');
      await serve(opts.taskQueue, createSyncActivities({ loadConfig: opts.loadConfig, temporalClient }), opts.maxConcurrentSyncActivities ?? 8);
    }
    if (queues !== 'sync') {
      const { createBuildActivities } = await import('../activities/build-activities');
      await serve(buildQueueFor(opts.taskQueue), createBuildActivities(opts), 1);
    }
  } catch (err) {
    await closeConnections();
    throw err;
  }
  const done = Promise.all(workers.map((w) => w.run())).then(closeConnections);
  return {
    polled,
    done,
    async shutdown() {
      for (const w of workers) if (w.getState() === 'RUNNING') w.shutdown();
      await done;
    },
  };
}
