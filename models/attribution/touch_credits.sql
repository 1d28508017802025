-- grain: one row per conversion touch (attribution.conversion_touches, by conversion_key and position): every model's share of the conversion and of an order's money, NULL where a model gives the touch nothing
-- unique: conversion_key, position
-- not_null: conversion_key, position, kind
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
    select conversion_key, position, touchpoint_id, kind, environment, channel, converted_at, touched_at, is_direct, touches
    from attribution.conversion_touches
),

-- Per touch, what the shares below are made of; each window is over one conversion's touches.
weighted as (
    select
        touches.*,
        max(position) filter (where not is_direct) over (partition by conversion_key) as last_non_direct_position,
        -- Seconds between two instants (epoch of each: an interval would go through calendar arithmetic).
        pow(0.5, (epoch(converted_at) - epoch(touched_at)) / 86400.0 / (select half_life from settings)) as decay_weight,
        -- Markov: the conversion goes to the channels on its path in proportion to their removal effects,
        -- a channel's part split evenly among its touches.
        coalesce(shares.share, 0) / count(*) over (partition by touches.conversion_key, touches.channel) as markov_weight
    from touches
    left join attribution.markov_channel_shares as shares
        on shares.environment = touches.environment and shares.kind = touches.kind and shares.channel = touches.channel
),

shares as (
    select
        conversion_key,
        position,
        touchpoint_id,
        kind,
        touches,
        case when position = 1 then 1.0 else 0.0 end::double as first_touch,
        case when position = touches then 1.0 else 0.0 end::double as last_touch,
        case when position = coalesce(last_non_direct_position, touches) then 1.0 else 0.0 end::double as last_non_direct,
        (1.0 / touches)::double as linear,
        -- 40% first, 40% last, 20% across the middle; two touches split it, one takes all.
        case
            when touches = 1 then 1.0
            when touches = 2 then 0.5
            when position = 1 or position = touches then 0.4
            else 0.2 / (touches - 2)
        end::double as position_based,
        decay_weight / sum(decay_weight) over (partition by conversion_key) as time_decay,
        -- A path whose channels have no Markov effect at all is linear.
        case
            when sum(markov_weight) over (partition by conversion_key) > 0
                then markov_weight / sum(markov_weight) over (partition by conversion_key)
            else 1.0 / touches
        end::double as markov
    from weighted
),

valued as (
    select shares.*, conversions.invoiced_minor, conversions.collected_minor
    from shares
    join attribution.conversions as conversions using (conversion_key)
),

-- Money is split in whole minor units that add up to the order's value exactly: each touch gets the
-- floor of its share, and the units left over go to the largest remainders (ties by touchpoint id).
-- Only orders with more than one touch need it, and only the models that share a conversion; first,
-- last and last non-direct touch give it to one touch whole. A touch a model gives nothing has no
-- remainder and never reaches the units left over.
split as (
    select
        *,
        sum(floor(invoiced_minor * linear)) over conversion as linear_invoiced_floors,
        sum(floor(collected_minor * linear)) over conversion as linear_collected_floors,
        row_number() over (conversion order by invoiced_minor * linear - floor(invoiced_minor * linear) desc, touchpoint_id) as linear_invoiced_rank,
        row_number() over (conversion order by collected_minor * linear - floor(collected_minor * linear) desc, touchpoint_id) as linear_collected_rank,
        sum(floor(invoiced_minor * position_based)) over conversion as position_based_invoiced_floors,
        sum(floor(collected_minor * position_based)) over conversion as position_based_collected_floors,
        row_number() over (conversion order by invoiced_minor * position_based - floor(invoiced_minor * position_based) desc, touchpoint_id) as position_based_invoiced_rank,
        row_number() over (conversion order by collected_minor * position_based - floor(collected_minor * position_based) desc, touchpoint_id) as position_based_collected_rank,
        sum(floor(invoiced_minor * time_decay)) over conversion as time_decay_invoiced_floors,
        sum(floor(collected_minor * time_decay)) over conversion as time_decay_collected_floors,
        row_number() over (conversion order by invoiced_minor * time_decay - floor(invoiced_minor * time_decay) desc, touchpoint_id) as time_decay_invoiced_rank,
        row_number() over (conversion order by collected_minor * time_decay - floor(collected_minor * time_decay) desc, touchpoint_id) as time_decay_collected_rank,
        sum(floor(invoiced_minor * markov)) over conversion as markov_invoiced_floors,
        sum(floor(collected_minor * markov)) over conversion as markov_collected_floors,
        row_number() over (conversion order by invoiced_minor * markov - floor(invoiced_minor * markov) desc, touchpoint_id) as markov_invoiced_rank,
        row_number() over (conversion order by collected_minor * markov - floor(collected_minor * markov) desc, touchpoint_id) as markov_collected_rank
    from valued
    where kind = 'order' and touches > 1
    window conversion as (partition by conversion_key)
),

