-- grain: one row per ad campaign per day (the ad account's day) per connection
-- unique: connection, campaign_id, date
-- not_null: date, environment, platform, connection, campaign_id, spend_minor, currency
select
    spend_date as date,
    environment,
    'facebook_ads' as platform,
    connection,
    ad_account_id,
    campaign_id,
    campaign_name,
    spend_minor,
    currency,
    impressions,
    clicks,
    reach
from staging.stg_facebook_ads__insights
