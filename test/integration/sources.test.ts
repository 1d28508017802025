import type { TestWorkflowEnvironment } from '@temporalio/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSync, waitForSync } from '../../cli/workflow-runs';
import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../emulators/activecampaign';
import { startBigCommerceEmulator, type BigCommerceEmulator } from '../../emulators/bigcommerce';
import { startFacebookAdsEmulator, type FacebookAdsEmulator } from '../../emulators/facebook-ads';
import { startThriveCartEmulator, type ThriveCartEmulator } from '../../emulators/thrivecart';
import { findConnection } from '../../lib/config';
import { SYNC_TASK_QUEUE } from '../../lib/temporal-names';
import { startWorker, type RunningWorker } from '../../worker/run-worker';
import { startDevServer } from '../support/temporal';
import { makeWorkspace } from '../support/workspace';

// Each connector was written from its API's documentation and each emulator apart from it; a
// historical sync through the real dev server must land exactly what the emulator says it holds.

let env: TestWorkflowEnvironment;
let worker: RunningWorker;
let ws: ReturnType<typeof makeWorkspace>;
let bigcommerce: BigCommerceEmulator;
let thrivecart: ThriveCartEmulator;
let activecampaign: ActiveCampaignEmulator;
let facebook: FacebookAdsEmulator;

beforeAll(async () => {
  [env, bigcommerce, thrivecart, activecampaign, facebook] = await Promise.all([
    startDevServer(),
    // Quotas off: line items and coupons cost a request per order, and the test is about the data.
    startBigCommerceEmulator({ port: 0, seed: 3, scale: 0.1, rateLimitQuota: 0 }),
    startThriveCartEmulator({ port: 0, seed: 3, scale: 0.1, rateLimitPerMinute: 600 }),
    startActiveCampaignEmulator({ port: 0, seed: 3, scale: 0.1 }),
    startFacebookAdsEmulator({ port: 0, seed: 3, scale: 0.1 }),
  ]);
  process.env.CDP_IT_AC_KEY = activecampaign.apiKeys[0];
  process.env.CDP_IT_FB_TOKEN = facebook.accessTokens[0];
  process.env.CDP_IT_BC_TOKEN = bigcommerce.accessTokens[0];
  process.env.CDP_IT_TC_KEY = thrivecart.apiKeys[0];
  ws = makeWorkspace([
    { id: 'store', source: 'bigcommerce', environment: 'live', base_url: bigcommerce.apiBaseUrl, credential_env: 'CDP_IT_BC_TOKEN', requests_per_second: 50 },
    { id: 'crm', source: 'activecampaign', environment: 'live', base_url: activecampaign.url, credential_env: 'CDP_IT_AC_KEY' },
    { id: 'ads', source: 'facebook_ads', environment: 'live', base_url: `${facebook.url}/v19.0/${facebook.adAccountId}`, credential_env: 'CDP_IT_FB_TOKEN' },
    { id: 'cart', source: 'thrivecart', environment: 'live', base_url: thrivecart.apiBaseUrl, credential_env: 'CDP_IT_TC_KEY', requests_per_second: 8 },
  ]);
  worker = await startWorker({ address: env.address, namespace: 'default', taskQueue: SYNC_TASK_QUEUE, loadConfig: ws.config });
});

afterAll(async () => {
  await worker?.shutdown();
  await env?.teardown();
  await bigcommerce?.close();
  await thrivecart?.close();
  await activecampaign?.close();
  await facebook?.close();
  ws?.cleanup();
});

async function historical(connectionId: string): Promise<Record<string, { rows: number; quarantined: number }>> {
  const handle = await startSync(env.client, findConnection(ws.config(), connectionId), { mode: 'historical' });
  const result = await waitForSync(handle, () => {});
  return Object.fromEntries(result.streams.map((s) => [s.stream, { rows: s.rows, quarantined: s.quarantined }]));
}

describe('historical syncs of every source land the emulator ground truth', () => {
  it('BigCommerce: orders (abandoned ones too), line items, coupons, customers and products', async () => {
    const truth = bigcommerce.truth().streams;
    const landed = await historical('store');
    const incomplete = truth.orders.count_by_status_id['0'] ?? 0;
    expect(landed).toEqual({
      orders: { rows: truth.orders.listed_without_status_filter, quarantined: 0 },
      incomplete_orders: { rows: incomplete, quarantined: 0 },
      order_products: { rows: expect.any(Number), quarantined: 0 },
      order_coupons: { rows: expect.any(Number), quarantined: 0 },
      customers: { rows: truth.customers.count, quarantined: 0 },
      products: { rows: truth.products.count, quarantined: 0 },
    });
    expect(landed.orders!.rows + landed.incomplete_orders!.rows).toBe(truth.orders.count);
    // Line items and coupons are read per listed order; abandoned checkouts have theirs too, unread.
    const get = async (path: string) => {
      const response = await fetch(`${bigcommerce.apiBaseUrl}${path}`, { headers: { 'x-auth-token': bigcommerce.accessTokens[0]! } });
      return response.status === 204 ? [] : ((await response.json()) as unknown[]);
    };
    const abandoned = (await get('/v2/orders?status_id=0&limit=250')) as { id: number }[];
    let abandonedItems = 0;
    let abandonedCoupons = 0;
    for (const order of abandoned) {
      abandonedItems += (await get(`/v2/orders/${order.id}/products?limit=250`)).length;
      abandonedCoupons += (await get(`/v2/orders/${order.id}/coupons`)).length;
    }
    expect(landed.order_products!.rows).toBe(truth.order_products.count - abandonedItems);
    expect(landed.order_coupons!.rows).toBe(truth.order_coupons.count - abandonedCoupons);
  });

  it('ActiveCampaign: contacts, tags, custom fields and Deep Data', async () => {
    const t = activecampaign.truth().streams;
    const landed = await historical('crm');
    expect(landed).toEqual({
      contacts: { rows: t.contacts.count, quarantined: 0 },
      tags: { rows: t.tags.count, quarantined: 0 },
      contact_tags: { rows: t.contactTags.count, quarantined: 0 },
      fields: { rows: t.fields.count, quarantined: 0 },
      field_values: { rows: t.fieldValues.count, quarantined: 0 },
      ecom_customers: { rows: t.ecomCustomers.count, quarantined: 0 },
      ecom_orders: { rows: t.ecomOrders.count, quarantined: 0 },
      ecom_order_products: { rows: t.ecomOrderProducts.count, quarantined: 0 },
      connections: { rows: t.connections.count, quarantined: 0 },
    });
  });

  it('Facebook Ads: one insights row per campaign and day, and every campaign', async () => {
    const truth = facebook.truth();
    expect(await historical('ads')).toEqual({
      insights: { rows: truth.totals.row_count, quarantined: 0 },
      campaigns: { rows: truth.campaigns.length, quarantined: 0 },
    });
  });

  it('ThriveCart: every transaction', async () => {
    const truth = thrivecart.truth().streams;
    expect(await historical('cart')).toEqual({ transactions: { rows: truth.transactions.count, quarantined: 0 } });
  });
});