split_orders as (
    select
        conversion_key,
        position,
        (floor(invoiced_minor * linear) + case when linear_invoiced_rank <= invoiced_minor - linear_invoiced_floors then 1 else 0 end)::bigint as linear_invoiced_minor,
        (floor(collected_minor * linear) + case when linear_collected_rank <= collected_minor - linear_collected_floors then 1 else 0 end)::bigint as linear_collected_minor,
        (floor(invoiced_minor * position_based) + case when position_based_invoiced_rank <= invoiced_minor - position_based_invoiced_floors then 1 else 0 end)::bigint as position_based_invoiced_minor,
        (floor(collected_minor * position_based) + case when position_based_collected_rank <= collected_minor - position_based_collected_floors then 1 else 0 end)::bigint as position_based_collected_minor,
        (floor(invoiced_minor * time_decay) + case when time_decay_invoiced_rank <= invoiced_minor - time_decay_invoiced_floors then 1 else 0 end)::bigint as time_decay_invoiced_minor,
        (floor(collected_minor * time_decay) + case when time_decay_collected_rank <= collected_minor - time_decay_collected_floors then 1 else 0 end)::bigint as time_decay_collected_minor,
        (floor(invoiced_minor * markov) + case when markov_invoiced_rank <= invoiced_minor - markov_invoiced_floors then 1 else 0 end)::bigint as markov_invoiced_minor,
        (floor(collected_minor * markov) + case when markov_collected_rank <= collected_minor - markov_collected_floors then 1 else 0 end)::bigint as markov_collected_minor
    from split
)

-- A model's columns are NULL where it gives the touch nothing; a conversion's whole value goes with a whole share.
select
    valued.conversion_key,
    valued.position,
    valued.kind,
    nullif(valued.first_touch, 0) as first_touch,
    case when valued.first_touch > 0 then valued.invoiced_minor end as first_touch_invoiced_minor,
    case when valued.first_touch > 0 then valued.collected_minor end as first_touch_collected_minor,
    nullif(valued.last_touch, 0) as last_touch,
    case when valued.last_touch > 0 then valued.invoiced_minor end as last_touch_invoiced_minor,
    case when valued.last_touch > 0 then valued.collected_minor end as last_touch_collected_minor,
    nullif(valued.last_non_direct, 0) as last_non_direct,
    case when valued.last_non_direct > 0 then valued.invoiced_minor end as last_non_direct_invoiced_minor,
    case when valued.last_non_direct > 0 then valued.collected_minor end as last_non_direct_collected_minor,
    nullif(valued.linear, 0) as linear,
    case when valued.linear > 0 then coalesce(split_orders.linear_invoiced_minor, valued.invoiced_minor) end as linear_invoiced_minor,
    case when valued.linear > 0 then coalesce(split_orders.linear_collected_minor, valued.collected_minor) end as linear_collected_minor,
    nullif(valued.position_based, 0) as position_based,
    case when valued.position_based > 0 then coalesce(split_orders.position_based_invoiced_minor, valued.invoiced_minor) end as position_based_invoiced_minor,
    case when valued.position_based > 0 then coalesce(split_orders.position_based_collected_minor, valued.collected_minor) end as position_based_collected_minor,
    nullif(valued.time_decay, 0) as time_decay,
    case when valued.time_decay > 0 then coalesce(split_orders.time_decay_invoiced_minor, valued.invoiced_minor) end as time_decay_invoiced_minor,
    case when valued.time_decay > 0 then coalesce(split_orders.time_decay_collected_minor, valued.collected_minor) end as time_decay_collected_minor,
    nullif(valued.markov, 0) as markov,
    case when valued.markov > 0 then coalesce(split_orders.markov_invoiced_minor, valued.invoiced_minor) end as markov_invoiced_minor,
    case when valued.markov > 0 then coalesce(split_orders.markov_collected_minor, valued.collected_minor) end as markov_collected_minor
from valued
left join split_orders using (conversion_key, position)
