-- grain: one row per product a source sells or has sold, per connection
-- unique: product_id
-- not_null: product_id, environment, source, connection, source_product_id
with catalog as (
    select
        'bigcommerce' as source,
        connection,
        environment,
        product_id::varchar as source_product_id,
        product_name,
        sku,
        product_type as category,
        created_at
    from staging.stg_bigcommerce__products
),

-- Sources without a catalog stream name their products on the lines that sold them.
sold as (
    select
        source,
        connection,
        environment,
        source_product_id,
        arg_max(items.product_name, orders.ordered_at) as product_name,
        arg_max(items.sku, orders.ordered_at) as sku,
        arg_max(items.category, orders.ordered_at) as category,
        min(orders.ordered_at) as created_at
    from core.order_items as items
    join core.orders as orders using (order_id, environment, source, connection)
    where source <> 'bigcommerce'
    group by all
),

unioned as (
    select * from catalog
    union all by name select * from sold
)

select
    source || ':' || connection || ':' || source_product_id as product_id,
    *
from unioned
