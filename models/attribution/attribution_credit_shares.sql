-- grain: one row per conversion, touch and model with a share of the conversion (touches a model gives nothing are left out); narrow, attribution_credits adds the touch's columns
-- unique: model, conversion_id, touchpoint_id
-- not_null: model, conversion_id, touchpoint_id, kind, credit
with settings as (
    select attribution_half_life_days as half_life from config.settings
),

-- Only what the models read: the rows stay narrow through the windows below.
touches as (
    select conversion_id, touchpoint_id, kind, environment, channel, converted_at, touched_at, is_direct, position, touches
    from attribution.conversion_touches
),

last_non_direct as (
    select conversion_id, max(position) filter (where not is_direct) as last_position
    from touches
    group by conversion_id
),

-- Markov: the conversion goes to the channels on its path in proportion to their removal effects,
-- a channel's part split evenly among its touches; a path whose channels have no effect at all is linear.
markov as (
    select
        touches.conversion_id,
        touches.touchpoint_id,
        coalesce(shares.share, 0) / count(*) over (partition by touches.conversion_id, touches.channel) as weight
    from touches
    left join attribution.markov_channel_shares as shares
        on shares.environment = touches.environment and shares.kind = touches.kind and shares.channel = touches.channel
),

decay as (
    select
        conversion_id,
        touchpoint_id,
        -- Seconds between two instants (epoch of each: an interval would go through calendar arithmetic).
        pow(0.5, (epoch(converted_at) - epoch(touched_at)) / 86400.0 / (select half_life from settings)) as weight
    from touches
),

fractions as (
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'first_touch' as model, case when position = 1 then 1.0 else 0.0 end as credit from touches
    union all
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'last_touch', case when position = touches then 1.0 else 0.0 end from touches
    union all
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'last_non_direct', case when touches.position = coalesce(lnd.last_position, touches.touches) then 1.0 else 0.0 end
    from touches join last_non_direct as lnd using (conversion_id)
    union all
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'linear', 1.0 / touches from touches
    union all
    -- 40% first, 40% last, 20% across the middle; two touches split it, one takes all.
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'position_based',
        case
            when touches = 1 then 1.0
            when touches = 2 then 0.5
            when position = 1 or position = touches then 0.4
            else 0.2 / (touches - 2)
        end
    from touches
    union all
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'time_decay', decay.weight / sum(decay.weight) over (partition by touches.conversion_id)
    from touches join decay using (conversion_id, touchpoint_id)
    union all
    select touches.conversion_id, touches.touchpoint_id, touches.kind, 'markov',
        case
            when sum(markov.weight) over (partition by touches.conversion_id) > 0
                then markov.weight / sum(markov.weight) over (partition by touches.conversion_id)
            else 1.0 / touches.touches
        end
    from touches join markov using (conversion_id, touchpoint_id)
),

valued as (
    select fractions.*, conversions.invoiced_minor, conversions.collected_minor
    from fractions
    join attribution.conversions as conversions using (conversion_id)
    where fractions.credit > 0
),

-- Money is split in whole minor units that add up to the order's value exactly: each touch gets the
-- floor of its share, and the units left over go to the largest remainders. Only orders carry money,
-- and a touch holding the whole order needs no split.
split as (
    select
        *,
        invoiced_minor * credit as invoiced_raw,
        collected_minor * credit as collected_raw,
        row_number() over (partition by model, conversion_id order by invoiced_minor * credit - floor(invoiced_minor * credit) desc, touchpoint_id) as invoiced_rank,
        row_number() over (partition by model, conversion_id order by collected_minor * credit - floor(collected_minor * credit) desc, touchpoint_id) as collected_rank
    from valued
    where kind = 'order' and credit < 1
),

split_orders as (
    select
        * exclude (invoiced_raw, collected_raw, invoiced_rank, collected_rank, invoiced_minor, collected_minor),
        (floor(invoiced_raw) + case when invoiced_rank <= invoiced_minor - sum(floor(invoiced_raw)) over (partition by model, conversion_id) then 1 else 0 end)::bigint as invoiced_minor,
        (floor(collected_raw) + case when collected_rank <= collected_minor - sum(floor(collected_raw)) over (partition by model, conversion_id) then 1 else 0 end)::bigint as collected_minor
    from split
),

final as (
    select * from split_orders
    union all by name
    select * from valued where not (kind = 'order' and credit < 1)
)

select model, conversion_id, touchpoint_id, kind, credit, invoiced_minor, collected_minor
from final
