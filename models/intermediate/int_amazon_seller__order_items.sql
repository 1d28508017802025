-- grain: one row per Amazon order item per connection
with items as (
    select * from staging.stg_amazon_seller__order_items
),

-- Units returned per order line, matched by the seller's SKU (the returns report names the product,
-- not the line; one ASIN may be two lines, new and used, under two SKUs).
returned as (
    select connection, amazon_order_id, seller_sku, asin, sum(return_quantity) as returned_quantity, sum(coalesce(refunded_minor, 0)) as refunded_minor
    from staging.stg_amazon_seller__returns
    group by connection, amazon_order_id, seller_sku, asin
),

final as (
    select
        'amazon_seller' as source,
        items.connection,
        items.environment,
        items.order_item_id as source_order_item_id,
        items.amazon_order_id as source_order_id,
        items.asin as source_product_id,
        items.title as product_name,
        items.seller_sku as sku,
        null::varchar as category,
        items.quantity_ordered as quantity,
        -- ItemPrice is the price of the line's whole quantity; a pending order's lines have none yet.
        case when items.quantity_ordered > 0 then items.item_price_minor // items.quantity_ordered end as unit_price_minor,
        coalesce(items.item_price_minor, 0) as total_minor,
        coalesce(items.currency, orders.currency, connections.currency) as currency,
        coalesce(returned.returned_quantity, 0)::integer as returned_quantity,
        coalesce(returned.refunded_minor, 0) as refunded_minor
    from items
    left join staging.stg_amazon_seller__orders as orders on orders.connection = items.connection and orders.amazon_order_id = items.amazon_order_id
    left join config.connections as connections on connections.connection = items.connection
    left join returned
        on returned.connection = items.connection and returned.amazon_order_id = items.amazon_order_id
        and (returned.seller_sku = items.seller_sku or (returned.seller_sku is null and returned.asin = items.asin))
)

select * from final
