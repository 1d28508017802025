import { DuckDBInstance } from '@duckdb/node-api';
import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import { runBuild } from '../../../app/builds';
import { startSync, waitForSync } from '../../../app/syncs';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { findConnection } from '../../../lib/config';
import { SEARCH_ATTRIBUTES } from '../../../lib/search-attributes';
import { BUILD_WORKFLOW_ID, SYNC_TASK_QUEUE } from '../../../lib/temporal-names';
import { committedStates } from '../../support/lake-reads';
import { startWorker, type RunningWorker } from '../../../worker/run-worker';
import { startDevServer } from '../../support/temporal';
import { makeWorkspace } from '../../support/workspace';
import { listAll } from './emulator-http';

const KEY = 'sk_test_integration_key_123';
const ENV_VAR = 'CDP_TEST_STRIPE_KEY';

let env: TestWorkflowEnvironment;
let emulator: StripeEmulator;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;

beforeAll(async () => {
  [env, emulator] = await Promise.all([
    startDevServer(),
    startStripeEmulator({ port: 0, seed: 7, scale: 0.1, apiKeys: [KEY], rateLimitPerSecond: 500 }),
  ]);
  ws = makeWorkspace([{ id: 'stripe-it', source: 'stripe', environment: 'sandbox', base_url: emulator.url, credential_env: ENV_VAR }]);
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
/** What the emulator lists of a stream created in a sync's window, [from, to). */
const createdIn = async (stream: string, window: { from: number | null; to: number }) =>
  listAll(emulator.url, stream, `${stream === 'subscriptions' ? '&status=all' : ''}&created[gte]=${window.from ?? 0}&created[lt]=${window.to}`, KEY);

const historicalSync = async () => {
  const handle = await startSync(env.client, findConnection(ws.config(), 'stripe-it'), { mode: 'historical' });
  return { handle, result: await waitForSync(handle, () => {}) };
};

describe('a historical Stripe sync through a real Temporal dev server', () => {
  it('lands every record of every stream the emulator holds', async () => {
    const { result } = await historicalSync();
    const truth = emulator.truth().streams;
    const rows = Object.fromEntries(result.streams.map((s) => [s.stream, s.rows]));
    expect(rows).toEqual({
      events: truth.events.count,
      customers: truth.customers.count,
      charges: truth.charges.count,
      invoices: truth.invoices.count,
      subscriptions: truth.subscriptions.count,
      refunds: truth.refunds.count,
      coupons: truth.coupons.count,
      promotion_codes: truth.promotion_codes.count,
    });
    expect(result.streams.every((s) => s.quarantined === 0)).toBe(true);
    const states = await committedStates(ws.config(), 'stripe-it');
    expect(states).toHaveLength(8);
    expect(states.every((s) => s.inProgress === null && s.highWaterMark !== null && s.lastSync?.mode === 'historical')).toBe(true);
  });

  // A charge is an order (one that paid an invoice is that invoice's); so is a paid invoice no charge paid.
  const CHARGE_ORDERS = "(select * from core.orders where starts_with(source_order_id, 'ch_'))";

  it('builds orders whose counts and sums equal the emulator ground truth', async () => {
    await runBuild(env.client);
    const truth = emulator.truth().streams.charges;
    const [{ n }] = (await sql(`select count(*)::int as n from ${CHARGE_ORDERS}`)) as [{ n: number }];
    expect(n).toBe(truth.count);

    const sums = await sql(`select lower(currency) as c, sum(total_minor)::bigint::varchar as s, sum(refunded_minor)::bigint::varchar as r from ${CHARGE_ORDERS} group by 1`);
    expect(Object.fromEntries(sums.map((x) => [x.c, Number(x.s)]))).toEqual(truth.amount_sum_by_currency);
    const refunded = Object.fromEntries(sums.map((x) => [x.c, Number(x.r)]).filter(([, r]) => r !== 0));
    expect(refunded).toEqual(Object.fromEntries(Object.entries(truth.amount_refunded_sum_by_currency).filter(([, r]) => r !== 0)));

    const statuses = Object.fromEntries((await sql(`select status, count(*)::int as n from ${CHARGE_ORDERS} group by 1`)).map((x) => [x.status, x.n]));
    expect(statuses.failed ?? 0).toBe(truth.by_status.failed ?? 0);
    expect(statuses.refunded ?? 0).toBe(truth.refunded_count);
    expect(statuses.partially_refunded ?? 0).toBe(truth.partially_refunded_count);

    // Only the invoices paid outside Stripe are orders of their own; every other paid one is its charge's.
    const invoices = emulator.truth().streams.invoices;
    const invoiceOrders = await sql(`select lower(currency) as c, count(*)::int as n, sum(total_minor)::bigint::varchar as s from core.orders where starts_with(source_order_id, 'in_') group by 1`);
    expect(Object.fromEntries(invoiceOrders.map((x) => [x.c, Number(x.s)]))).toEqual(invoices.paid_out_of_band_sum_by_currency);
    expect(invoiceOrders.reduce((n, x) => n + Number(x.n), 0)).toBe(invoices.paid_out_of_band_count);
    const [linked] = await sql(`select count(*)::int as n from ${CHARGE_ORDERS} where subscription_id is not null`);
    expect(linked!.n).toBe(truth.invoice_count);
    expect(invoices.paid_out_of_band_count + truth.invoice_count).toBe(invoices.paid_with_total_count);
  });

  it('builds one customer per normalized email, plus each customer without one', async () => {
    const people = emulator.truth().people;
    const [{ n, emails }] = (await sql('select count(*)::int as n, count(email)::int as emails from core.customers')) as [{ n: number; emails: number }];
    expect(emails).toBe(people.distinct_normalized_customer_emails);
    expect(n - emails).toBe(people.customers_without_email);
  });

  it('keeps exact values of individual charges', async () => {
    const response = await fetch(`${emulator.url}/v1/charges?limit=5`, { headers: { authorization: `Bearer ${KEY}` } });
    const { data } = (await response.json()) as { data: { id: string; amount: number; amount_refunded: number; currency: string; created: number; status: string }[] };
    expect(data).toHaveLength(5);
    for (const charge of data) {
      const rows = await sql(`select total_minor::int as total, refunded_minor::int as refunded, currency, epoch(ordered_at)::bigint::int as created, source_status, environment
        from core.orders where source_order_id = '${charge.id}'`);
      expect(rows).toEqual([
        { total: charge.amount, refunded: charge.amount_refunded, currency: charge.currency.toUpperCase(), created: charge.created, source_status: charge.status, environment: 'sandbox' },
      ]);
    }
  });

  it('a second historical sync lands everything again, and the models still count each record once', async () => {
    await historicalSync();
    await runBuild(env.client);
    const truth = emulator.truth().streams;
    const [raw] = await sql('select count(*)::int as n from raw.stripe__charges');
    expect(raw!.n).toBe(2 * truth.charges.count);
    const [orders] = await sql(`select count(*)::int as n from ${CHARGE_ORDERS}`);
    expect(orders!.n).toBe(truth.charges.count);
  });

  it('a manual sync after a historical one reads only the lookback window, which the world\'s last hour fills', async () => {
    const handle = await startSync(env.client, findConnection(ws.config(), 'stripe-it'), { mode: 'manual' });
    const result = await waitForSync(handle, () => {});
    expect(result.streams.every((s) => s.window.from !== null)).toBe(true);
    // The emulator's world ends when it started, just before the last sync: the hour before holds records.
    for (const s of result.streams) expect(s.rows, s.stream).toBe((await createdIn(s.stream, s.window)).length);
    expect(result.streams.find((s) => s.stream === 'charges')!.rows).toBeGreaterThan(0);
  });

  it('changes made at the source after a sync reach the models with the next manual sync', async () => {
    const [paid] = await sql("select source_order_id as id, total_minor::int as total from core.orders where status = 'paid' order by source_order_id limit 1");
    const [customer] = await sql('select stripe_customer_id as id from staging.stg_stripe__customers where email is not null order by 1 limit 1');
    const [subscription] = await sql("select stripe_subscription_id as id from staging.stg_stripe__subscriptions where source_status = 'active' order by 1 limit 1");
    const mutate = (body: object) =>
      fetch(`${emulator.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => {
        expect(r.status).toBe(200);
      });
    await mutate({ action: 'refund_charge', id: paid!.id });
    await mutate({ action: 'update_customer', id: customer!.id, email: '  Moved.Person@Example.COM ' });
    await mutate({ action: 'cancel_subscription', id: subscription!.id });
    // A window ends (exclusively) at the second its sync starts; changes in that same second belong to the next sync.
    await new Promise((resolve) => setTimeout(resolve, 1100));

    const result = await waitForSync(await startSync(env.client, findConnection(ws.config(), 'stripe-it'), { mode: 'manual' }), () => {});
    // Beside the world's last hour, the refund records charge.refunded and refund.created; the others one event each.
    const events = result.streams.find((s) => s.stream === 'events')!;
    const listed = await createdIn('events', events.window);
    expect(events.rows).toBe(listed.length);
    const anchorS = Date.parse(emulator.truth().anchor) / 1000;
    expect(listed.filter((e) => e.created >= anchorS).map((e) => e.type).sort()).toEqual(['charge.refunded', 'customer.subscription.deleted', 'customer.updated', 'refund.created']);
    const refunds = result.streams.find((s) => s.stream === 'refunds')!;
    expect(refunds.rows).toBe((await createdIn('refunds', refunds.window)).length);
    expect((await createdIn('refunds', refunds.window)).filter((r) => r.charge === paid!.id)).toHaveLength(1);
    await runBuild(env.client);

    expect(await sql(`select status, refunded_minor::int as refunded from core.orders where source_order_id = '${paid!.id}'`)).toEqual([{ status: 'refunded', refunded: paid!.total }]);
    expect(await sql(`select amount_minor::int as amount from staging.stg_stripe__refunds where stripe_charge_id = '${paid!.id}'`)).toEqual([{ amount: paid!.total }]);
    expect(await sql(`select email from staging.stg_stripe__customers where stripe_customer_id = '${customer!.id}'`)).toEqual([{ email: 'moved.person@example.com' }]);
    expect(await sql(`select source_status from staging.stg_stripe__subscriptions where stripe_subscription_id = '${subscription!.id}'`)).toEqual([{ source_status: 'canceled' }]);
    const [orders] = await sql(`select count(*)::int as n from ${CHARGE_ORDERS}`);
    expect(orders!.n).toBe(emulator.truth().streams.charges.count);
  });

  it('workflow history carries neither the credential nor record data', async () => {
    const { handle } = await historicalSync();
    const history = JSON.stringify(await handle.fetchHistory());
    expect(history).not.toContain(KEY);
    const [someone] = await sql('select email from core.customers where email is not null limit 1');
    expect(history).not.toContain(String(someone!.email));
    const description = await handle.describe();
    expect(description.typedSearchAttributes.get(SEARCH_ATTRIBUTES.connection)).toBe('stripe-it');
  });

  it('a long sync continues as new with its cursors and still lands every record once', async () => {
    const connection = findConnection(ws.config(), 'stripe-it');
    const handle = await startSync(env.client, connection, { mode: 'historical', tuning: { rowsPerFile: 100, batchBudgetMs: 1, historyEventsBeforeContinue: 30 } });
    const result = await waitForSync(handle, () => {});
    expect(result.streams.find((s) => s.stream === 'charges')?.rows).toBe(emulator.truth().streams.charges.count);
    const first = await env.client.workflow.getHandle(handle.workflowId, handle.firstExecutionRunId).describe();
    const last = await env.client.workflow.getHandle(handle.workflowId).describe();
    expect(first.status.name).toBe('CONTINUED_AS_NEW');
    expect(last.runId).not.toBe(handle.firstExecutionRunId);
    expect(last.status.name).toBe('COMPLETED');
  });

  it('readers are never blocked and never see half a build while the warehouse is rebuilt', async () => {
    const [{ n: expected }] = (await sql('select count(*)::int as n from core.orders')) as [{ n: number }];
    // One reader keeps its connection across the rebuilds; the other opens the file afresh each time.
    const held = await DuckDBInstance.create(ws.config().layout.warehouse, { access_mode: 'READ_ONLY' });
    const heldConnection = await held.connect();
    let stop = false;
    let reads = 0;
    const failures: string[] = [];
    const reader = (async () => {
      while (!stop) {
        try {
          const [fresh] = await sql('select count(*)::int as n from core.orders');
          const kept = (await heldConnection.runAndReadAll('select count(*)::int as n from core.orders')).getRowObjectsJS()[0] as { n: number };
          if (fresh!.n !== expected || kept.n !== expected) failures.push(`saw ${fresh!.n} and ${kept.n} orders`);
          reads++;
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    })();
    const builds = [];
    // Full builds: each writes and swaps in a new file (with nothing new landed, a build leaves the file as it is).
    for (let i = 0; i < 3; i++) builds.push(await runBuild(env.client, undefined, { full: true }));
    stop = true;
    await reader;
    heldConnection.closeSync();
    held.closeSync();
    expect(failures).toEqual([]);
    expect(reads).toBeGreaterThan(3);
    expect(builds.every((b) => b.mode === 'full' && b.models.find((m) => m.model === 'core.orders')?.rows === expected)).toBe(true);
  });

  it('build requests that arrive together collapse into one running build and one queued', async () => {
    const results = await Promise.all(Array.from({ length: 5 }, () => runBuild(env.client)));
    expect(new Set(results.map((r) => r.warehouse)).size).toBe(1);
    const history = await env.client.workflow.getHandle(BUILD_WORKFLOW_ID).fetchHistory();
    const builds = history.events!.filter((e) => e.activityTaskScheduledEventAttributes?.activityType?.name === 'buildWarehouse');
    expect(builds.length).toBeGreaterThanOrEqual(1);
    expect(builds.length).toBeLessThanOrEqual(2);
  });

  it('refuses a second sync of the same connection while one runs', async () => {
    const connection = findConnection(ws.config(), 'stripe-it');
    const first = await startSync(env.client, connection, { mode: 'historical' });
    await expect(startSync(env.client, connection, { mode: 'historical' })).rejects.toThrow(/already running \(workflow sync:stripe-it/);
    await first.result();
  });
});
