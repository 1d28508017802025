-- grain: one row per Stripe coupon per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_coupon_id
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "name": "VARCHAR", "percent_off": "VARCHAR", "amount_off": "VARCHAR", "currency": "VARCHAR",
            "duration": "VARCHAR", "times_redeemed": "VARCHAR", "valid": "VARCHAR", "created": "VARCHAR"
        }') as p,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'coupon'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_coupon_id,
        p.name,
        p.percent_off::double as percent_off,
        p.amount_off::bigint as amount_off_minor,
        upper(p.currency) as currency,
        p.duration,
        -- Redemptions as Stripe counts them: each customer or subscription it was applied to, once.
        p.times_redeemed::integer as times_redeemed,
        p.valid::boolean as is_valid,
        to_timestamp(p.created::bigint) as created_at,
        synced_at
    from source
)

select * from renamed
