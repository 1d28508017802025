import type { ActiveCampaignEmulator } from '../../emulators/activecampaign';
import type { AmazonSellerEmulator } from '../../emulators/amazon-seller';
import type { BigCommerceEmulator } from '../../emulators/bigcommerce';
import type { FacebookAdsEmulator } from '../../emulators/facebook-ads';
import { worldAnchor } from '../../emulators/http/account-clock';
import { emulatorBaseUrl, startSourceEmulator } from '../../emulators/registry';
import type { StripeEmulator } from '../../emulators/stripe';
import type { TalonOneEmulator } from '../../emulators/talonone';
import type { ThriveCartEmulator } from '../../emulators/thrivecart';

/** One emulator per source, from one small world, each with a test connection pointing at it. */
export interface SourceEmulators {
  stripe: StripeEmulator;
  activecampaign: ActiveCampaignEmulator;
  thrivecart: ThriveCartEmulator;
  bigcommerce: BigCommerceEmulator;
  facebook: FacebookAdsEmulator;
  talonone: TalonOneEmulator;
  amazon: AmazonSellerEmulator;
  /**
   * Connection configs (ids: stripe, crm, cart, store, ads, promo and promo-sandbox for Talon.One's
   * live and sandbox Applications, marketplace) and the environment holding their keys.
   */
  connections: Record<string, unknown>[];
  env: Record<string, string>;
  setLatency(ms: number): void;
  /** Every emulator answers 503 to every API request while on. */
  setOutage(on: boolean): void;
  close(): Promise<void>;
  /** The instant the world of every emulator ends at. */
  anchor: Date;
}

/**
 * How long before the emulators start their moving world ends: past the settling time of every API
 * (Amazon's orders are read up to three minutes ago), so that a historical sync started at once can
 * read all of it, and still within the hour an incremental sync reads again.
 */
const SETTLED_MS = 5 * 60_000;

/**
 * Starts every source's emulator on a free port with rate limits that keep tests quick, all from one
 * world: it ends at `anchor` where a test needs fixed data, else just before now (read once, so that
 * every source tells of the same instants), and its recent windows hold records as a live account's do.
 */
