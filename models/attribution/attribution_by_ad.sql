-- grain: one row per model, environment, day (the account's time zone for conversions, the ad account's day for spend), ad platform, ad set and ad (ad_id NULL: the ad set's own row)
-- unique: model, environment, date, platform, adset_id, ad_id
-- not_null: model, environment, date, platform, level, campaign_id, adset_id, leads, customers, invoiced_minor, collected_minor, currency
--
-- attribution_by_campaign one level down, where the data has it: spend from the ad-set and ad insights a
-- connection reads (core.ad_spend_detail), and the credit of touches whose utm_content or utm_term names
-- an ad or ad set (by id, as Meta's {{ad.id}} and {{adset.id}} URL parameters write it, or by name).
-- A touch that names neither keeps its credit at the campaign only. Summed over ad_id, the rows of an
-- ad set are the ad set's: its ads' spend and credit, plus on its own row the touches that name the ad
-- set but no ad, and the spend no ad row carries (all of it where only ad-set insights are read).
with settings as (
    select * from config.settings
),

-- Each ad and ad set once, with its names as of its latest day of spend.
ads as (
    select environment, platform, ad_id, arg_max(ad_name, date) as ad_name, any_value(adset_id) as adset_id
    from core.ad_spend_detail
    where level = 'ad'
    group by all
),

adsets as (
    select
        environment,
        platform,
        adset_id,
        arg_max(adset_name, date) as adset_name,
        any_value(campaign_id) as campaign_id,
        lower(arg_max(campaign_name, date)) as campaign
    from core.ad_spend_detail
    group by all
),

-- What a touch's content or term can be: an id, or a lower-cased name.
object_keys as (
    select environment, platform, 'ad' as level, ad_id as key, false as by_name, ad_id, adset_id from ads
    union all
    select environment, platform, 'ad', lower(trim(ad_name)), true, ad_id, adset_id from ads where ad_name is not null
    union all
    select environment, platform, 'adset', adset_id, false, null, adset_id from adsets
    union all
    select environment, platform, 'adset', lower(trim(adset_name)), true, null, adset_id from adsets where adset_name is not null
),

-- The few touches that name something below the campaign, with their campaign's label.
named_touches as (
    select
        touchpoints.touchpoint_id,
        touchpoints.environment,
        labels.platform,
        labels.campaign_id,
        lower(touchpoints.content) as content_key,
        lower(touchpoints.term) as term_key
    from core.touchpoints as touchpoints
    join attribution.touch_labels as labels
        on labels.environment = touchpoints.environment
        and labels.touch_source = touchpoints.source
        and labels.touch_medium = touchpoints.medium
        and labels.campaign_text is not distinct from touchpoints.campaign
    where touchpoints.content is not null or touchpoints.term is not null
),

-- An id names one object anywhere; a name counts only on the touch's own platform and within its
-- campaign when the touch's campaign is known (ad names repeat across ad sets and campaigns).
matches as (
    select named_touches.touchpoint_id, object_keys.*
    from named_touches
    join object_keys
        on object_keys.environment = named_touches.environment
        and object_keys.key in (named_touches.content_key, named_touches.term_key)
    join adsets
        on adsets.environment = object_keys.environment
        and adsets.platform = object_keys.platform
        and adsets.adset_id = object_keys.adset_id
    where not object_keys.by_name
        or (object_keys.platform = named_touches.platform and (named_touches.campaign_id is null or adsets.campaign_id = named_touches.campaign_id))
),

-- The ad set a touch names, when it names exactly one.
named_adsets as (
    select touchpoint_id, any_value(adset_id) as adset_id
    from matches
    where level = 'adset'
    group by touchpoint_id
    having count(distinct adset_id) = 1
),

-- A touch is placed at the one ad it names (within the ad set it names, if it names one), else at
-- the one ad set it names or its named ads share; a touch that names several is left at its campaign.
placed as (
    select
        matches.touchpoint_id,
        any_value(matches.platform) as platform,
        case when count(distinct matches.ad_id) = 1 then any_value(matches.ad_id) end as ad_id,
        coalesce(
            any_value(named_adsets.adset_id),
            case when count(distinct matches.adset_id) = 1 then any_value(matches.adset_id) end
        ) as adset_id
    from matches
    left join named_adsets using (touchpoint_id)
    where matches.level = 'ad' and (named_adsets.adset_id is null or matches.adset_id = named_adsets.adset_id)
        or matches.level = 'adset' and named_adsets.adset_id is not null
    group by matches.touchpoint_id
    having count(distinct matches.platform) = 1
),

credits as (
    select
        credits.model,
        credits.environment,
        timezone((select timezone from settings), credits.converted_at)::date as date,
        placed.platform,
        placed.adset_id,
        coalesce(placed.ad_id, '') as ad_key,
        sum(credits.credit) filter (where credits.kind = 'lead') as leads,
        sum(credits.credit) filter (where credits.kind = 'customer') as customers,
        sum(credits.invoiced_minor) filter (where credits.kind = 'order') as invoiced_minor,
        sum(credits.collected_minor) filter (where credits.kind = 'order') as collected_minor
    from attribution.attribution_credits as credits
    join placed using (touchpoint_id)
    where placed.adset_id is not null
    group by all
),

-- Per ad set and day in the account's currency: each ad's spend, and on the ad set's own row what
-- the ad-set insights say beyond the sum of its ads (NULL where the connection reads no ad sets).
adset_days as (
    select
        environment,
        platform,
        connection,
        date,
        adset_id,
        currency,
        sum(spend_minor) filter (where level = 'adset') - coalesce(sum(spend_minor) filter (where level = 'ad'), 0) as beyond_ads_minor
    from core.ad_spend_detail
    group by all
),

spend_rows as (
    select environment, platform, date, adset_id, ad_id as ad_key, currency, spend_minor
    from core.ad_spend_detail
    where level = 'ad'
    union all
    select environment, platform, date, adset_id, '', currency, beyond_ads_minor
    from adset_days
    where beyond_ads_minor <> 0
),

-- Spend in the reporting currency, on the ad account's own day, once for every model.
spend as (
    select
        models.model,
        spend_rows.environment,
        spend_rows.date,
        spend_rows.platform,
        spend_rows.adset_id,
        spend_rows.ad_key,
        sum(round(spend_rows.spend_minor * rates.rate))::bigint as spend_minor,
        count(*) filter (where rates.rate is null) as unconverted
    from spend_rows
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
        coalesce(credits.adset_id, spend.adset_id) as adset_id,
        nullif(coalesce(credits.ad_key, spend.ad_key), '') as ad_id,
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
        and spend.adset_id = credits.adset_id
        and spend.ad_key = credits.ad_key
)

select
    joined.model,
    joined.environment,
    joined.date,
    joined.platform,
    case when joined.ad_id is null then 'adset' else 'ad' end as level,
    adsets.campaign_id,
    adsets.campaign,
    joined.adset_id,
    adsets.adset_name,
    joined.ad_id,
    ads.ad_name,
    joined.leads,
    joined.customers,
    joined.invoiced_minor,
    joined.collected_minor,
    joined.spend_minor,
    (select reporting_currency from settings) as currency,
    -- Per unit, as in attribution_by_campaign: spend per lead and per customer, revenue collected per unit spent.
    case when joined.leads > 0 then joined.spend_minor / joined.leads end as cost_per_lead_minor,
    case when joined.customers > 0 then joined.spend_minor / joined.customers end as cost_per_acquisition_minor,
    case when joined.spend_minor > 0 then joined.collected_minor / joined.spend_minor end as roas
from joined
left join adsets using (environment, platform, adset_id)
left join ads using (environment, platform, ad_id)
