-- grain: one row per line of an ActiveCampaign Deep Data (e-commerce) order per connection, the newest landed version
-- unique: connection, ecom_order_product_id
-- not_null: environment, connection, ecom_order_product_id, ecom_order_id, price_minor, quantity
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"category": "VARCHAR", "updatedDate": "VARCHAR", "sku": "VARCHAR", "name": "VARCHAR", "price": "VARCHAR", "createdDate": "VARCHAR", "externalid": "VARCHAR", "quantity": "VARCHAR", "orderid": "VARCHAR"}') as p
    from raw_latest.activecampaign__ecom_order_products
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
        and orders.ecom_order_id = (source.p.orderid)::bigint
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_order_product_id,
        (p.orderid)::bigint as ecom_order_id,
        nullif(p.externalid, '') as external_product_id,
        nullif(p.sku, '') as sku,
        p.name as product_name,
        nullif(p.category, '') as category,
        (p.price)::bigint as price_minor,
        (p.quantity)::bigint as quantity,
        order_currency as currency,
        (p."createdDate")::timestamptz as created_at,
        (p."updatedDate")::timestamptz as updated_at,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