export async function startSourceEmulators(seed: number, scale: number, anchor?: Date): Promise<SourceEmulators> {
  const world = { seed, scale, anchor: worldAnchor(anchor ?? new Date(Date.now() - SETTLED_MS)) };
  const [stripe, activecampaign, thrivecart, bigcommerce, facebook, talonone, amazon] = await Promise.all([
    startSourceEmulator('stripe', world, { rateLimitPerSecond: 0 }),
    startSourceEmulator('activecampaign', world, {}),
    startSourceEmulator('thrivecart', world, { rateLimitPerMinute: 600 }),
    startSourceEmulator('bigcommerce', world, { rateLimitQuota: 0 }),
    startSourceEmulator('facebook_ads', world, {}),
    startSourceEmulator('talonone', world, { rateLimitPerSecond: 0 }),
    // Amazon's usage plans sped up 600 times: getOrders 10 a second instead of one a minute.
    startSourceEmulator('amazon_seller', world, { rateScale: 600, reportProcessingMs: 50 }),
  ]);
  const application = (environment: 'live' | 'sandbox') => talonone.applications.find((a) => a.environment === environment)!;
  const env = {
    CDP_T_STRIPE: stripe.apiKeys[0]!,
    CDP_T_AC: activecampaign.apiKeys[0]!,
    CDP_T_TC: thrivecart.apiKeys[0]!,
    CDP_T_BC: bigcommerce.accessTokens[0]!,
    CDP_T_FB: facebook.accessTokens[0]!,
    CDP_T_T1: application('live').apiKey,
    CDP_T_T1_SANDBOX: application('sandbox').apiKey,
    CDP_T_AMAZON_CLIENT_ID: amazon.lwa.clientId,
    CDP_T_AMAZON_CLIENT_SECRET: amazon.lwa.clientSecret,
    CDP_T_AMAZON_REFRESH_TOKEN: amazon.lwa.refreshToken,
  };
  const c = (id: string, source: string, base_url: string, credential_env: string | undefined, extra: object = {}) => ({ id, source, environment: 'live', base_url, credential_env, ...extra });
  const amazonLwa = { client_id_env: 'CDP_T_AMAZON_CLIENT_ID', client_secret_env: 'CDP_T_AMAZON_CLIENT_SECRET', refresh_token_env: 'CDP_T_AMAZON_REFRESH_TOKEN', token_url: amazon.tokenUrl };
  const promo = (id: string, environment: 'live' | 'sandbox', credential_env: string) =>
    c(id, 'talonone', emulatorBaseUrl('talonone', talonone), credential_env, { environment, path_params: { applicationId: application(environment).id }, requests_per_second: 50 });
  const all = [stripe, activecampaign, thrivecart, bigcommerce, facebook, talonone, amazon];
  return {
    stripe,
    activecampaign,
    thrivecart,
    bigcommerce,
    facebook,
    talonone,
    amazon,
    anchor: world.anchor,
    env,
    connections: [
      c('stripe', 'stripe', emulatorBaseUrl('stripe', stripe), 'CDP_T_STRIPE', { environment: 'sandbox' }),
      c('crm', 'activecampaign', emulatorBaseUrl('activecampaign', activecampaign), 'CDP_T_AC'),
      c('cart', 'thrivecart', emulatorBaseUrl('thrivecart', thrivecart), 'CDP_T_TC', { requests_per_second: 8 }),
      c('store', 'bigcommerce', emulatorBaseUrl('bigcommerce', bigcommerce), 'CDP_T_BC', { requests_per_second: 50 }),
      c('ads', 'facebook_ads', emulatorBaseUrl('facebook_ads', facebook), 'CDP_T_FB', { requests_per_second: 20 }),
      promo('promo', 'live', 'CDP_T_T1'),
      promo('promo-sandbox', 'sandbox', 'CDP_T_T1_SANDBOX'),
      c('marketplace', 'amazon_seller', emulatorBaseUrl('amazon_seller', amazon), undefined, { lwa: amazonLwa, path_params: { marketplaceId: amazon.marketplaceId } }),
    ],
    setLatency(ms) {
      for (const e of all) e.setFaults({ latencyMs: ms });
    },
    setOutage(on) {
      for (const e of all) e.setFaults({ failRate: on ? 1 : 0, failStatus: 503 });
    },
    async close() {
      await Promise.all(all.map((e) => e.close()));
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

/** What a historical sync of one Talon.One Application lands per stream. */
function talononeRows(talonone: TalonOneEmulator, environment: 'live' | 'sandbox'): Record<string, number> {
  const truth = talonone.truth();
  const app = truth.applications.find((a) => a.environment === environment)!;
  const program = truth.programs.find((p) => p.id === app.loyalty_program_id)!;
  return {
    customers: app.profiles.length,
    sessions: app.sessions.count,
    loyalty_programs: 1,
    loyalty_transactions: program.transactions.count,
    // One balance per profile with a ledger entry; the program's other profiles have none to read.
    loyalty_balances: Object.values(program.points_by_profile).filter((ledgers) => Object.values(ledgers).some((l) => l.added > 0 || l.subtracted > 0)).length,
    campaigns: app.campaign_ids.length,
    coupons: app.coupons.count,
    referrals: app.referrals.count,
  };
}

/** What a historical sync of each connection must land per stream, from the emulators' ground truth. */
export async function expectedRows(e: SourceEmulators): Promise<Record<string, Record<string, number>>> {
  const s = e.stripe.truth().streams;
  const ac = e.activecampaign.truth().streams;
  const bc = e.bigcommerce.truth().streams;
  const fb = e.facebook.truth();
  const amazon = e.amazon.truth();
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
      events: s.events.count,
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
    ads: { insights: fb.totals.row_count, campaigns: fb.campaigns.length, ad_account: 1 },
    promo: talononeRows(e.talonone, 'live'),
    'promo-sandbox': talononeRows(e.talonone, 'sandbox'),
    marketplace: {
      orders: amazon.counts.orders,
      order_items: amazon.counts.order_items,
      returns: amazon.returns.length,
      // The feedback report carries one- to three-star feedback only.
      feedback: amazon.feedback.filter((f) => f.rating <= 3).length,
    },
  };
}
