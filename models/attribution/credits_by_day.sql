-- grain: one row per model, environment, day of the conversion (the account's time zone), platform, campaign and conversion kind: what the model credited there
-- unique: model, environment, date, platform, campaign, kind
-- not_null: model, environment, date, platform, campaign, kind, credited_touches, credit
--
-- The sums the reports and the credit check need, taken over the touches' wide rows
-- (attribution.touch_credits), the day computed once per conversion, instead of over one row per touch
-- and model. fsum: a compensated sum, so millions of float shares do not drift.
with settings as (
    select timezone from config.settings
),

-- The day once per conversion, not once per touch.
days as (
    select conversion_key, environment, timezone((select timezone from settings), converted_at)::date as date
    from attribution.conversions
),

-- The touch's campaign columns (attribution.touch_labels); a '(no touch)' row has no touch.
touches as (
    select
        touches.conversion_key,
        touches.position,
        coalesce(labels.platform, labels.source, '(none)') as platform,
        coalesce(labels.campaign, '(no touch)') as campaign,
        labels.campaign_id
    from attribution.conversion_touches as touches
    left join attribution.touch_labels as labels using (label_key)
),

per_kind as (
    select
        days.environment,
        days.date,
        -- The ad platform, or the touch's own source where no ad platform runs the campaign.
        touches.platform,
        touches.campaign,
        credits.kind,
        any_value(touches.campaign_id) as campaign_id,
        -- count: the touches a model credits (a model credits a day and campaign only through them).
        count(credits.first_touch) as first_touch_touches, fsum(credits.first_touch) as first_touch,
        sum(credits.first_touch_invoiced_minor) as first_touch_invoiced_minor, sum(credits.first_touch_collected_minor) as first_touch_collected_minor,
        count(credits.last_touch) as last_touch_touches, fsum(credits.last_touch) as last_touch,
        sum(credits.last_touch_invoiced_minor) as last_touch_invoiced_minor, sum(credits.last_touch_collected_minor) as last_touch_collected_minor,
        count(credits.last_non_direct) as last_non_direct_touches, fsum(credits.last_non_direct) as last_non_direct,
        sum(credits.last_non_direct_invoiced_minor) as last_non_direct_invoiced_minor, sum(credits.last_non_direct_collected_minor) as last_non_direct_collected_minor,
        count(credits.linear) as linear_touches, fsum(credits.linear) as linear,
        sum(credits.linear_invoiced_minor) as linear_invoiced_minor, sum(credits.linear_collected_minor) as linear_collected_minor,
        count(credits.position_based) as position_based_touches, fsum(credits.position_based) as position_based,
        sum(credits.position_based_invoiced_minor) as position_based_invoiced_minor, sum(credits.position_based_collected_minor) as position_based_collected_minor,
        count(credits.time_decay) as time_decay_touches, fsum(credits.time_decay) as time_decay,
        sum(credits.time_decay_invoiced_minor) as time_decay_invoiced_minor, sum(credits.time_decay_collected_minor) as time_decay_collected_minor,
        count(credits.markov) as markov_touches, fsum(credits.markov) as markov,
        sum(credits.markov_invoiced_minor) as markov_invoiced_minor, sum(credits.markov_collected_minor) as markov_collected_minor
    from attribution.touch_credits as credits
    join touches using (conversion_key, position)
    join days using (conversion_key)
    group by all
),

per_model as (
    select *
    from per_kind
    unpivot include nulls (
        (credited_touches, credit, invoiced_minor, collected_minor) for model in (
            (first_touch_touches, first_touch, first_touch_invoiced_minor, first_touch_collected_minor) as 'first_touch',
            (last_touch_touches, last_touch, last_touch_invoiced_minor, last_touch_collected_minor) as 'last_touch',
            (last_non_direct_touches, last_non_direct, last_non_direct_invoiced_minor, last_non_direct_collected_minor) as 'last_non_direct',
            (linear_touches, linear, linear_invoiced_minor, linear_collected_minor) as 'linear',
            (position_based_touches, position_based, position_based_invoiced_minor, position_based_collected_minor) as 'position_based',
            (time_decay_touches, time_decay, time_decay_invoiced_minor, time_decay_collected_minor) as 'time_decay',
            (markov_touches, markov, markov_invoiced_minor, markov_collected_minor) as 'markov'
        )
    )
    where credited_touches > 0
)

select model, environment, date, platform, campaign, kind, campaign_id, credited_touches, credit, invoiced_minor::bigint as invoiced_minor, collected_minor::bigint as collected_minor
from per_model
