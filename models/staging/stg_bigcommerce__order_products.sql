-- grain: one row per BigCommerce order line (order product) per connection, the newest landed version
-- unique: connection, order_product_id
-- not_null: environment, connection, order_product_id, order_id, product_id, quantity, total_inc_tax_minor
with source as (
    select * from raw_latest.bigcommerce__order_products
),

orders as (
    select environment, connection, order_id, currency from staging.stg_bigcommerce__orders
),

with_currency as (
    -- A line's money is in its order's currency, which only the order carries.
    select source.*, orders.currency as order_currency
    from source
    left join orders
        on orders.environment = source.environment
        and orders.connection = source.connection
        and orders.order_id = (source.payload->>'order_id')::bigint
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as order_product_id,
        (payload->>'order_id')::bigint as order_id,
        (payload->>'product_id')::bigint as product_id,
        payload->>'name' as product_name,
        nullif(payload->>'sku', '') as sku,
        nullif(payload->>'type', '') as product_type,
        (payload->>'quantity')::bigint as quantity,
        (payload->>'quantity_refunded')::bigint as quantity_refunded,
        (payload->>'is_refunded')::boolean as is_refunded,
        order_currency as currency,
        round((payload->>'base_price')::decimal(18, 4) * 100)::bigint as base_price_minor,
        round((payload->>'price_inc_tax')::decimal(18, 4) * 100)::bigint as price_inc_tax_minor,
        round((payload->>'total_ex_tax')::decimal(18, 4) * 100)::bigint as total_ex_tax_minor,
        round((payload->>'total_inc_tax')::decimal(18, 4) * 100)::bigint as total_inc_tax_minor,
        round((payload->>'refund_amount')::decimal(18, 4) * 100)::bigint as refund_minor,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
