import path from 'node:path';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, syncTuning, waitForSync } from '../../app/syncs';
import { findConnection } from '../../lib/config';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { ConformanceChecker, describeMismatches, loadDescription, type ApiDescription, type Mismatch } from '../support/openapi-conformance';
import { startRecordingProxy, type RecordingProxy } from '../support/recording-proxy';
import { startSourceEmulators, type SourceEmulators } from '../support/source-emulators';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// Each source whose vendor publishes an API description: a historical sync runs through a recording
// proxy, and every request the connector sent and every answer the emulator gave is checked against
// the vendor's own description (trimmed copies under test/fixtures/, their origin in its README).

const fixtures = path.join(import.meta.dirname, '../fixtures');
const described = (name: string, file: string) => loadDescription(name, path.join(fixtures, file));

interface Case {
  connection: string;
  label: string;
  descriptions: () => ApiDescription[];
  /**
   * Differences accepted, each with why: where the description contradicts its own text or examples,
   * or a known emulator gap left to that emulator's own work. Any other difference fails.
   */
  known?: { match: Pick<Mismatch, 'operation' | 'where' | 'message'>; why: string }[];
  /** Changes made at the source between the historical and the incremental sync, so that the latter reads them. */
  changeSource?: () => Promise<void>;
}

/** Posts one of the Stripe emulator's mutations (a stand-in for a change made in Stripe's dashboard). */
async function stripeMutation(body: object): Promise<void> {
  const response = await fetch(`${emulators.stripe.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if (response.status !== 200) throw new Error(`mutation ${JSON.stringify(body)} answered ${response.status}`);
}

/** The first object of a Stripe list that passes `keep`, read straight from the emulator. */
async function firstStripe(list: string, keep: (o: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
  const response = await fetch(`${emulators.stripe.url}/v1/${list}?limit=100`, { headers: { authorization: `Bearer ${emulators.stripe.apiKeys[0]}` } });
  const found = ((await response.json()) as { data: Record<string, unknown>[] }).data.find(keep);
  if (!found) throw new Error(`no ${list} to change`);
  return found;
}

const V2_204 = "BigCommerce's reference documents 204 No Content for an empty V2 list; the description's responses name 200 only";

const CASES: Case[] = [
  {
    // The pinned version's description, trimmed to the eight lists and the components their answers
    // fill; any other component is a stub no value matches, so an answer that fills it fails here.
    connection: 'stripe',
    label: "Stripe: every list request and answer (customers, charges, invoices, subscriptions, refunds, coupons, events, promotion codes) follows Stripe's description of the pinned version 2026-07-29.dahlia",
    descriptions: () => [described('stripe 2026-07-29.dahlia', 'stripe/spec3.2026-07-29.dahlia.json')],
    // Events are kept 30 days: changes made now give the incremental sync events (and a new refund) to read.
    changeSource: async () => {
      await stripeMutation({ action: 'refund_charge', id: (await firstStripe('charges', (c) => c.refunded === false)).id });
      await stripeMutation({ action: 'update_customer', id: (await firstStripe('customers', () => true)).id, email: 'changed@example.com' });
      await stripeMutation({ action: 'cancel_subscription', id: (await firstStripe('subscriptions', (s) => s.status === 'active')).id });
      // Stripe times events in whole seconds and a sync reads up to the second it starts, exclusive.
      await new Promise((resolve) => setTimeout(resolve, 1100));
    },
  },
  {
    connection: 'store',
    label: "BigCommerce: orders, their products and coupons (Orders V2), customers (Customers V3) and products (Catalog V3) follow BigCommerce's descriptions",
    descriptions: () => [
      described('bigcommerce orders v2', 'bigcommerce/orders.v2.openapi.json'),
      described('bigcommerce customers v3', 'bigcommerce/customers.v3.openapi.json'),
      described('bigcommerce catalog products v3', 'bigcommerce/products_catalog.v3.openapi.json'),
    ],
    known: [
      {
        match: {
          operation: 'GET /orders',
          where: 'request',
          message: 'query parameter sort must be equal to one of the allowed values ["id","customer_id","date_created","date_modified","status_id","channel_id","external_id"]',
        },
        why: "the enum lists the fields alone while the parameter's own text asks for `field:asc` or `field:desc` (`sort=date_created:desc`); the connector follows the text",
      },
      { match: { operation: 'GET /orders', where: '204', message: 'status 204 is not described' }, why: V2_204 },
      { match: { operation: 'GET /orders/{order_id}/products', where: '204', message: 'status 204 is not described' }, why: V2_204 },
      { match: { operation: 'GET /orders/{order_id}/coupons', where: '204', message: 'status 204 is not described' }, why: V2_204 },
    ],
  },
  {
    connection: 'promo',
    label: "Talon.One: an Application's profiles, sessions, campaigns, coupons, referrals and its loyalty programs' ledgers follow the Management API's description",
    descriptions: () => [described('talonone management api', 'talonone/management-api.openapi.json')],
    known: [
      {
        match: { operation: 'GET /v1/applications/{applicationId}/customers', where: '200', message: 'body/data/*/loyaltyMemberships must be array' },
        why: 'the description says of the field "DEPRECATED. Always returns `null`." but types it as an array that is not nullable',
      },
    ],
  },
  {
    connection: 'marketplace',
    label: "Amazon: orders and their items (Orders API v0) and returns and feedback reports (Reports API 2021-06-30) follow the Selling Partner API models",
    descriptions: () => [
      described('amazon orders v0', 'amazon-seller/ordersV0.json'),
      described('amazon reports 2021-06-30', 'amazon-seller/reports_2021-06-30.json'),
    ],
  },
];

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let emulators: SourceEmulators;
const proxies = new Map<string, RecordingProxy>();

beforeAll(async () => {
  [env, emulators] = await Promise.all([startDevServer(), startSourceEmulators(5, 0.05)]);
  Object.assign(process.env, emulators.env);
  // Each checked connection talks to its emulator through a recording proxy; the path stays as it was.
  const connections = await Promise.all(
    emulators.connections.map(async (c) => {
      if (!CASES.some((k) => k.connection === c.id)) return c;
      const base = new URL(c.base_url as string);
      const proxy = await startRecordingProxy(base.origin);
      proxies.set(c.id as string, proxy);
      return { ...c, base_url: `${proxy.url}${base.pathname.replace(/\/$/, '')}` };
    }),
  );
  // Reports are asked about every half second, so waiting for Amazon's reports stays short.
  ws = makeWorkspace(connections, { sync: { report_poll_seconds: 0.5, report_max_poll_seconds: 2 } });
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await Promise.all([...proxies.values()].map((p) => p.close()));
  await emulators?.close();
  ws?.cleanup();
});

const sameMismatch = (a: Pick<Mismatch, 'operation' | 'where' | 'message'>, b: Mismatch) => a.operation === b.operation && a.where === b.where && a.message === b.message;

describe("a sync's requests and answers follow the vendor's published API description", () => {
  for (const c of CASES) {
    it(c.label, async () => {
      // A backfill, then an incremental sync from its cursors: the requests of both kinds.
      for (const mode of ['historical', 'incremental'] as const) {
        if (mode === 'incremental') await c.changeSource?.();
        const handle = await startSync(env.client, findConnection(ws.config(), c.connection), { mode, buildAfter: false, tuning: syncTuning(ws.config()) });
        const result = await waitForSync(handle, () => {});
        if (mode === 'historical') expect(result.streams.reduce((n, s) => n + s.rows, 0)).toBeGreaterThan(0);
      }

      const descriptions = c.descriptions();
      const checker = new ConformanceChecker(descriptions);
      const exchanges = proxies.get(c.connection)!.exchanges;
      if (c.changeSource) expect(exchanges.some((x) => x.url.startsWith('/v1/events') && (JSON.parse(x.responseBody) as { data: unknown[] }).data.length > 0)).toBe(true);
      for (const x of exchanges) checker.check(x);
      const unexpected = checker.mismatches().filter((m) => !(c.known ?? []).some((k) => sameMismatch(k.match, m)));
      expect(unexpected, describeMismatches(unexpected)).toEqual([]);
      // Every operation kept in the trimmed description was exercised by the sync.
      const kept = descriptions.flatMap((d) => Object.entries(d.doc.paths as Record<string, Record<string, unknown>>).flatMap(([p, item]) => Object.keys(item).filter((k) => k !== 'parameters').map((m) => `${m.toUpperCase()} ${p}`)));
      expect([...checker.reached].sort()).toEqual(kept.sort());
    });
  }
});
