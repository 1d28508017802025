-- grain: one row per BigCommerce catalog product per connection, the newest landed version
-- unique: connection, product_id
-- not_null: environment, connection, product_id, product_name, product_type, created_at, updated_at
-- Catalog prices are left out: they are in the store's default currency, which a product does
-- not carry; order lines (stg_bigcommerce__order_products) hold what was charged, with a currency.
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"date_created": "VARCHAR", "sku": "VARCHAR", "name": "VARCHAR", "type": "VARCHAR", "date_modified": "VARCHAR", "is_visible": "VARCHAR"}') as p
    from raw_latest.bigcommerce__products
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as product_id,
        p.name as product_name,
        nullif(p.sku, '') as sku,
        p.type as product_type,
        (p.is_visible)::boolean as is_visible,
        (p.date_created)::timestamptz as created_at,
        (p.date_modified)::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
