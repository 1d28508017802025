-- grain: one row per Stripe promotion code per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_promotion_code_id
with source as (
    select * from staging.stg_stripe__object_versions where object_type = 'promotion_code'
),

deduplicated as (
    select * from source
    qualify row_number() over (
        partition by environment, connection, primary_key
        order by observed_at desc, synced_at desc, sync_id desc, record_index desc
    ) = 1
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_promotion_code_id,
        payload->>'code' as code,
        -- Since API version 2025-09-30 the coupon sits under `promotion`; older versions put it at the top level.
        coalesce(payload->'promotion'->>'coupon', payload->'coupon'->>'id', payload->>'coupon') as stripe_coupon_id,
        (payload->>'active')::boolean as is_active,
        to_timestamp((payload->>'created')::bigint) as created_at,
        synced_at
    from deduplicated
)

select * from renamed
