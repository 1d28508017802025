// The sources cdp has connectors for, one row each. Everything that lists sources reads this table:
// the config schema, the segment catalog, the connector and emulator registries, the tests.

/** What every layer knows of a source without loading its connector or its emulator. */
export interface SourceRow {
  /** The spelling in config (`source:`) and in SQL (`source` columns, `stg_<name>__<stream>` models). */
  readonly name: string;
  /** The folder under `activities/sources/`, `emulators/` and `test/sources/`. */
  readonly folder: string;
  /** How people call it. */
  readonly label: string;
  /** Takes payments or orders: an environment with such a connection takes its revenue from them. */
  readonly payments: boolean;
  /** Its records become rows of `core.orders` (and `core.order_items`). */
  readonly orders: boolean;
  /** Path parameters every connection must set for the stream paths, with what to set. */
  readonly pathParams: Readonly<Record<string, string>>;
  /**
   * How a connection signs in where it is not one key in `credential_env`: `lwa`, Login with Amazon's
   * client id, client secret and refresh token, exchanged for access tokens that last an hour.
   */
  readonly signIn?: 'lwa';
  readonly emulator: {
    /** The API the local emulator stands in for. */
    readonly api: string;
    /** Its port under `cdp emulators` with the default base port; the ports are consecutive. */
    readonly defaultPort: number;
  };
}

// The order is the order segment rules list a source's values in (the CRM first).
const ROWS = [
  {
    name: 'activecampaign',
    folder: 'activecampaign',
    label: 'ActiveCampaign',
    payments: false,
    orders: true,
    pathParams: {},
    emulator: { api: 'ActiveCampaign API v3', defaultPort: 12112 },
  },
  {
    name: 'stripe',
    folder: 'stripe',
    label: 'Stripe',
    payments: true,
    orders: true,
    pathParams: {},
    emulator: { api: 'Stripe API', defaultPort: 12111 },
  },
  {
    name: 'thrivecart',
    folder: 'thrivecart',
    label: 'ThriveCart',
    payments: true,
    orders: true,
    pathParams: {},
    emulator: { api: 'ThriveCart API', defaultPort: 12113 },
  },
  {
    name: 'bigcommerce',
    folder: 'bigcommerce',
    label: 'BigCommerce',
    payments: true,
    orders: true,
    pathParams: {},
    emulator: { api: 'BigCommerce API (v2 and v3)', defaultPort: 12114 },
  },
  {
    name: 'facebook_ads',
    folder: 'facebook-ads',
    label: 'Facebook Ads',
    payments: false,
    orders: false,
    pathParams: {},
    emulator: { api: 'Facebook Marketing API (Graph API v19.0)', defaultPort: 12115 },
  },
  {
    name: 'talonone',
    folder: 'talonone',
    label: 'Talon.One',
    payments: false,
    orders: true,
    // A Talon.One connection reads one Application of its deployment.
    pathParams: { applicationId: 'the id of the Talon.One Application to sync (the number after /applications/ in its Campaign Manager URL)' },
    emulator: { api: 'Talon.One Management API', defaultPort: 12116 },
  },
  {
    name: 'amazon_seller',
    folder: 'amazon-seller',
    label: 'Amazon seller account',
    payments: true,
    orders: true,
    pathParams: { marketplaceId: 'the Amazon marketplace to read, such as ATVPDKIKX0DER (amazon.com) or A1PA6795UKMFR9 (amazon.de)' },
    signIn: 'lwa',
    emulator: { api: 'Amazon Selling Partner API', defaultPort: 12117 },
  },
] as const satisfies readonly SourceRow[];

/** A source's name as config and SQL spell it. */
export type SourceName = (typeof ROWS)[number]['name'];

/** Every source, one row each. */
export const SOURCES: readonly (SourceRow & { readonly name: SourceName })[] = ROWS;

/** Every source's name, in the table's order. */
export const SOURCE_NAMES = ROWS.map((r) => r.name) as [SourceName, ...SourceName[]];

/** Sources that take payments or orders: an environment with one of these takes its revenue from them. */
export const PAYMENT_SOURCES: readonly SourceName[] = SOURCES.filter((s) => s.payments).map((s) => s.name);

/** Sources whose records become orders, the values a segment rule on an order's source may name. */
export const ORDER_SOURCES: readonly SourceName[] = SOURCES.filter((s) => s.orders).map((s) => s.name);

/** The table's row of a source. */
export function sourceRow(name: SourceName): SourceRow & { readonly name: SourceName } {
  return SOURCES.find((s) => s.name === name)!;
}
