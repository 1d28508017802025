import { isIP } from 'node:net';
import { z } from 'zod';
import { storageSchema } from './lake/storage-config';
import { SOURCES, SOURCE_NAMES, type SourceName } from './sources';

export { PAYMENT_SOURCES, SOURCE_NAMES, type SourceName } from './sources';

export const ENVIRONMENTS = ['live', 'sandbox'] as const;
export type Environment = (typeof ENVIRONMENTS)[number];

const connectionIdSchema = z
  .string()
  .regex(/^[a-z][a-z0-9_-]{0,62}$/, 'a lower-case id of letters, digits, "-" or "_", starting with a letter');

const envVarSchema = z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name such as STRIPE_API_KEY');

const currencyCodeSchema = z
  .string()
  .regex(/^[A-Za-z]{3}$/, 'a three-letter ISO 4217 currency code such as USD')
  .transform((c) => c.toUpperCase());

/** Path parameters a source's stream paths need from each of its connections, with what to set. */
export const REQUIRED_PATH_PARAMS = Object.fromEntries(SOURCES.map((s) => [s.name, s.pathParams])) as Record<SourceName, Readonly<Record<string, string>>>;

const pathParamsSchema = z.record(
  z.string().regex(/^[A-Za-z][A-Za-z0-9_]*$/, 'a parameter name of letters, digits and "_", as in the API path, such as applicationId'),
  z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String),
);

/** A TLS proxy's address or CIDR range, as `serve.trusted_proxies` and `cdp serve --trusted-proxy` take it. */
export const proxyAddressSchema = z
  .string()
  .refine((a) => {
    const [address, bits, ...rest] = a.split('/');
    const family = isIP(address ?? '');
    return family !== 0 && rest.length === 0 && (bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128)));
  }, 'an IP address or CIDR range such as 10.0.0.5 or 10.0.0.0/8');

