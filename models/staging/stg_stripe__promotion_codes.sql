-- grain: one row per Stripe promotion code per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_promotion_code_id
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "code": "VARCHAR", "promotion": {"coupon": "VARCHAR"}, "coupon": "JSON", "active": "VARCHAR", "times_redeemed": "VARCHAR", "created": "VARCHAR"
        }') as p,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'promotion_code'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_promotion_code_id,
        p.code,
        -- Since API version 2025-09-30 the coupon sits under `promotion`; older versions put it at the top level.
        coalesce(p.promotion.coupon, p.coupon->>'id', p.coupon->>'$') as stripe_coupon_id,
        p.active::boolean as is_active,
        p.times_redeemed::integer as times_redeemed,
        to_timestamp(p.created::bigint) as created_at,
        synced_at
    from source
)

select * from renamed
