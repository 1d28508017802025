-- grain: one row per BigCommerce order product per connection
with order_products as (
    select * from staging.stg_bigcommerce__order_products
    -- Lines whose order has not landed yet (a sync still running) wait for it.
    where currency is not null
),

final as (
    select
        'bigcommerce' as source,
        connection,
        environment,
        order_product_id::varchar as source_order_item_id,
        order_id::varchar as source_order_id,
        product_id::varchar as source_product_id,
        product_name,
        sku,
        product_type as category,
        quantity::integer as quantity,
        price_inc_tax_minor as unit_price_minor,
        total_inc_tax_minor as total_minor,
        currency,
        coalesce(quantity_refunded, 0)::integer as returned_quantity,
        coalesce(refund_minor, 0) as refunded_minor
    from order_products
)

select * from final
