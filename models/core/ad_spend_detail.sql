-- grain: one row per ad set (level adset) or ad (level ad) per day (the ad account's day) per connection, where the connection reads insights at that level
-- unique: connection, level, adset_id, ad_id, date
-- not_null: date, environment, platform, connection, level, campaign_id, adset_id, spend_minor, currency
--
-- core.ad_spend's campaigns split below the campaign. A connection reads ad-set and ad insights only when
-- its insights_levels asks, so a campaign may have rows at one level, both or neither; at each level
-- a day's rows add up to the campaign's day.
with unioned as (
    select 'adset' as level, null::varchar as ad_id, null::varchar as ad_name, * from staging.stg_facebook_ads__adset_insights
    union all by name
    select 'ad' as level, * from staging.stg_facebook_ads__ad_insights
)

select
    spend_date as date,
    environment,
    'facebook_ads' as platform,
    connection,
    ad_account_id,
    level,
    campaign_id,
    campaign_name,
    adset_id,
    adset_name,
    ad_id,
    ad_name,
    spend_minor,
    currency,
    impressions,
    clicks,
    reach
from unioned