/** A host name the web app answers to, as `serve.allowed_hosts` and `cdp serve --allowed-host` take it. */
export const hostNameSchema = z
  .string()
  .regex(/^(?:[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*|[0-9A-Fa-f:.]+)$/, 'a host name without scheme or port, such as cdp.example.com');

/** Login with Amazon's token endpoint; Amazon serves the same one for every region of the Selling Partner API. */
export const LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

/**
 * Where a Login with Amazon connection's secrets are: the environment variables holding the
 * application's client id and secret and the seller's refresh token. The worker reads them; they
 * never enter the config, a workflow's input or its history.
 */
export const lwaSchema = z.strictObject({
  client_id_env: envVarSchema,
  client_secret_env: envVarSchema,
  refresh_token_env: envVarSchema,
  /** Where access tokens are minted; the emulator's own in tests and the demo. */
  token_url: z.url({ protocol: /^https?$/ }).default(LWA_TOKEN_URL),
});
export type LwaConfig = z.infer<typeof lwaSchema>;

/** Sources whose connections sign in with Login with Amazon rather than one key. */
const LWA_SOURCES: ReadonlySet<SourceName> = new Set(SOURCES.filter((s) => s.signIn === 'lwa').map((s) => s.name));

export const connectionSchema = z.strictObject({
  id: connectionIdSchema,
  source: z.enum(SOURCE_NAMES),
  environment: z.enum(ENVIRONMENTS),
  base_url: z.url({ protocol: /^https?$/ }),
  /** The environment variable holding the connection's key; every source but those signing in with `lwa`. */
  credential_env: envVarSchema.optional(),
  /** Login with Amazon's client id, client secret and refresh token, for an amazon_seller connection. */
  lwa: lwaSchema.optional(),
  /** Values for `{name}` placeholders in the source's API paths (Talon.One's `applicationId`). */
  path_params: pathParamsSchema.optional(),
  streams: z.array(z.string().min(1)).min(1).optional(),
  requests_per_second: z.number().positive().max(1000).optional(),
  lookback_seconds: z.number().int().min(0).optional(),
  /**
   * The currency of amounts the source sends without naming one: a Talon.One Application's currency
   * (its settings in the Campaign Manager). Defaults to `reporting_currency`.
   */
  currency: currencyCodeSchema.optional(),
  /**
   * Facebook Ads: the levels insights are read at, one stream each (`insights` by campaign,
   * `adset_insights`, `ad_insights`). Campaign alone when unset.
   */
  insights_levels: z.array(z.enum(['campaign', 'adset', 'ad'])).min(1).optional(),
});
export type ConnectionConfig = z.infer<typeof connectionSchema>;

export const configSchema = z
  .strictObject({
    data_dir: z.string().min(1).default('data'),
    /** Segment definitions (`<name>.yaml`), relative to the config file. */
    segments_dir: z.string().min(1).default('segments'),
    timezone: z
      .string()
      .refine((tz) => tz === 'UTC' || Intl.supportedValuesOf('timeZone').includes(tz), 'an IANA time zone such as UTC or Europe/Berlin')
      .default('UTC'),
    temporal: z
      .strictObject({
        address: z.string().min(1).optional(),
        namespace: z.string().min(1).optional(),
      })
      .default({}),
    sync: z
      .strictObject({
        /** Records gathered before a Parquet file is landed and the cursor committed. */
        rows_per_file: z.number().int().min(1).max(1_000_000).default(1000),
        /**
         * One batch lands what it holds and hands back to the workflow after this long, full file or
         * not, so a slow source still checkpoints; well under the batch's 15-minute timeout.
         */
        batch_seconds: z.number().min(1).max(600).default(120),
        /** How soon a sync notices a dead worker and retries its batch elsewhere (a batch beats every second). */
        heartbeat_timeout_seconds: z.number().int().min(1).max(3600).default(15),
        /** A historical sync of a stream the API filters by date reads this many windows at once. */
        historical_slices: z.number().int().min(1).max(64).default(4),
        /** The length of each recent window; the oldest slice reaches back to the beginning. */
        historical_slice_days: z.number().int().min(1).max(3650).default(90),
        /** A requested report (Amazon returns and feedback) is first asked about after this many seconds; the waits double. */
        report_poll_seconds: z.number().min(0.1).max(3600).default(30),
        /** The longest wait between two questions about one report. */
        report_max_poll_seconds: z.number().min(0.1).max(3600).default(300),
      })
      .default({ rows_per_file: 1000, batch_seconds: 120, heartbeat_timeout_seconds: 15, historical_slices: 4, historical_slice_days: 90, report_poll_seconds: 30, report_max_poll_seconds: 300 }),
    /** Money across currencies is added up only in this one, converted with `currency_rates`. */
    reporting_currency: currencyCodeSchema.default('USD'),
    /** Units of the reporting currency one unit of each other currency is worth. */
    currency_rates: z.record(currencyCodeSchema, z.number().positive()).default({}),
    customers: z
      .strictObject({
        /**
         * Who counts as a customer: `paid_orders` (a paid order in any payment or store source), `tags`
         * (a CRM tag below), or `auto`: paid orders where the environment has a payment or store
         * connection, tags where it has none.
         */
        definition: z.enum(['auto', 'paid_orders', 'tags']).default('auto'),
        tags_equal: z.array(z.string().min(1)).default(['STATUS: Customer']),
        tags_containing: z.array(z.string().min(1)).default(['purchase']),
      })
      .default({ definition: 'auto', tags_equal: ['STATUS: Customer'], tags_containing: ['purchase'] }),
    attribution: z
      .strictObject({
        /** Touches more than this many days before a conversion do not count toward it. */
        lookback_days: z.number().int().min(1).max(3650).default(90),
        /** Time decay: a touch's weight halves for each half-life before the conversion. */
        half_life_days: z.number().positive().max(3650).default(7),
      })
      .default({ lookback_days: 90, half_life_days: 7 }),
    feedback: z
      .strictObject({
        /** Marketplace feedback at or below this many stars counts as negative (a seller tool counts 1 to 3). */
        negative_max_rating: z.number().int().min(1).max(5).default(3),
      })
      .default({ negative_max_rating: 3 }),
    warehouse: z
      .strictObject({
        /**
         * DuckDB's memory cap for a build (its buffer manager; what does not fit spills to
         * `data/tmp/`), such as 2GB or 512MB. The process peaks somewhat above it.
         */
        memory_limit: z
          .string()
          .regex(/^\d+(\.\d+)?\s*(KB|MB|GB|TB|KiB|MiB|GiB|TiB)$/i, 'an amount of memory such as 2GB or 512MB')
          .default('2GB'),
        /** Threads a build runs its queries on; DuckDB's default (one per core) when unset. */
        threads: z.number().int().min(1).max(256).optional(),
        /**
         * A build with nothing new to read still computes again, when the warehouse is older than
         * this many minutes, the models that compute as of the build's time (loyalty balances,
         * coupon validity, achievement expiry, budget periods). 0 computes them at every build.
         */
        as_of_max_age_minutes: z.number().int().min(0).default(60),
      })
      .default({ memory_limit: '2GB', as_of_max_age_minutes: 60 }),
    /** The lake: catalog and data path (see lib/lake/storage-config.ts); the embedded default when omitted. */
    storage: storageSchema.default({}),
    serve: z
      .strictObject({
        /** Addresses or CIDR ranges of the TLS proxy in front of `cdp serve`; only their X-Forwarded-* headers count. */
        trusted_proxies: z.array(proxyAddressSchema).default([]),
        /** Host names the app answers to besides 127.0.0.1, localhost, ::1 and the address it listens on. */
        allowed_hosts: z.array(hostNameSchema).default([]),
      })
      .default({ trusted_proxies: [], allowed_hosts: [] }),
    connections: z.array(connectionSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.connections.forEach((c, i) => {
      if (seen.has(c.id)) {
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'id'], message: `duplicate connection id "${c.id}"` });
      }
      seen.add(c.id);
      if (c.insights_levels !== undefined && c.source !== 'facebook_ads') {
        ctx.addIssue({ code: 'custom', path: ['connections', i, 'insights_levels'], message: `insights_levels is a facebook_ads setting; remove it from this ${c.source} connection` });
      }
      for (const issue of credentialProblems(c)) ctx.addIssue({ code: 'custom', path: ['connections', i, issue.field], message: issue.message });
      for (const [name, what] of Object.entries(REQUIRED_PATH_PARAMS[c.source])) {
        if (c.path_params?.[name] === undefined) {
          ctx.addIssue({ code: 'custom', path: ['connections', i, 'path_params', name], message: `a ${c.source} connection needs path_params.${name}: ${what}` });
        }
      }
    });
  });
