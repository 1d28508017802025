-- grain: one row per BigCommerce order line (order product) per connection, the newest landed version
-- unique: connection, order_product_id
-- not_null: environment, connection, order_product_id, order_id, product_id, quantity, total_inc_tax_minor
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"sku": "VARCHAR", "is_refunded": "VARCHAR", "name": "VARCHAR", "type": "VARCHAR", "quantity_refunded": "VARCHAR", "total_ex_tax": "VARCHAR", "base_price": "VARCHAR", "total_inc_tax": "VARCHAR", "price_inc_tax": "VARCHAR", "product_id": "VARCHAR", "quantity": "VARCHAR", "order_id": "VARCHAR", "refund_amount": "VARCHAR"}') as p
    from raw_latest.bigcommerce__order_products
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
        and orders.order_id = (source.p.order_id)::bigint
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as order_product_id,
        (p.order_id)::bigint as order_id,
        (p.product_id)::bigint as product_id,
        p.name as product_name,
        nullif(p.sku, '') as sku,
        nullif(p.type, '') as product_type,
        (p.quantity)::bigint as quantity,
        (p.quantity_refunded)::bigint as quantity_refunded,
        (p.is_refunded)::boolean as is_refunded,
        order_currency as currency,
        round((p.base_price)::decimal(18, 4) * 100)::bigint as base_price_minor,
        round((p.price_inc_tax)::decimal(18, 4) * 100)::bigint as price_inc_tax_minor,
        round((p.total_ex_tax)::decimal(18, 4) * 100)::bigint as total_ex_tax_minor,
        round((p.total_inc_tax)::decimal(18, 4) * 100)::bigint as total_inc_tax_minor,
        round((p.refund_amount)::decimal(18, 4) * 100)::bigint as refund_minor,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
