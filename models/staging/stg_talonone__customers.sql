-- grain: one row per Talon.One customer profile per connection (one Application), the newest landed version
-- unique: connection, profile_id
-- unique: connection, integration_id
-- not_null: environment, connection, profile_id, integration_id, currency, closed_sessions, total_sales_minor, created_at, last_activity_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"integrationId": "VARCHAR", "created": "VARCHAR", "totalSales": "VARCHAR", "closedSessions": "VARCHAR", "advocateIntegrationId": "VARCHAR", "sandbox": "VARCHAR", "lastActivity": "VARCHAR", "attributes": "JSON"}') as p
    from raw_latest.talonone__customers
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as profile_id,
        p."integrationId" as integration_id,
        p.attributes->>'Email' as email_raw,
        nullif(lower(trim(p.attributes->>'Email')), '') as email,
        nullif(trim(p.attributes->>'Name'), '') as full_name,
        -- The name split at its first space.
        nullif(split_part(trim(p.attributes->>'Name'), ' ', 1), '') as first_name,
        nullif(trim(substr(trim(p.attributes->>'Name'), length(split_part(trim(p.attributes->>'Name'), ' ', 1)) + 1)), '') as last_name,
        nullif(trim(p.attributes->>'ShippingCity'), '') as shipping_city,
        nullif(upper(trim(p.attributes->>'ShippingCountry')), '') as shipping_country,
        -- A JSON null stays the JSON value null, as `payload->'attributes'` gives it.
        coalesce(p.attributes, payload->'attributes') as attributes,
        -- Closed sessions that were not cancelled or reopened: Talon.One's count of purchases.
        (p."closedSessions")::integer as closed_sessions,
        -- Talon.One sends money as bare numbers in the Application's currency: the connection names it.
        coalesce((select currency from config.connections as c where c.connection = source.connection), (select reporting_currency from config.settings)) as currency,
        -- Before discounts; cancelled or reopened sessions and returned items left out.
        round((p."totalSales")::decimal(18, 4) * 100)::bigint as total_sales_minor,
        nullif(p."advocateIntegrationId", '') as advocate_integration_id,
        (p.sandbox)::boolean as is_sandbox,
        (p.created)::timestamptz as created_at,
        (p."lastActivity")::timestamptz as last_activity_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
