-- grain: one row per BigCommerce catalog product per connection, the newest landed version
-- unique: connection, product_id
-- not_null: environment, connection, product_id, product_name, product_type, created_at, updated_at
-- Catalog prices are left out: they are in the store's default currency, which a product does
-- not carry; order lines (stg_bigcommerce__order_products) hold what was charged, with a currency.
with source as (
    select * from raw_latest.bigcommerce__products
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as product_id,
        payload->>'name' as product_name,
        nullif(payload->>'sku', '') as sku,
        payload->>'type' as product_type,
        (payload->>'is_visible')::boolean as is_visible,
        (payload->>'date_created')::timestamptz as created_at,
        (payload->>'date_modified')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
