// Synthetic inputs of the attribution models for the benchmark: the `config` tables and only the
// `core.*`/`marts.*` columns `models/attribution/*.sql` read, generated in DuckDB from `range()`
// and `hash()`, so the same sizes always give the same rows.
import type { DuckDBConnection } from '@duckdb/node-api';
import path from 'node:path';
import { configRows, createConfigTables } from '../lib/warehouse/config-tables';
import { parseConfig } from '../lib/config';

export interface AttributionSizes {
  people: number;
  touches: number;
  /** Orders of every status; the first of them give each paying person (every even one) a paid order. */
  orders: number;
}

export interface ExpectedConversions {
  lead: number;
  customer: number;
  order: number;
}

const YEAR_SECONDS = 365 * 86_400;
const START = "TIMESTAMPTZ '2025-01-01 00:00:00+00'";
/** Order statuses that took money: the ones `attribution.conversions` counts. */
const TOOK_MONEY = "('paid', 'partially_refunded', 'refunded')";

/** Every even person pays; the first orders go one to each of them, so each has a paid order. */
export const payingPeople = (people: number) => Math.ceil(people / 2);

/** Past the first orders, order j is a guest's (no person) every 41st, a mirrored Deep Data order (not revenue) every 53rd, and failed, pending or abandoned when j % 20 < 3. */
const GUEST_EVERY = 41;
const MIRROR_EVERY = 53;
const tookMoney = (j: number) => j % 20 > 2;

/**
 * The conversions the data fixes in advance: a lead per CRM contact (people with i % 5 < 3; the
 * Deep Data contacts of i % 5 = 3 are no leads), a customer per paying person, and every order past
 * the first ones that has a person, counts as revenue and took money.
 */
export function expectedConversions(sizes: AttributionSizes): ExpectedConversions {
  const lead = Math.floor(sizes.people / 5) * 3 + Math.min(sizes.people % 5, 3);
  const customer = payingPeople(sizes.people);
  let order = customer;
  for (let j = customer; j < sizes.orders; j++) if (j % GUEST_EVERY !== 0 && j % MIRROR_EVERY !== 0 && tookMoney(j)) order++;
  return { lead, customer, order };
}

/** The account: times shown in New York, USD with EUR and GBP rates, customers by paid orders, lookback 90 days, half-life 7. */
const CONFIG_YAML = `
timezone: America/New_York
currency_rates: { EUR: 1.1, GBP: 1.25 }
customers: { definition: paid_orders }
connections:
  - { id: stripe, source: stripe, environment: live, base_url: "https://api.stripe.com", credential_env: BENCH_STRIPE_KEY }
  - { id: ac, source: activecampaign, environment: live, base_url: "https://bench.api-us1.com", credential_env: BENCH_AC_KEY }
  - { id: fb-ads, source: facebook_ads, environment: live, base_url: "https://graph.facebook.com", credential_env: BENCH_FB_KEY }
`;

/**
 * 32 campaigns: two in six on Facebook, two on Google Ads, one a newsletter (no ad platform, no
 * spend), one on TikTok. The ad accounts name them in another case than the UTM tags; the last two
 * have spend but no touch.
 */
const CAMPAIGNS_SQL = `
select
    c,
    'campaign_' || lpad(c::varchar, 2, '0') as utm_campaign,
    'Campaign_' || lpad(c::varchar, 2, '0') as ad_name,
    ['facebook', 'facebook', 'google', 'google', 'newsletter', 'tiktok'][1 + c % 6] as source,
    ['cpc', 'cpc', 'cpc', 'cpc', 'email', 'paid_social'][1 + c % 6] as medium,
    ['facebook_ads', 'facebook_ads', 'google_ads', 'google_ads', null, 'tiktok_ads'][1 + c % 6] as platform
from range(32) as r(c)`;

/**
 * Touches of people picked by hash, at a hashed second of 2025: 8% direct, 8% organic search, 10%
 * the CRM's latest-touch campaign with no source (in upper case, with a trailing space), and the rest
 * a campaign's UTM tags on a CRM first touch or an order (every seventh in upper case; Facebook
 * touches as facebook, fb or ig).
 */
const touchpointsSql = (sizes: AttributionSizes) => `
with picked as (
    select
        t,
        (hash(t, 'who') % ${sizes.people})::bigint as person,
        (hash(t, 'kind') % 100)::bigint as kind,
        (hash(t, 'campaign') % 30)::bigint as c,
        ${START} + to_seconds((hash(t, 'at') % ${YEAR_SECONDS})::bigint) as touched_at
    from range(${sizes.touches}) as r(t)
),

shaped as (
    select
        picked.*,
        case when kind between 16 and 25 then 'latest_touch' when kind >= 26 and t % 2 = 1 then 'order' else 'first_touch' end as touch_type,
        case
            when kind < 8 or kind between 16 and 25 then '(direct)'
            when kind < 16 then 'google'
            when campaigns.source = 'facebook' then ['facebook', 'fb', 'ig'][1 + t % 3]
            else campaigns.source
        end as source,
        case when kind < 8 or kind between 16 and 25 then '(none)' when kind < 16 then 'organic' else campaigns.medium end as medium,
        case
            when kind < 16 then null
            when kind < 26 then upper(campaigns.utm_campaign) || ' '
            when t % 7 = 0 then upper(campaigns.utm_campaign)
            else campaigns.utm_campaign
        end as campaign
    from picked
    join bench_campaigns as campaigns using (c)
)

select
    case when touch_type = 'order' then 'stripe:stripe:order:order:ch_' || t else 'activecampaign:ac:' || touch_type || ':contact:' || t end as touchpoint_id,
    md5('person:' || person) as customer_id,
    'live' as environment,
    touched_at,
    touch_type,
    case when touch_type = 'order' then 'stripe' else 'activecampaign' end as origin,
    source,
    medium,
    campaign
from shaped`;

