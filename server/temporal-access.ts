import type { Client } from '@temporalio/client';
import { TemporalUnreachableError } from '../app/errors';
import { connectClient, type TemporalTarget } from '../app/temporal';
import type { TemporalAccess } from './context';
import { HttpError } from './http-errors';

/** One client for the server's life, made when first needed; a failed connection is tried again on the next request. */
export function temporalAccess(target: TemporalTarget): TemporalAccess {
  let client: Promise<Client> | undefined;
  return {
    target,
    async client() {
      client ??= connectClient(target);
      try {
        return await client;
      } catch (err) {
        client = undefined;
        throw new HttpError(503, err instanceof TemporalUnreachableError ? err.message : `Temporal is not reachable at ${target.address}: ${(err as Error).message}`);
      }
    },
    async close() {
      const c = await client?.catch(() => undefined);
      await c?.connection.close();
    },
  };
}
