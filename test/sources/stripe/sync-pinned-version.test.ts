import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runBuild } from '../../../app/builds';
import { queryWarehouse } from '../../../app/query';
import { startSync, waitForSync } from '../../../app/syncs';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { findConnection } from '../../../lib/config';
import { SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';
import { listAll, type StripeObject } from './emulator-http';

// An account whose default API version predates basil, as one opened before 2025-03-31 and never
// upgraded: an unpinned client reads its invoices without `parent`, and its events keep that shape
// whatever a client pins.
const KEY = 'sk_test_pinned_version_key_1';
const ENV_VAR = 'CDP_TEST_STRIPE_PINNED_KEY';
const PINNED = '2026-07-29.dahlia';

let env: TestWorkflowEnvironment;
let emulator: StripeEmulator;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, emulator] = await Promise.all([
    startDevServer(),
    startStripeEmulator({ port: 0, seed: 13, scale: 0.05, apiKeys: [KEY], rateLimitPerSecond: 500, apiVersion: '2025-02-24.acacia' }),
  ]);
  ws = makeWorkspace([{ id: 'stripe-old', source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: ENV_VAR }]);
  process.env[ENV_VAR] = KEY;
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await emulator?.close();
  ws?.cleanup();
});

const sql = async (query: string) => (await queryWarehouse(ws.config().layout.warehouse, query)).rows;
const sync = async (mode: 'historical' | 'manual') => waitForSync(await startSync(env.client, findConnection(ws.config(), 'stripe-old'), { mode }), () => {});

/** Every invoice as the pinned version lists it, read straight from the emulator. */
const pinnedInvoices = () => listAll(emulator.url, 'invoices', '', KEY, PINNED);
const subscriptionOf = (invoice: StripeObject) => (invoice.parent as { subscription_details: { subscription: string } }).subscription_details.subscription;

describe('a Stripe sync of an account whose default version predates basil', () => {
  it('lands objects in the pinned version, not the account default', async () => {
    await sync('historical');
    await runBuild(env.client);
    const rows = await sql(`select payload->'parent'->'subscription_details'->>'subscription' as sub, payload->>'subscription' as top from raw.stripe__invoices`);
    expect(rows.length).toBe(emulator.truth().streams.invoices.count);
    expect(rows.every((r) => typeof r.sub === 'string' && r.top === null)).toBe(true);
  });

  it('keeps each invoice subscription when a pre-basil event brings the newest version of it', async () => {
    const invoices = await pinnedInvoices();
    const open = invoices.find((i) => i.status === 'open')!;
    const response = await fetch(`${emulator.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'void_invoice', id: open.id }) });
    expect(response.status).toBe(200);
    // A window ends (exclusively) at the second its sync starts; changes in that same second belong to the next sync.
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const result = await sync('manual');
    const { rows: landed, window } = result.streams.find((s) => s.stream === 'events')!;
    expect(landed).toBe((await listAll(emulator.url, 'events', `&created[gte]=${window.from}&created[lt]=${window.to}`, KEY)).length);
    await runBuild(env.client);
    // The void's two events, and any event of the world's last 30 days, carry the invoice before basil.
    const voided = await sql(`select payload->'data'->'object'->>'subscription' as top, payload->>'api_version' as version from raw.stripe__events
      where (payload->'data'->'object'->>'id') = '${open.id}' and (payload->>'type') in ('invoice.updated', 'invoice.voided')`);
    expect(voided).toEqual([0, 1].map(() => ({ top: subscriptionOf(open), version: '2025-02-24.acacia' })));
    const invoiceEvents = await sql(`select payload->'data'->'object'->>'id' as id, payload->'data'->'object'->>'subscription' as top,
      payload->'data'->'object'->'parent' as parent, payload->>'api_version' as version from raw.stripe__events where (payload->'data'->'object'->>'object') = 'invoice'`);
    const subscriptionById = new Map(invoices.map((i) => [i.id, subscriptionOf(i)] as const));
    expect(invoiceEvents.length).toBeGreaterThan(2);
    for (const e of invoiceEvents) expect(e, String(e.id)).toEqual({ id: e.id, top: subscriptionById.get(String(e.id)), parent: null, version: '2025-02-24.acacia' });
    const rows = await sql('select stripe_invoice_id as id, stripe_subscription_id as sub, source_status from staging.stg_stripe__invoices');
    expect(Object.fromEntries(rows.map((r) => [r.id, r.sub]))).toEqual(Object.fromEntries(invoices.map((i) => [i.id, subscriptionOf(i)])));
    expect(rows.find((r) => r.id === open.id)?.source_status).toBe('void');
  });

  it("keeps a refunded invoice charge the invoice's one order when its pre-basil event names the invoice", async () => {
    const invoices = await pinnedInvoices();
    const charges = await listAll(emulator.url, 'charges', '', KEY, PINNED);
    const paidBy = (invoice: StripeObject) => (invoice.payments as { data: { payment: { payment_intent: string } }[] } | undefined)?.data[0]?.payment.payment_intent;
    const expanded = await listAll(emulator.url, 'invoices', '&expand[]=data.payments', KEY, PINNED);
    const invoice = expanded.find((i) => paidBy(i) !== undefined && (i.total_discount_amounts as unknown[]).length > 0) ?? expanded.find((i) => paidBy(i) !== undefined)!;
    const charge = charges.find((c) => c.payment_intent === paidBy(invoice))!;
    const response = await fetch(`${emulator.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ action: 'refund_charge', id: charge.id }) });
    expect(response.status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 1100));
    await sync('manual');
    await runBuild(env.client);
    const events = await sql(`select payload->'data'->'object'->>'invoice' as invoice from raw.stripe__events
      where payload->>'type' = 'charge.refunded' and (payload->'data'->'object'->>'id') = '${charge.id}'`);
    expect(events).toEqual([{ invoice: invoice.id }]);
    const discount = (invoice.total_discount_amounts as { amount: number }[]).reduce((n, d) => n + d.amount, 0);
    const orders = await sql(`select source_order_id as id, status, discount_minor::int as discount, split_part(subscription_id, ':', 3) as sub
      from core.orders where source_order_id in ('${charge.id}', '${invoice.id}')`);
    expect(orders).toEqual([{ id: charge.id, status: 'refunded', discount: discount, sub: subscriptionOf(invoice) }]);
    expect(invoices.some((i) => i.id === invoice.id)).toBe(true);
  });
});
