import { Client, Connection } from '@temporalio/client';
import type { LoadedConfig } from '../lib/config';
import { SYNC_TASK_QUEUE } from '../lib/temporal-names';
import { TemporalUnreachableError } from './errors';

export const DEFAULT_TEMPORAL_ADDRESS = '127.0.0.1:7233';
export const DEFAULT_NAMESPACE = 'default';

/** Where syncs and builds run: a Temporal frontend, a namespace and the sync task queue. */
export interface TemporalTarget {
  address: string;
  namespace: string;
  taskQueue: string;
}

/** Flags win over TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE, which win over the config, then the local dev server. */
export function temporalTarget(flags: { address?: string; namespace?: string; taskQueue?: string }, config?: LoadedConfig): TemporalTarget {
  return {
    address: flags.address ?? process.env.TEMPORAL_ADDRESS ?? config?.temporal.address ?? DEFAULT_TEMPORAL_ADDRESS,
    namespace: flags.namespace ?? process.env.TEMPORAL_NAMESPACE ?? config?.temporal.namespace ?? DEFAULT_NAMESPACE,
    taskQueue: flags.taskQueue ?? process.env.CDP_TASK_QUEUE ?? SYNC_TASK_QUEUE,
  };
}

/** Connects a Temporal client to the target; a TemporalUnreachableError when nothing answers there. */
export async function connectClient(target: TemporalTarget): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: target.address, connectTimeout: '5s' });
  } catch (err) {
    throw new TemporalUnreachableError(target.address, (err as Error).message);
  }
  return new Client({ connection, namespace: target.namespace });
}

/** Runs `act` with a client of the target, closing its connection afterwards. */
export async function withClient<T>(target: TemporalTarget, act: (client: Client) => Promise<T>): Promise<T> {
  const client = await connectClient(target);
  try {
    return await act(client);
  } finally {
    await client.connection.close();
  }
}
