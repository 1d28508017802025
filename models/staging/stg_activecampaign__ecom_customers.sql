-- grain: one row per ActiveCampaign Deep Data (e-commerce) customer per connection, the newest landed version
-- unique: connection, ecom_customer_id
-- not_null: environment, connection, ecom_customer_id, ecom_connection_id, email_raw
-- totalRevenue and avgRevenuePerOrder are left out: they are cents with no currency, summed over
-- orders that may be in several; stg_activecampaign__ecom_orders carries each order's currency.
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"tstamp": "VARCHAR", "connectionid": "VARCHAR", "email": "VARCHAR", "externalid": "VARCHAR", "totalOrders": "VARCHAR"}') as p
    from raw_latest.activecampaign__ecom_customers
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_customer_id,
        -- The store integration (an ActiveCampaign "connection") the customer came from.
        (p.connectionid)::bigint as ecom_connection_id,
        nullif(p.externalid, '') as external_id,
        p.email as email_raw,
        nullif(lower(trim(p.email)), '') as email,
        (p."totalOrders")::bigint as total_orders,
        (p.tstamp)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
