-- grain: one row per conversion and each touch in its lookback window (the config's lookback_days, touches up to the conversion); a conversion without any has one '(no touch)' row
-- unique: conversion_key, position
-- not_null: conversion_key, position, touches, touchpoint_id, touched_at, channel, is_direct
--
-- Narrow: the conversion's columns are in attribution.conversions (by conversion_key), the touch's
-- labels in attribution.touch_labels (by label_key); this keeps what the models read per conversion touch.
with settings as (
    select attribution_lookback_days as lookback from config.settings
),

-- The window's start as a column: a join condition on a scalar subquery is not a range join.
conversions as (
    select conversion_id, conversion_key, customer_id, converted_at, converted_at - to_days(settings.lookback) as window_start
    from attribution.conversions
    cross join settings
),

-- Nothing is dropped: a conversion no touch explains keeps its value under '(no touch)' (the left join's
-- row without a touch; a touch always has an id, a time, a channel and is_direct).
matched as (
    select
        conversions.conversion_key,
        touches.label_key,
        coalesce(touches.touchpoint_id, 'none:' || conversions.conversion_id) as touchpoint_id,
        coalesce(touches.touched_at, conversions.converted_at) as touched_at,
        coalesce(touches.channel, '(no touch)') as channel,
        coalesce(touches.is_direct, true) as is_direct
    from conversions
    left join attribution.touches as touches
        on touches.customer_id = conversions.customer_id
        and touches.touched_at <= conversions.converted_at
        and touches.touched_at > conversions.window_start
)

select
    *,
    row_number() over path::integer as position,
    count(*) over (partition by conversion_key)::integer as touches,
    -- The channel of the touch before on the path, for the Markov chain's transitions (from the same pass over the path).
    lag(channel) over path as previous_channel
from matched
window path as (partition by conversion_key order by touched_at, touchpoint_id)
