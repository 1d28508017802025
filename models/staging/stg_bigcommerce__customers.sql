-- grain: one row per BigCommerce registered customer per connection, the newest landed version
-- unique: connection, customer_id
-- not_null: environment, connection, customer_id, email_raw, created_at, updated_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"date_created": "VARCHAR", "first_name": "VARCHAR", "last_name": "VARCHAR", "date_modified": "VARCHAR", "email": "VARCHAR", "phone": "VARCHAR", "company": "VARCHAR", "customer_group_id": "VARCHAR"}') as p
    from raw_latest.bigcommerce__customers
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as customer_id,
        p.email as email_raw,
        nullif(lower(trim(p.email)), '') as email,
        nullif(trim(p.first_name), '') as first_name,
        nullif(trim(p.last_name), '') as last_name,
        nullif(trim(p.company), '') as company,
        nullif(trim(p.phone), '') as phone,
        (p.customer_group_id)::bigint as customer_group_id,
        -- V3 dates are ISO 8601 with an offset, unlike v2's RFC 2822.
        (p.date_created)::timestamptz as created_at,
        (p.date_modified)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
