-- grain: one row per Stripe coupon per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_coupon_id
with source as (
    select * from staging.stg_stripe__object_versions where object_type = 'coupon'
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
        primary_key as stripe_coupon_id,
        payload->>'name' as name,
        (payload->>'percent_off')::double as percent_off,
        (payload->>'amount_off')::bigint as amount_off_minor,
        upper(payload->>'currency') as currency,
        payload->>'duration' as duration,
        to_timestamp((payload->>'created')::bigint) as created_at,
        synced_at
    from deduplicated
)

select * from renamed
