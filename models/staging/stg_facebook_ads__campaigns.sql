-- grain: one row per Facebook Ads campaign per connection, the newest landed version
-- unique: connection, campaign_id
-- not_null: environment, connection, campaign_id, campaign_name, source_status
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"name": "VARCHAR", "objective": "VARCHAR", "effective_status": "VARCHAR", "daily_budget": "VARCHAR", "updated_time": "VARCHAR", "stop_time": "VARCHAR", "buying_type": "VARCHAR", "lifetime_budget": "VARCHAR", "start_time": "VARCHAR", "created_time": "VARCHAR", "status": "VARCHAR"}') as p
    from raw_latest.facebook_ads__campaigns
),

account_currencies as (
    -- A connection is one ad account with one currency, which only insights rows carry; budgets are in it.
    select environment, connection, any_value(upper(payload->>'account_currency')) as account_currency
    from raw_latest.facebook_ads__insights
    where payload->>'account_currency' is not null
    group by environment, connection
),

with_currency as (
    select source.*, account_currencies.account_currency
    from source
    left join account_currencies
        on account_currencies.environment = source.environment
        and account_currencies.connection = source.connection
),

renamed as (
    select
        environment,
        connection,
        primary_key as campaign_id,
        p.name as campaign_name,
        p.objective as objective,
        p.status as source_status,
        -- The status Meta delivers by (IN_PROCESS and WITH_ISSUES included) beside the one the advertiser set.
        p.effective_status as effective_status,
        p.buying_type as buying_type,
        -- Budgets are integer minor units sent as strings: unlike spend.
        (p.daily_budget)::bigint as daily_budget_minor,
        (p.lifetime_budget)::bigint as lifetime_budget_minor,
        account_currency as currency,
        -- Graph times carry the account's offset without a colon ("2025-09-06T17:00:00-0700").
        (p.start_time)::timestamptz as started_at,
        (p.stop_time)::timestamptz as stopped_at,
        (p.created_time)::timestamptz as created_at,
        (p.updated_time)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
