-- grain: one row per model, environment, day (the account's time zone for conversions, the ad account's day for spend), platform and campaign
-- unique: model, environment, date, platform, campaign
-- not_null: model, environment, date, platform, campaign, leads, customers, invoiced_minor, collected_minor, spend_minor, currency
with settings as (
    select * from config.settings
),

-- The day (account time zone) and campaign of each conversion's touch, computed once per touch.
touch_days as (
    select
        conversion_id,
        touchpoint_id,
        environment,
        timezone((select timezone from settings), converted_at)::date as date,
        -- The ad platform, or the touch's own source where no ad platform runs the campaign.
        coalesce(platform, source) as platform,
        campaign,
        campaign_id
    from attribution.conversion_touches
),

credits as (
    select
        shares.model,
        touch_days.environment,
        touch_days.date,
        touch_days.platform,
        touch_days.campaign,
        any_value(touch_days.campaign_id) as campaign_id,
        sum(shares.credit) filter (where shares.kind = 'lead') as leads,
        sum(shares.credit) filter (where shares.kind = 'customer') as customers,
        sum(shares.invoiced_minor) filter (where shares.kind = 'order') as invoiced_minor,
        sum(shares.collected_minor) filter (where shares.kind = 'order') as collected_minor
    from attribution.attribution_credit_shares as shares
    join touch_days using (conversion_id, touchpoint_id)
    group by all
),

-- Spend in the reporting currency, on the ad account's own day, once for every model.
spend as (
    select
        models.model,
        ad_spend.environment,
        ad_spend.date,
        ad_spend.platform,
        lower(ad_spend.campaign_name) as campaign,
        any_value(ad_spend.campaign_id) as campaign_id,
        sum(round(ad_spend.spend_minor * rates.rate))::bigint as spend_minor,
        count(*) filter (where rates.rate is null) as unconverted
    from core.ad_spend as ad_spend
    left join config.currency_rates as rates using (currency)
    cross join (select distinct model from attribution.attribution_credit_shares) as models
    group by all
),

joined as (
    select
        coalesce(credits.model, spend.model) as model,
        coalesce(credits.environment, spend.environment) as environment,
        coalesce(credits.date, spend.date) as date,
        coalesce(credits.platform, spend.platform) as platform,
        coalesce(credits.campaign, spend.campaign) as campaign,
        coalesce(spend.campaign_id, credits.campaign_id) as campaign_id,
        coalesce(credits.leads, 0) as leads,
        coalesce(credits.customers, 0) as customers,
        coalesce(credits.invoiced_minor, 0)::bigint as invoiced_minor,
        coalesce(credits.collected_minor, 0)::bigint as collected_minor,
        case when coalesce(spend.unconverted, 0) = 0 then coalesce(spend.spend_minor, 0) end as spend_minor
    from credits
    full join spend
        on spend.model = credits.model
        and spend.environment = credits.environment
        and spend.date = credits.date
        and spend.platform = credits.platform
        and spend.campaign = credits.campaign
)

select
    *,
    (select reporting_currency from settings) as currency,
    -- Per unit: spend per lead and per customer in minor units, revenue collected per unit spent.
    case when leads > 0 then spend_minor / leads end as cost_per_lead_minor,
    case when customers > 0 then spend_minor / customers end as cost_per_acquisition_minor,
    case when spend_minor > 0 then collected_minor / spend_minor end as roas
from joined
