import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queryWarehouse } from '../../../app/query';
import { startStripeEmulator, type StripeEmulator } from '../../../emulators/stripe';
import { PROJECT_ROOT } from '../../../lib/paths';
import { buildWarehouse } from '../../../lib/warehouse/build-warehouse';
import { makeWorkspace } from '../../support/workspace';
import { listAll, TEST_KEY, type StripeObject } from './emulator-http';
import { landRawRows } from '../../support/raw-lake';

// One Stripe account read twice: once in the pinned version, once in a version before basil (the
// shape an unpinned client gets from an account that was never upgraded). Events are written in the
// account's default version whatever a request pins, so both reads carry pre-basil events. Staging
// must make the same rows of both, but for what paid an invoice: before basil the invoice names its
// charge and the charge its invoice, since only the invoice's payments name the charge's intent; the
// intermediate links of each order to its invoice must then be the same.

const PINNED = '2026-07-29.dahlia';
const PRE_BASIL = '2025-02-24.acacia';
const STREAMS = ['customers', 'charges', 'invoices', 'subscriptions', 'refunds', 'coupons', 'promotion_codes', 'events'] as const;
const MODELS = ['customers', 'charges', 'invoices', 'subscriptions', 'refunds', 'coupons', 'promotion_codes'] as const;
const CONNECTION_OF = { [PINNED]: 'pinned', [PRE_BASIL]: 'pre_basil' } as const;

let emulator: StripeEmulator;
let ws: ReturnType<typeof makeWorkspace>;
let warehouse: string;
let voided: { id: string; subscription: string };
const listedInvoices = new Map<string, StripeObject[]>();

// The pinned version's invoices with their payments, as the connector asks for them.
const PARAMS: Record<string, string> = { subscriptions: '&status=all', invoices: '&expand[]=data.payments' };
const listAs = (resource: string, version: string) => listAll(emulator.url, resource, version === PRE_BASIL && resource === 'invoices' ? '' : (PARAMS[resource] ?? ''), TEST_KEY, version);
/** The columns that say what paid an invoice, which only one of the two shapes names. */
const SHAPE_ONLY: Record<string, string> = { charges: 'stripe_invoice_id', invoices: 'stripe_charge_id' };

