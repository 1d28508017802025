-- grain: one row per conversion, touch and model with a share of the conversion (touches a model gives nothing are left out); narrow, attribution_credits adds the touch's columns
-- materialized: view
--
-- attribution.touch_credits holds the shares, one row per conversion touch with a column per model;
-- this lays them out one row per model. Its tests are there: touch_credits is unique per conversion
-- touch (conversion_key, position), and conversion_touches per (conversion_key, position), so this is
-- unique per (model, conversion_key, position), and a NULL share is a touch the model leaves out.
with credits as (
    select conversions.conversion_id, touches.touchpoint_id, credits.*
    from attribution.touch_credits as credits
    join attribution.conversion_touches as touches using (conversion_key, position)
    join attribution.conversions as conversions using (conversion_key)
)

-- INCLUDE NULLS: a lead's share has no money, and UNPIVOT would otherwise drop it; a NULL share is the row left out.
-- conversion_key and position: the conversion touch, for attribution_credits to join by integers.
select model, conversion_id, touchpoint_id, kind, credit, invoiced_minor, collected_minor, conversion_key, position
from credits
unpivot include nulls (
    (credit, invoiced_minor, collected_minor) for model in (
        (first_touch, first_touch_invoiced_minor, first_touch_collected_minor) as 'first_touch',
        (last_touch, last_touch_invoiced_minor, last_touch_collected_minor) as 'last_touch',
        (last_non_direct, last_non_direct_invoiced_minor, last_non_direct_collected_minor) as 'last_non_direct',
        (linear, linear_invoiced_minor, linear_collected_minor) as 'linear',
        (position_based, position_based_invoiced_minor, position_based_collected_minor) as 'position_based',
        (time_decay, time_decay_invoiced_minor, time_decay_collected_minor) as 'time_decay',
        (markov, markov_invoiced_minor, markov_collected_minor) as 'markov'
    )
)
where credit is not null
