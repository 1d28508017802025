-- grain: one row per Stripe coupon per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_coupon_id
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'coupon'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_coupon_id,
        payload->>'name' as name,
        (payload->>'percent_off')::double as percent_off,
        (payload->>'amount_off')::bigint as amount_off_minor,
        upper(payload->>'currency') as currency,
        payload->>'duration' as duration,
        to_timestamp((payload->>'created')::bigint) as created_at,
        synced_at
    from source
)

select * from renamed
