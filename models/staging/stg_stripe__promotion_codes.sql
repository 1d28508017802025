-- grain: one row per Stripe promotion code per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_promotion_code_id
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'promotion_code'
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
    from source
)

select * from renamed
