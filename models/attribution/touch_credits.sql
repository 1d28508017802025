-- grain: one row per conversion touch (attribution.conversion_touches, by conversion_key and position): every model's share of the conversion and of an order's money, NULL where a model gives the touch nothing
-- unique: conversion_key, position
-- not_null: conversion_key, position, kind
-- batched by: conversion_key of attribution.conversion_touches, 320 bytes a row
--
-- Built a range of conversions at a time on big accounts (the line above): every figure here is one
-- conversion's, and the pairs of an order's touches below outgrow memory when all are taken at once.
--
-- One wide row per touch instead of one row per touch and model: seven models over every conversion's
-- touches are seven times as many rows, and the reports need sums per campaign and day, which
-- attribution_by_campaign takes from here. attribution_credit_shares and attribution_credits are views
-- that lay these columns out as one row per model.
with settings as (
    select attribution_half_life_days as half_life from config.settings
),

-- Only what the models read: the rows stay narrow through the windows below.
touches as (
    select
        touches.conversion_key, touches.position, touches.touchpoint_id, conversions.kind, conversions.environment,
        touches.channel, conversions.converted_at, touches.touched_at, touches.is_direct, touches.touches,
        conversions.invoiced_minor, conversions.collected_minor
    from attribution.conversion_touches as touches
    join attribution.conversions as conversions using (conversion_key)
),

-- Per touch, what the shares below are made of; each window is over one conversion's touches.
weighted as (
    select
        touches.*,
        -- Seconds between two instants (epoch of each: an interval would go through calendar arithmetic).
        pow(0.5, (epoch(converted_at) - epoch(touched_at)) / 86400.0 / (select half_life from settings)) as decay_weight,
        -- Markov: the conversion goes to the channels on its path in proportion to their credit weights,
        -- fitted so that every channel's total is the standard one (all conversions, or all of the money,
        -- times its share of the removal effects); a channel's part is split evenly among its touches.
        -- An order's money has weights of its own, fitted to the money.
        1.0 / count(*) over (partition by touches.conversion_key, touches.channel) as per_channel_touch,
        coalesce(markov.credit_weight, 0) * per_channel_touch as markov_weight,
        coalesce(markov.invoiced_weight, 0) * per_channel_touch as markov_invoiced_weight,
        coalesce(markov.collected_weight, 0) * per_channel_touch as markov_collected_weight
    from touches
    left join attribution.markov_channel_shares as markov
        on markov.environment = touches.environment and markov.kind = touches.kind and markov.channel = touches.channel
),

shares as (
    select
        conversion_key,
        position,
        touchpoint_id,
        kind,
        touches,
        invoiced_minor,
        collected_minor,
        case when position = 1 then 1.0 else 0.0 end::double as first_touch,
        case when position = touches then 1.0 else 0.0 end::double as last_touch,
        -- (In this select, so that it shares the sums' pass over each conversion's touches.)
        case
            when position = coalesce(max(position) filter (where not is_direct) over (partition by conversion_key), touches) then 1.0
            else 0.0
        end::double as last_non_direct,
        (1.0 / touches)::double as linear,
        -- 40% first, 40% last, 20% across the middle; two touches split it, one takes all.
        case
            when touches = 1 then 1.0
            when touches = 2 then 0.5
            when position = 1 or position = touches then 0.4
            else 0.2 / (touches - 2)
        end::double as position_based,
        decay_weight / sum(decay_weight) over (partition by conversion_key) as time_decay,
        -- A path whose channels have no Markov weight at all is split evenly among its channels (the sum
        -- of per_channel_touch is how many there are), as the weights were fitted.
        case
            when sum(markov_weight) over (partition by conversion_key) > 0
                then markov_weight / sum(markov_weight) over (partition by conversion_key)
            else per_channel_touch / sum(per_channel_touch) over (partition by conversion_key)
        end::double as markov,
        case
            when sum(markov_invoiced_weight) over (partition by conversion_key) > 0
                then markov_invoiced_weight / sum(markov_invoiced_weight) over (partition by conversion_key)
            else per_channel_touch / sum(per_channel_touch) over (partition by conversion_key)
        end::double as markov_invoiced,
        case
            when sum(markov_collected_weight) over (partition by conversion_key) > 0
                then markov_collected_weight / sum(markov_collected_weight) over (partition by conversion_key)
            else per_channel_touch / sum(per_channel_touch) over (partition by conversion_key)
        end::double as markov_collected
    from weighted
),