/** Orders: the first ones one per paying person, the rest on a hashed paying person; statuses, guests and mirrors by the rules above. */
const ordersSql = (sizes: AttributionSizes) => {
  const first = payingPeople(sizes.people);
  return `
with picked as (
    select
        j,
        j >= ${first} as is_extra,
        case when j < ${first} then 2 * j else 2 * (hash(j, 'who') % ${first})::bigint end as person,
        (1000 + (hash(j, 'amount') % 40) * 250)::bigint as total_minor,
        ${START} + to_seconds((hash(j, 'at') % ${YEAR_SECONDS})::bigint) as ordered_at
    from range(${sizes.orders}) as r(j)
),

statused as (
    select
        *,
        case
            when j % 20 = 3 then 'refunded'
            when j % 20 = 4 then 'partially_refunded'
            when is_extra and j % 20 = 0 then 'failed'
            when is_extra and j % 20 = 1 then 'pending'
            when is_extra and j % 20 = 2 then 'abandoned'
            else 'paid'
        end as status
    from picked
)

select
    'stripe:stripe:ch_' || j as order_id,
    case when is_extra and j % ${GUEST_EVERY} = 0 then null else md5('person:' || person) end as customer_id,
    'live' as environment,
    status,
    ['USD', 'EUR', 'GBP'][1 + j % 3] as currency,
    total_minor,
    case status when 'paid' then total_minor when 'partially_refunded' then total_minor - 500 else 0 end::bigint as net_minor,
    ordered_at,
    not (is_extra and j % ${MIRROR_EVERY} = 0) as counts_as_revenue
from statused`;
};

/** CRM contacts (i % 5 < 3), Deep Data customers in the CRM (i % 5 = 3, `ecom:` ids), Stripe customers (paying people). */
const identitiesSql = (sizes: AttributionSizes) => `
select md5('person:' || i) as customer_id, 'live' as environment, source, source_customer_id,
    ${START} + to_seconds((hash(i, source) % ${YEAR_SECONDS})::bigint) as created_at
from (
    select i, 'activecampaign' as source, i::varchar as source_customer_id from range(${sizes.people}) as r(i) where i % 5 < 3
    union all
    select i, 'activecampaign', 'ecom:' || i from range(${sizes.people}) as r(i) where i % 5 = 3
    union all
    select i, 'stripe', 'cus_' || i from range(${sizes.people}) as r(i) where i % 2 = 0
)`;

/** Three tags per CRM contact, some of which match the customer-tag rules (paid orders define customers here, so they change no count). */
const contactTagsSql = (sizes: AttributionSizes) => `
select md5('person:' || i) as customer_id,
    ['newsletter', 'Webinar 2025', 'Purchase: course', 'STATUS: Customer', 'lead magnet'][1 + (hash(i, k) % 5)::bigint] as tag,
    ${START} + to_seconds((hash(i, k, 'at') % ${YEAR_SECONDS})::bigint) as applied_at
from range(${sizes.people}) as r(i), range(3) as s(k)
where i % 5 < 3`;

/** One row per person; paying and a customer exactly when they have an order that took money and counts as revenue. */
const customerMetricsSql = (sizes: AttributionSizes) => `
with paid as (
    select customer_id, min(ordered_at) as first_order_at
    from core.orders
    where counts_as_revenue and status in ${TOOK_MONEY} and customer_id is not null
    group by customer_id
)
select people.customer_id, 'live' as environment, paid.customer_id is not null as is_paying_customer,
    paid.first_order_at, paid.customer_id is not null as is_customer
from (select md5('person:' || i) as customer_id from range(${sizes.people}) as r(i)) as people
left join paid using (customer_id)`;

/** A row per ad campaign and day of 2025; EUR on every fifth campaign. */
const AD_SPEND_SQL = `
select DATE '2025-01-01' + d::integer as date, 'live' as environment, platform, 'cmp_' || c as campaign_id, ad_name as campaign_name,
    (2000 + hash(c, d) % 30000)::bigint as spend_minor, case when c % 5 = 0 then 'EUR' else 'USD' end as currency
from bench_campaigns, range(365) as r(d)
where platform is not null`;

/** Creates the config tables and the synthetic core and marts tables the attribution models read. */
export async function writeSyntheticAttribution(db: DuckDBConnection, sizes: AttributionSizes, dir: string): Promise<void> {
  if (sizes.orders < payingPeople(sizes.people)) throw new Error(`--orders must be at least ${payingPeople(sizes.people)}, one per paying person`);
  await db.run("SET TimeZone = 'UTC'");
  await createConfigTables(db, configRows(parseConfig(CONFIG_YAML, path.join(dir, 'cdp.config.yaml'))), new Date());
  await db.run('CREATE SCHEMA core');
  await db.run('CREATE SCHEMA marts');
  await db.run(`CREATE TEMP TABLE bench_campaigns AS ${CAMPAIGNS_SQL}`);
  await db.run(`CREATE TABLE core.touchpoints AS ${touchpointsSql(sizes)}`);
  await db.run(`CREATE TABLE core.ad_spend AS ${AD_SPEND_SQL}`);
  await db.run(`CREATE TABLE core.orders AS ${ordersSql(sizes)}`);
  await db.run(`CREATE TABLE core.customer_identities AS ${identitiesSql(sizes)}`);
  await db.run(`CREATE TABLE core.contact_tags AS ${contactTagsSql(sizes)}`);
  await db.run(`CREATE TABLE marts.customer_metrics AS ${customerMetricsSql(sizes)}`);
  await db.run('CHECKPOINT');
}