export type CdpConfig = z.infer<typeof configSchema>;

/** What is wrong with how a connection names its credential: each source takes one kind. */
function credentialProblems(c: Pick<ConnectionConfig, 'source' | 'credential_env' | 'lwa'>): { field: string; message: string }[] {
  const lwaFields = 'lwa: { client_id_env, client_secret_env, refresh_token_env } naming the variables that hold them';
  if (LWA_SOURCES.has(c.source)) {
    if (c.lwa) return c.credential_env === undefined ? [] : [{ field: 'credential_env', message: `${c.source} connections sign in with lwa only; remove credential_env` }];
    return [
      {
        field: 'lwa',
        message:
          `${c.source} connections sign in with Login with Amazon: the app's client id and client secret and the seller's refresh token. ` +
          (c.credential_env === undefined ? `Set ${lwaFields}` : `An access token in credential_env expires within the hour; replace credential_env with ${lwaFields}`),
      },
    ];
  }
  if (c.lwa) return [{ field: 'lwa', message: `a ${c.source} connection signs in with the key in credential_env; lwa is for amazon_seller connections only` }];
  if (c.credential_env === undefined) return [{ field: 'credential_env', message: `a ${c.source} connection needs credential_env: the environment variable holding its key, such as ${c.source.toUpperCase()}_API_KEY` }];
  return [];
}
