-- grain: one row per BigCommerce registered customer per connection, the newest landed version
-- unique: connection, customer_id
-- not_null: environment, connection, customer_id, email_raw, created_at, updated_at
with source as (
    select * from raw_latest.bigcommerce__customers
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as customer_id,
        payload->>'email' as email_raw,
        nullif(lower(trim(payload->>'email')), '') as email,
        nullif(trim(payload->>'first_name'), '') as first_name,
        nullif(trim(payload->>'last_name'), '') as last_name,
        nullif(trim(payload->>'company'), '') as company,
        nullif(trim(payload->>'phone'), '') as phone,
        (payload->>'customer_group_id')::bigint as customer_group_id,
        -- V3 dates are ISO 8601 with an offset, unlike v2's RFC 2822.
        (payload->>'date_created')::timestamptz as created_at,
        (payload->>'date_modified')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
