-- grain: one row per conversion and each touch in its lookback window (the config's lookback_days, touches up to the conversion); a conversion without any has one '(no touch)' row
-- unique: conversion_id, touchpoint_id
-- not_null: conversion_id, conversion_key, kind, customer_id, environment, converted_at, touchpoint_id, touched_at, channel, is_direct, position, touches
with settings as (
    select attribution_lookback_days as lookback from config.settings
),

conversions as (
    select * from attribution.conversions
),

matched as (
    select
        conversions.conversion_id,
        conversions.conversion_key,
        conversions.kind,
        conversions.customer_id,
        conversions.environment,
        conversions.converted_at,
        touches.touchpoint_id,
        touches.touched_at,
        touches.platform,
        touches.source,
        touches.medium,
        touches.campaign,
        touches.campaign_id,
        touches.channel,
        touches.is_direct
    from conversions
    join attribution.touches as touches
        on touches.customer_id = conversions.customer_id
        and touches.touched_at <= conversions.converted_at
        and touches.touched_at > conversions.converted_at - to_days((select lookback from settings))
),

-- Nothing is dropped: a conversion no touch explains keeps its value under '(no touch)'.
untouched as (
    select
        conversion_id, conversion_key, kind, customer_id, environment, converted_at,
        'none:' || conversion_id as touchpoint_id,
        converted_at as touched_at,
        null::varchar as platform,
        '(none)' as source,
        '(none)' as medium,
        '(no touch)' as campaign,
        null::varchar as campaign_id,
        '(no touch)' as channel,
        true as is_direct
    from conversions
    where conversion_key not in (select conversion_key from matched)
),

unioned as (
    select * from matched
    union all by name
    select * from untouched
)

select
    *,
    row_number() over (partition by conversion_key order by touched_at, touchpoint_id)::integer as position,
    count(*) over (partition by conversion_key)::integer as touches
from unioned