async function mutate(body: object): Promise<void> {
  const response = await fetch(`${emulator.url}/_emulator/mutate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  expect(response.status, JSON.stringify(body)).toBe(200);
}

const sql = async (query: string) => (await queryWarehouse(warehouse, query)).rows;

beforeAll(async () => {
  emulator = await startStripeEmulator({ port: 0, seed: 9, scale: 0.05, apiKeys: [TEST_KEY], rateLimitPerSecond: 0, apiVersion: PRE_BASIL });
  ws = makeWorkspace([]);

  // Changes after the account was built, so that events of each kind staging reads exist.
  const invoices = await listAs('invoices', PINNED);
  const open = invoices.find((i) => i.status === 'open')!;
  voided = { id: open.id, subscription: (open.parent as { subscription_details: { subscription: string } }).subscription_details.subscription };
  const charge = (await listAs('charges', PINNED)).find((c) => c.status === 'succeeded' && c.amount_refunded === 0)!;
  const subscription = (await listAs('subscriptions', PINNED)).find((s) => s.status === 'active')!;
  const customer = (await listAs('customers', PINNED))[0]!;
  await mutate({ action: 'void_invoice', id: open.id });
  await mutate({ action: 'refund_charge', id: charge.id });
  await mutate({ action: 'cancel_subscription', id: subscription.id });
  await mutate({ action: 'update_customer', id: customer.id, email: 'Someone.New@Example.com' });

  const config = ws.config();
  for (const version of [PINNED, PRE_BASIL] as const) {
    for (const stream of STREAMS) {
      const records = await listAs(stream, version);
      if (stream === 'invoices') listedInvoices.set(version, records);
      await landRawRows(
        config,
        { source: 'stripe', stream, connection: CONNECTION_OF[version], environment: 'sandbox', syncId: version, syncMode: 'historical', seq: 0 },
        records.map((r) => ({ primaryKey: r.id, cursorValue: String(r.created), syncedAt: new Date('2026-01-01T00:00:00Z'), payload: r })),
      );
    }
  }
  const modelsDir = path.join(ws.dir, 'models');
  fs.mkdirSync(path.join(modelsDir, 'staging'), { recursive: true });
  for (const f of fs.readdirSync(path.join(PROJECT_ROOT, 'models', 'staging'))) fs.copyFileSync(path.join(PROJECT_ROOT, 'models', 'staging', f), path.join(modelsDir, 'staging', f));
  fs.mkdirSync(path.join(modelsDir, 'intermediate'), { recursive: true });
  fs.copyFileSync(path.join(PROJECT_ROOT, 'models', 'intermediate', 'int_stripe__order_invoices.sql'), path.join(modelsDir, 'intermediate', 'int_stripe__order_invoices.sql'));
  ({ warehouse } = await buildWarehouse(config, { modelsDir }));
}, 120_000);

afterAll(async () => {
  await emulator?.close();
  ws?.cleanup();
});

describe('Stripe staging over the pinned version and a version before basil', () => {
  it('reads two differently shaped copies of the account', () => {
    expect(listedInvoices.get(PINNED)!.every((i) => 'parent' in i)).toBe(true);
    expect(listedInvoices.get(PRE_BASIL)!.some((i) => 'parent' in i)).toBe(false);
  });

  it('gives every invoice the subscription the emulator billed it for, in both versions', async () => {
    const truth = Object.fromEntries(listedInvoices.get(PINNED)!.map((i) => [i.id, (i.parent as { subscription_details: { subscription: string } }).subscription_details.subscription]));
    for (const connection of Object.values(CONNECTION_OF)) {
      const rows = await sql(`select stripe_invoice_id as id, stripe_subscription_id as sub from staging.stg_stripe__invoices where connection = '${connection}'`);
      expect(Object.fromEntries(rows.map((r) => [r.id, r.sub])), connection).toEqual(truth);
    }
    const [row] = await sql(`select source_status, stripe_subscription_id as sub from staging.stg_stripe__invoices where stripe_invoice_id = '${voided.id}' and connection = 'pinned'`);
    expect(row).toEqual({ source_status: 'void', sub: voided.subscription });
  });

  it('makes the same rows of every model from both versions', async () => {
    for (const model of MODELS) {
      const excluded = ['connection', ...(SHAPE_ONLY[model] ? [SHAPE_ONLY[model]] : [])].join(', ');
      const rowsOf = (connection: string) =>
        sql(`select * exclude (${excluded}) from staging.stg_stripe__${model} where connection = '${connection}' order by all`).then((rows) => JSON.stringify(rows));
      const [pinned, older] = await Promise.all([rowsOf('pinned'), rowsOf('pre_basil')]);
      expect(older, model).toBe(pinned);
      expect(pinned.length, model).toBeGreaterThan(2);
    }
  });

  it('links each charge to the invoice it paid the same way from both shapes', async () => {
    const linksOf = (connection: string) =>
      sql(`select source_order_id, stripe_invoice_id, is_invoice_order from intermediate.int_stripe__order_invoices where connection = '${connection}' order by all`);
    const [pinned, older] = await Promise.all([linksOf('pinned'), linksOf('pre_basil')]);
    expect(older).toEqual(pinned);
    expect(pinned.filter((l) => !l.is_invoice_order).length).toBeGreaterThan(2);
    // Each paid invoice with a total is settled once: by its charge, or (paid outside Stripe) by itself.
    const settled = pinned.map((l) => l.stripe_invoice_id);
    expect(new Set(settled).size).toBe(settled.length);
  });
});