-- Money is split in whole minor units that add up to the order's value exactly: each touch gets the
-- floor of its share, and the units left over go to the largest remainders (ties by touchpoint id).
-- Only orders with more than one touch need it, and only the models that share a conversion; first,
-- last and last non-direct touch give it to one touch whole. A touch a model gives nothing has no
-- remainder and never reaches the units left over.
fractions as (
    select
        conversion_key,
        position,
        touchpoint_id,
        invoiced_minor,
        collected_minor,
        floor(invoiced_minor * linear) as linear_invoiced_floor,
        invoiced_minor * linear - floor(invoiced_minor * linear) as linear_invoiced_remainder,
        floor(collected_minor * linear) as linear_collected_floor,
        collected_minor * linear - floor(collected_minor * linear) as linear_collected_remainder,
        floor(invoiced_minor * position_based) as position_based_invoiced_floor,
        invoiced_minor * position_based - floor(invoiced_minor * position_based) as position_based_invoiced_remainder,
        floor(collected_minor * position_based) as position_based_collected_floor,
        collected_minor * position_based - floor(collected_minor * position_based) as position_based_collected_remainder,
        floor(invoiced_minor * time_decay) as time_decay_invoiced_floor,
        invoiced_minor * time_decay - floor(invoiced_minor * time_decay) as time_decay_invoiced_remainder,
        floor(collected_minor * time_decay) as time_decay_collected_floor,
        collected_minor * time_decay - floor(collected_minor * time_decay) as time_decay_collected_remainder,
        floor(invoiced_minor * markov_invoiced) as markov_invoiced_floor,
        invoiced_minor * markov_invoiced - floor(invoiced_minor * markov_invoiced) as markov_invoiced_remainder,
        floor(collected_minor * markov_collected) as markov_collected_floor,
        collected_minor * markov_collected - floor(collected_minor * markov_collected) as markov_collected_remainder
    from shares
    where kind = 'order' and touches > 1
),

-- The units each order has left over once every touch has its floor.
leftover as (
    select
        conversion_key,
        any_value(invoiced_minor) - sum(linear_invoiced_floor) as linear_invoiced_left,
        any_value(collected_minor) - sum(linear_collected_floor) as linear_collected_left,
        any_value(invoiced_minor) - sum(position_based_invoiced_floor) as position_based_invoiced_left,
        any_value(collected_minor) - sum(position_based_collected_floor) as position_based_collected_left,
        any_value(invoiced_minor) - sum(time_decay_invoiced_floor) as time_decay_invoiced_left,
        any_value(collected_minor) - sum(time_decay_collected_floor) as time_decay_collected_left,
        any_value(invoiced_minor) - sum(markov_invoiced_floor) as markov_invoiced_left,
        any_value(collected_minor) - sum(markov_collected_floor) as markov_collected_left
    from fractions
    group by conversion_key
),

-- A touch's rank among its order's touches by remainder (largest first, ties by touchpoint id): one
-- plus the touches before it, counted over the pairs of an order's touches (an order has a handful),
-- for the eight splits at once instead of eight sorts.
ranked as (
    select
        touch.conversion_key,
        touch.position,
        1 + count(*) filter (where other.linear_invoiced_remainder > touch.linear_invoiced_remainder
            or (other.linear_invoiced_remainder = touch.linear_invoiced_remainder and other.touchpoint_id < touch.touchpoint_id)) as linear_invoiced_rank,
        1 + count(*) filter (where other.linear_collected_remainder > touch.linear_collected_remainder
            or (other.linear_collected_remainder = touch.linear_collected_remainder and other.touchpoint_id < touch.touchpoint_id)) as linear_collected_rank,
        1 + count(*) filter (where other.position_based_invoiced_remainder > touch.position_based_invoiced_remainder
            or (other.position_based_invoiced_remainder = touch.position_based_invoiced_remainder and other.touchpoint_id < touch.touchpoint_id)) as position_based_invoiced_rank,
        1 + count(*) filter (where other.position_based_collected_remainder > touch.position_based_collected_remainder
            or (other.position_based_collected_remainder = touch.position_based_collected_remainder and other.touchpoint_id < touch.touchpoint_id)) as position_based_collected_rank,
        1 + count(*) filter (where other.time_decay_invoiced_remainder > touch.time_decay_invoiced_remainder
            or (other.time_decay_invoiced_remainder = touch.time_decay_invoiced_remainder and other.touchpoint_id < touch.touchpoint_id)) as time_decay_invoiced_rank,
        1 + count(*) filter (where other.time_decay_collected_remainder > touch.time_decay_collected_remainder
            or (other.time_decay_collected_remainder = touch.time_decay_collected_remainder and other.touchpoint_id < touch.touchpoint_id)) as time_decay_collected_rank,
        1 + count(*) filter (where other.markov_invoiced_remainder > touch.markov_invoiced_remainder
            or (other.markov_invoiced_remainder = touch.markov_invoiced_remainder and other.touchpoint_id < touch.touchpoint_id)) as markov_invoiced_rank,
        1 + count(*) filter (where other.markov_collected_remainder > touch.markov_collected_remainder
            or (other.markov_collected_remainder = touch.markov_collected_remainder and other.touchpoint_id < touch.touchpoint_id)) as markov_collected_rank
    from fractions as touch
    join fractions as other on other.conversion_key = touch.conversion_key and other.position <> touch.position
    group by touch.conversion_key, touch.position
),

