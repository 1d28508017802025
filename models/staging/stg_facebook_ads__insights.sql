-- grain: one row per Facebook Ads campaign per day (the ad account's day) per connection, the newest landed version
-- unique: connection, campaign_id, spend_date
-- not_null: environment, connection, campaign_id, spend_date, spend_minor, impressions
with source as (
    select * from raw_latest.facebook_ads__insights
),

renamed as (
    select
        environment,
        connection,
        payload->>'campaign_id' as campaign_id,
        -- A calendar day in the ad account's time zone and not a UTC instant: kept as a date.
        (payload->>'date_start')::date as spend_date,
        payload->>'campaign_name' as campaign_name,
        payload->>'account_id' as ad_account_id,
        -- Spend is a decimal string in the ad account's currency ("5339.5") and not minor units.
        round((payload->>'spend')::decimal(18, 4) * 100)::bigint as spend_minor,
        upper(payload->>'account_currency') as currency,
        (payload->>'impressions')::bigint as impressions,
        (payload->>'clicks')::bigint as clicks,
        (payload->>'reach')::bigint as reach,
        sync_mode,
        synced_at
    from source
)

select * from renamed
