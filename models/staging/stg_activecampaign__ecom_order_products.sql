-- grain: one row per line of an ActiveCampaign Deep Data (e-commerce) order per connection, the newest landed version
-- unique: connection, ecom_order_product_id
-- not_null: environment, connection, ecom_order_product_id, ecom_order_id, price_minor, quantity
with source as (
    select * from raw_latest.activecampaign__ecom_order_products
),

orders as (
    select environment, connection, ecom_order_id, currency from staging.stg_activecampaign__ecom_orders
),

with_currency as (
    -- A line's price is in its order's currency, which only the order carries.
    select source.*, orders.currency as order_currency
    from source
    left join orders
        on orders.environment = source.environment
        and orders.connection = source.connection
        and orders.ecom_order_id = (source.payload->>'orderid')::bigint
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_order_product_id,
        (payload->>'orderid')::bigint as ecom_order_id,
        nullif(payload->>'externalid', '') as external_product_id,
        nullif(payload->>'sku', '') as sku,
        payload->>'name' as product_name,
        nullif(payload->>'category', '') as category,
        (payload->>'price')::bigint as price_minor,
        (payload->>'quantity')::bigint as quantity,
        order_currency as currency,
        (payload->>'createdDate')::timestamptz as created_at,
        (payload->>'updatedDate')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
