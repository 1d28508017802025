-- grain: one row per Facebook Ads campaign per day (the ad account's day) per connection, the newest landed version
-- unique: connection, campaign_id, spend_date
-- not_null: environment, connection, campaign_id, spend_date, spend_minor, impressions
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"impressions": "VARCHAR", "reach": "VARCHAR", "campaign_name": "VARCHAR", "spend": "VARCHAR", "clicks": "VARCHAR", "account_id": "VARCHAR", "account_currency": "VARCHAR", "date_start": "VARCHAR", "campaign_id": "VARCHAR"}') as p
    from raw_latest.facebook_ads__insights
),

renamed as (
    select
        environment,
        connection,
        p.campaign_id as campaign_id,
        -- A calendar day in the ad account's time zone and not a UTC instant: kept as a date.
        (p.date_start)::date as spend_date,
        p.campaign_name as campaign_name,
        p.account_id as ad_account_id,
        -- Spend is a decimal string in the ad account's currency ("5339.5") and not minor units.
        round((p.spend)::decimal(18, 4) * 100)::bigint as spend_minor,
        upper(p.account_currency) as currency,
        (p.impressions)::bigint as impressions,
        (p.clicks)::bigint as clicks,
        (p.reach)::bigint as reach,
        sync_mode,
        synced_at
    from source
)

select * from renamed
