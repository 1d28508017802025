-- grain: one row per Stripe customer per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_customer_id
-- not_null: stripe_customer_id, environment, created_at
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'customer'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_customer_id,
        payload->>'email' as email_raw,
        nullif(lower(trim(payload->>'email')), '') as email,
        nullif(trim(payload->>'name'), '') as name,
        nullif(trim(payload->>'phone'), '') as phone,
        payload->'address'->>'postal_code' as zip,
        payload->'address'->>'city' as city,
        payload->'address'->>'country' as country,
        to_timestamp((payload->>'created')::bigint) as created_at,
        (payload->>'livemode')::boolean as is_livemode,
        payload->'metadata' as metadata,
        sync_mode,
        synced_at
    from source
)

select * from renamed
