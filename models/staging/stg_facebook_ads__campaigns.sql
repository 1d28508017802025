-- grain: one row per Facebook Ads campaign per connection, the newest landed version
-- unique: connection, campaign_id
-- not_null: environment, connection, campaign_id, campaign_name, source_status
with source as (
    select * from raw_latest.facebook_ads__campaigns
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
        payload->>'name' as campaign_name,
        payload->>'objective' as objective,
        payload->>'status' as source_status,
        -- The status Meta delivers by (IN_PROCESS and WITH_ISSUES included) beside the one the advertiser set.
        payload->>'effective_status' as effective_status,
        payload->>'buying_type' as buying_type,
        -- Budgets are integer minor units sent as strings: unlike spend.
        (payload->>'daily_budget')::bigint as daily_budget_minor,
        (payload->>'lifetime_budget')::bigint as lifetime_budget_minor,
        account_currency as currency,
        -- Graph times carry the account's offset without a colon ("2025-09-06T17:00:00-0700").
        (payload->>'start_time')::timestamptz as started_at,
        (payload->>'stop_time')::timestamptz as stopped_at,
        (payload->>'created_time')::timestamptz as created_at,
        (payload->>'updated_time')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