split_orders as (
    select
        fractions.conversion_key,
        fractions.position,
        (linear_invoiced_floor + case when linear_invoiced_rank <= linear_invoiced_left then 1 else 0 end)::bigint as linear_invoiced_minor,
        (linear_collected_floor + case when linear_collected_rank <= linear_collected_left then 1 else 0 end)::bigint as linear_collected_minor,
        (position_based_invoiced_floor + case when position_based_invoiced_rank <= position_based_invoiced_left then 1 else 0 end)::bigint as position_based_invoiced_minor,
        (position_based_collected_floor + case when position_based_collected_rank <= position_based_collected_left then 1 else 0 end)::bigint as position_based_collected_minor,
        (time_decay_invoiced_floor + case when time_decay_invoiced_rank <= time_decay_invoiced_left then 1 else 0 end)::bigint as time_decay_invoiced_minor,
        (time_decay_collected_floor + case when time_decay_collected_rank <= time_decay_collected_left then 1 else 0 end)::bigint as time_decay_collected_minor,
        (markov_invoiced_floor + case when markov_invoiced_rank <= markov_invoiced_left then 1 else 0 end)::bigint as markov_invoiced_minor,
        (markov_collected_floor + case when markov_collected_rank <= markov_collected_left then 1 else 0 end)::bigint as markov_collected_minor
    from fractions
    join ranked using (conversion_key, position)
    join leftover using (conversion_key)
)

-- A model's columns are NULL where it gives the touch nothing; a conversion's whole value goes with a whole share.
select
    shares.conversion_key,
    shares.position,
    shares.kind,
    nullif(shares.first_touch, 0) as first_touch,
    case when shares.first_touch > 0 then shares.invoiced_minor end as first_touch_invoiced_minor,
    case when shares.first_touch > 0 then shares.collected_minor end as first_touch_collected_minor,
    nullif(shares.last_touch, 0) as last_touch,
    case when shares.last_touch > 0 then shares.invoiced_minor end as last_touch_invoiced_minor,
    case when shares.last_touch > 0 then shares.collected_minor end as last_touch_collected_minor,
    nullif(shares.last_non_direct, 0) as last_non_direct,
    case when shares.last_non_direct > 0 then shares.invoiced_minor end as last_non_direct_invoiced_minor,
    case when shares.last_non_direct > 0 then shares.collected_minor end as last_non_direct_collected_minor,
    nullif(shares.linear, 0) as linear,
    case when shares.linear > 0 then coalesce(split_orders.linear_invoiced_minor, shares.invoiced_minor) end as linear_invoiced_minor,
    case when shares.linear > 0 then coalesce(split_orders.linear_collected_minor, shares.collected_minor) end as linear_collected_minor,
    nullif(shares.position_based, 0) as position_based,
    case when shares.position_based > 0 then coalesce(split_orders.position_based_invoiced_minor, shares.invoiced_minor) end as position_based_invoiced_minor,
    case when shares.position_based > 0 then coalesce(split_orders.position_based_collected_minor, shares.collected_minor) end as position_based_collected_minor,
    nullif(shares.time_decay, 0) as time_decay,
    case when shares.time_decay > 0 then coalesce(split_orders.time_decay_invoiced_minor, shares.invoiced_minor) end as time_decay_invoiced_minor,
    case when shares.time_decay > 0 then coalesce(split_orders.time_decay_collected_minor, shares.collected_minor) end as time_decay_collected_minor,
    -- Markov's money has weights of its own: a touch it gives money but (a fitted weight so small) no
    -- share of the count keeps a share of 0, so that its money is not left out with a NULL.
    case when shares.markov > 0 or shares.markov_invoiced > 0 or shares.markov_collected > 0 then shares.markov end as markov,
    case when shares.markov > 0 or shares.markov_invoiced > 0 or shares.markov_collected > 0 then coalesce(split_orders.markov_invoiced_minor, shares.invoiced_minor) end as markov_invoiced_minor,
    case when shares.markov > 0 or shares.markov_invoiced > 0 or shares.markov_collected > 0 then coalesce(split_orders.markov_collected_minor, shares.collected_minor) end as markov_collected_minor
from shares
left join split_orders using (conversion_key, position)
