import { startActiveCampaignEmulator, type ActiveCampaignEmulator } from '../../emulators/activecampaign';
import { startBigCommerceEmulator, type BigCommerceEmulator } from '../../emulators/bigcommerce';
import { startFacebookAdsEmulator, type FacebookAdsEmulator } from '../../emulators/facebook-ads';
import { startStripeEmulator, type StripeEmulator } from '../../emulators/stripe';
import { startThriveCartEmulator, type ThriveCartEmulator } from '../../emulators/thrivecart';

/** One emulator per source, from one small world, each with a test connection pointing at it. */
export interface SourceEmulators {
  stripe: StripeEmulator;
  activecampaign: ActiveCampaignEmulator;
  thrivecart: ThriveCartEmulator;
  bigcommerce: BigCommerceEmulator;
  facebook: FacebookAdsEmulator;
  /** Connection configs (ids: stripe, crm, cart, store, ads) and the environment holding their keys. */
  connections: Record<string, unknown>[];
  env: Record<string, string>;
  setLatency(ms: number): void;
  /** Every emulator answers 503 to every API request while on. */
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

/** Starts all five emulators on free ports with rate limits that keep tests quick. */
export async function startSourceEmulators(seed: number, scale: number): Promise<SourceEmulators> {
  const [stripe, activecampaign, thrivecart, bigcommerce, facebook] = await Promise.all([
    startStripeEmulator({ port: 0, seed, scale, rateLimitPerSecond: 0 }),
    startActiveCampaignEmulator({ port: 0, seed, scale }),
    startThriveCartEmulator({ port: 0, seed, scale, rateLimitPerMinute: 600 }),
    startBigCommerceEmulator({ port: 0, seed, scale, rateLimitQuota: 0 }),
    startFacebookAdsEmulator({ port: 0, seed, scale }),
  ]);
  const env = {
    CDP_T_STRIPE: stripe.apiKeys[0]!,
    CDP_T_AC: activecampaign.apiKeys[0]!,
    CDP_T_TC: thrivecart.apiKeys[0]!,
    CDP_T_BC: bigcommerce.accessTokens[0]!,
    CDP_T_FB: facebook.accessTokens[0]!,
  };
  const c = (id: string, source: string, base_url: string, credential_env: string, extra: object = {}) => ({ id, source, environment: id === 'stripe' ? 'sandbox' : 'live', base_url, credential_env, ...extra });
  return {
    stripe,
    activecampaign,
    thrivecart,
    bigcommerce,
    facebook,
    env,
    connections: [
      c('stripe', 'stripe', stripe.url, 'CDP_T_STRIPE'),
      c('crm', 'activecampaign', activecampaign.url, 'CDP_T_AC'),
      c('cart', 'thrivecart', thrivecart.apiBaseUrl, 'CDP_T_TC', { requests_per_second: 8 }),
      c('store', 'bigcommerce', bigcommerce.apiBaseUrl, 'CDP_T_BC', { requests_per_second: 50 }),
      c('ads', 'facebook_ads', `${facebook.url}/v19.0/${facebook.adAccountId}`, 'CDP_T_FB'),
    ],
    setLatency(ms) {
      stripe.setFaults({ latencyMs: ms });
      activecampaign.setFaults({ latencyMs: ms });
      thrivecart.setFaults({ latencyMs: ms });
      bigcommerce.setFaults({ latencyMs: ms });
      facebook.setFaults({ latencyMs: ms });
    },
    setOutage(on) {
      const faults = { failRate: on ? 1 : 0, failStatus: 503 as const };
      stripe.setFaults(faults);
      activecampaign.setFaults(faults);
      thrivecart.setFaults(faults);
      bigcommerce.setFaults(faults);
      facebook.setFaults(faults);
    },
    async close() {
      await Promise.all([stripe.close(), activecampaign.close(), thrivecart.close(), bigcommerce.close(), facebook.close()]);
    },
  };
}

async function bigcommerceAbandoned(bc: BigCommerceEmulator): Promise<{ items: number; coupons: number }> {
  const get = async (path: string) => {
    const response = await fetch(`${bc.apiBaseUrl}${path}`, { headers: { 'x-auth-token': bc.accessTokens[0]! } });
    return response.status === 204 ? [] : ((await response.json()) as unknown[]);
  };
  let items = 0;
  let coupons = 0;
  for (const order of (await get('/v2/orders?status_id=0&limit=250')) as { id: number }[]) {
    items += (await get(`/v2/orders/${order.id}/products?limit=250`)).length;
    coupons += (await get(`/v2/orders/${order.id}/coupons`)).length;
  }
  return { items, coupons };
}

/** What a historical sync of each connection must land per stream, from the emulators' ground truth. */
export async function expectedRows(e: SourceEmulators): Promise<Record<string, Record<string, number>>> {
  const s = e.stripe.truth().streams;
  const ac = e.activecampaign.truth().streams;
  const bc = e.bigcommerce.truth().streams;
  const fb = e.facebook.truth();
  // Line items and coupons are read per listed order; abandoned checkouts have theirs too, unread.
  const abandoned = await bigcommerceAbandoned(e.bigcommerce);
  return {
    stripe: {
      customers: s.customers.count,
      charges: s.charges.count,
      invoices: s.invoices.count,
      subscriptions: s.subscriptions.count,
      refunds: s.refunds.count,
      coupons: s.coupons.count,
      promotion_codes: s.promotion_codes.count,
      events: 0,
    },
    crm: {
      contacts: ac.contacts.count,
      tags: ac.tags.count,
      contact_tags: ac.contactTags.count,
      fields: ac.fields.count,
      field_values: ac.fieldValues.count,
      ecom_customers: ac.ecomCustomers.count,
      ecom_orders: ac.ecomOrders.count,
      ecom_order_products: ac.ecomOrderProducts.count,
      connections: ac.connections.count,
    },
    cart: { transactions: e.thrivecart.truth().streams.transactions.count },
    store: {
      orders: bc.orders.listed_without_status_filter,
      incomplete_orders: bc.orders.count_by_status_id['0'] ?? 0,
      order_products: bc.order_products.count - abandoned.items,
      order_coupons: bc.order_coupons.count - abandoned.coupons,
      customers: bc.customers.count,
      products: bc.products.count,
    },
    ads: { insights: fb.totals.row_count, campaigns: fb.campaigns.length },
  };
}
