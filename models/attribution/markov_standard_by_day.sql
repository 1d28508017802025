-- grain: one row per environment, day of the conversion (the account's time zone), conversion kind, platform and campaign: the standard Markov totals of that day's conversions
-- unique: environment, date, kind, platform, campaign
-- not_null: environment, date, kind, platform, campaign, credit
--
-- The standard Markov result: each day's conversions that have a path (and their invoiced and
-- collected money) times each channel's share of the removal effects, the chain fitted on every
-- path (attribution.markov_channel_shares). Summed over all days it is the table's standard_*
-- totals exactly; over a range of days, that range's conversions times the same shares. What the
-- reports print under `markov` per campaign and platform. A conversion without a path stays with
-- '(no touch)', as in credits_by_day. Money is in fractional minor units, as the standard totals are.
with settings as (
    select timezone from config.settings
),

-- A conversion has a path unless its one row is '(no touch)': its first touch says which.
paths as (
    select conversion_key from attribution.conversion_touches where position = 1 and label_key is not null
),

per_day as (
    select
        conversions.environment,
        conversions.kind,
        timezone((select timezone from settings), conversions.converted_at)::date as date,
        paths.conversion_key is not null as has_path,
        count(*) as conversions,
        sum(conversions.invoiced_minor) as invoiced_minor,
        sum(conversions.collected_minor) as collected_minor
    from attribution.conversions
    left join paths using (conversion_key)
    group by all
),

-- A channel is its platform (or source) and campaign, as credits_by_day names them.
channels as (
    select environment, channel, any_value(coalesce(platform, source, '(none)')) as platform, any_value(campaign) as campaign
    from attribution.touch_labels
    group by all
),

credited as (
    select
        per_day.environment, per_day.date, per_day.kind, channels.platform, channels.campaign,
        per_day.conversions * shares.share as credit,
        per_day.invoiced_minor * shares.share as invoiced_minor,
        per_day.collected_minor * shares.share as collected_minor
    from per_day
    join attribution.markov_channel_shares as shares using (environment, kind)
    join channels using (environment, channel)
    where per_day.has_path and shares.share > 0
    union all
    select environment, date, kind, '(none)', '(no touch)', conversions, invoiced_minor, collected_minor
    from per_day
    where not has_path
)

select
    environment, date, kind, platform, campaign,
    sum(credit)::double as credit,
    sum(invoiced_minor)::double as invoiced_minor,
    sum(collected_minor)::double as collected_minor
from credited
group by all
