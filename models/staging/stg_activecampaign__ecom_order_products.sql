-- grain: one row per line of an ActiveCampaign Deep Data (e-commerce) order per connection, the newest landed version
-- unique: connection, ecom_order_product_id
-- not_null: environment, connection, ecom_order_product_id, ecom_order_id, price_minor, quantity
with source as (
    select * from raw.activecampaign__ecom_order_products
),

deduplicated as (
    -- Deep Data is read whole on every sync: keep the newest landing of each line.
    select * from source
    qualify row_number() over (
        partition by environment, connection, primary_key
        order by synced_at desc, sync_id desc, record_index desc
    ) = 1
),

orders as (
    select environment, connection, ecom_order_id, currency from staging.stg_activecampaign__ecom_orders
),

with_currency as (
    -- A line's price is in its order's currency, which only the order carries.
    select deduplicated.*, orders.currency as order_currency
    from deduplicated
    left join orders
        on orders.environment = deduplicated.environment
        and orders.connection = deduplicated.connection
        and orders.ecom_order_id = (deduplicated.payload->>'orderid')::bigint
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
