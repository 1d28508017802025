-- grain: one row per Stripe customer per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_customer_id
-- not_null: stripe_customer_id, environment, created_at
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "email": "VARCHAR", "name": "VARCHAR", "phone": "VARCHAR",
            "address": {"postal_code": "VARCHAR", "city": "VARCHAR", "country": "VARCHAR"},
            "created": "VARCHAR", "livemode": "VARCHAR", "metadata": "JSON"
        }') as p,
        payload,
        sync_mode,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'customer'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_customer_id,
        p.email as email_raw,
        nullif(lower(trim(p.email)), '') as email,
        nullif(trim(p.name), '') as name,
        nullif(trim(p.phone), '') as phone,
        p.address.postal_code as zip,
        p.address.city as city,
        p.address.country as country,
        to_timestamp(p.created::bigint) as created_at,
        p.livemode::boolean as is_livemode,
        -- A JSON null stays the JSON value null, as `payload->'metadata'` gives it.
        coalesce(p.metadata, payload->'metadata') as metadata,
        -- The sign-up's acquisition, as a checkout or sign-up form writes it on the customer.
        nullif(trim(p.metadata->>'utm_source'), '') as utm_source,
        nullif(trim(p.metadata->>'utm_medium'), '') as utm_medium,
        nullif(trim(p.metadata->>'utm_campaign'), '') as utm_campaign,
        sync_mode,
        synced_at
    from source
)

select * from renamed
