-- grain: one row per product line of an order: a BigCommerce order product, a ThriveCart product, bump or upsell charge, a Deep Data order product, a Talon.One cart item, an Amazon order item
-- unique: order_item_id
-- not_null: order_item_id, order_id, environment, source, connection, product_id, quantity, currency, total_minor, returned_quantity
with unioned as (
    -- Every branch has the same columns; by name, a branch listing them in another order still lines up.
    select * from intermediate.int_bigcommerce__order_items
    union all by name select * from intermediate.int_thrivecart__order_items
    union all by name select * from intermediate.int_activecampaign__order_items
    union all by name select * from intermediate.int_talonone__order_items
    union all by name select * from intermediate.int_amazon_seller__order_items
),

final as (
    select
        source || ':' || connection || ':' || source_order_item_id as order_item_id,
        source || ':' || connection || ':' || source_order_id as order_id,
        environment,
        source,
        connection,
        source_order_item_id,
        source || ':' || connection || ':' || source_product_id as product_id,
        source_product_id,
        product_name,
        sku,
        category,
        quantity,
        unit_price_minor,
        total_minor,
        currency,
        returned_quantity,
        refunded_minor
    from unioned
)

select * from final
