import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, waitForSync } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { expectedRows, startSourceEmulators, type SourceEmulators } from '../support/source-emulators';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// Each connector was written from its API's documentation and each emulator apart from it; a
// historical sync through the real dev server must land exactly what the emulator says it holds.

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let emulators: SourceEmulators;
let expected: Record<string, Record<string, number>>;

beforeAll(async () => {
  [env, emulators] = await Promise.all([startDevServer(), startSourceEmulators(3, 0.1)]);
  Object.assign(process.env, emulators.env);
  ws = makeWorkspace(emulators.connections);
  expected = await expectedRows(emulators);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await emulators?.close();
  ws?.cleanup();
});

async function historical(connectionId: string): Promise<Record<string, { rows: number; quarantined: number }>> {
  const handle = await startSync(env.client, findConnection(ws.config(), connectionId), { mode: 'historical' });
  const result = await waitForSync(handle, () => {});
  return Object.fromEntries(result.streams.map((s) => [s.stream, { rows: s.rows, quarantined: s.quarantined }]));
}

const asLanded = (rows: Record<string, number>) => Object.fromEntries(Object.entries(rows).map(([k, n]) => [k, { rows: n, quarantined: 0 }]));

describe('historical syncs of every source land the emulator ground truth', () => {
  for (const [connection, label] of [
    ['stripe', 'Stripe: customers, charges, invoices, subscriptions, refunds, coupons, promotion codes'],
    ['crm', 'ActiveCampaign: contacts, tags, custom fields and Deep Data'],
    ['cart', 'ThriveCart: every transaction'],
    ['store', 'BigCommerce: orders (abandoned ones too), line items, coupons, customers and products'],
    ['ads', 'Facebook Ads: one insights row per campaign and day, and every campaign'],
  ] as const) {
    it(label, async () => {
      expect(await historical(connection)).toEqual(asLanded(expected[connection]!));
    });
  }
});
