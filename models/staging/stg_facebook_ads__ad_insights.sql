-- grain: one row per Facebook Ads ad per day (the ad account's day) per connection, the newest landed version
-- unique: connection, ad_id, spend_date
-- not_null: environment, connection, ad_id, adset_id, campaign_id, spend_date, spend_minor, currency, impressions
--
-- Landed when the connection's insights_levels asks for `ad`: the finest level, whose rows add up to
-- the ad set's and the campaign's of the same day.
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"ad_id": "VARCHAR", "ad_name": "VARCHAR", "adset_id": "VARCHAR", "adset_name": "VARCHAR", "campaign_id": "VARCHAR", "campaign_name": "VARCHAR", "account_id": "VARCHAR", "account_currency": "VARCHAR", "date_start": "VARCHAR", "spend": "VARCHAR", "impressions": "VARCHAR", "clicks": "VARCHAR", "reach": "VARCHAR"}') as p
    from raw_latest.facebook_ads__ad_insights
),

-- A row without account_currency (not asked for) is in the account's currency, which the ad account node says.
accounts as (
    select environment, connection, any_value(upper(payload->>'currency')) as account_currency
    from raw_latest.facebook_ads__ad_account
    group by all
),

renamed as (
    select
        source.environment,
        source.connection,
        p.ad_id as ad_id,
        -- A calendar day in the ad account's time zone and not a UTC instant: kept as a date.
        (p.date_start)::date as spend_date,
        p.ad_name as ad_name,
        p.adset_id as adset_id,
        p.adset_name as adset_name,
        p.campaign_id as campaign_id,
        p.campaign_name as campaign_name,
        p.account_id as ad_account_id,
        -- Spend is a decimal string in the ad account's currency ("5339.5") and not minor units.
        round((p.spend)::decimal(18, 4) * 100)::bigint as spend_minor,
        coalesce(upper(p.account_currency), accounts.account_currency) as currency,
        (p.impressions)::bigint as impressions,
        (p.clicks)::bigint as clicks,
        (p.reach)::bigint as reach,
        source.sync_mode,
        source.synced_at
    from source
    left join accounts
        on accounts.environment = source.environment
        and accounts.connection = source.connection
)

select * from renamed
