-- grain: one row per model, environment, day (the account's time zone for conversions, the ad account's day for spend), platform and campaign
-- unique: model, environment, date, platform, campaign
-- not_null: model, environment, date, platform, campaign, leads, customers, invoiced_minor, collected_minor, spend_minor, currency
with settings as (
    select * from config.settings
),

credits as (
    select
        model,
        environment,
        date,
        platform,
        campaign,
        any_value(campaign_id) as campaign_id,
        sum(credit) filter (where kind = 'lead') as leads,
        sum(credit) filter (where kind = 'customer') as customers,
        sum(invoiced_minor) filter (where kind = 'order') as invoiced_minor,
        sum(collected_minor) filter (where kind = 'order') as collected_minor
    from attribution.credits_by_day
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
    cross join (select distinct model from attribution.credits_by_day) as models
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
