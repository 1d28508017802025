-- grain: one row per returned item of one marketplace return request per connection
-- unique: return_key
-- not_null: return_key, environment, source, connection, source_order_id, order_id, return_quantity, return_requested_on
with returns as (
    select * from staging.stg_amazon_seller__returns
),

orders as (
    select order_id, customer_id from core.orders
),

final as (
    select
        'amazon_seller:' || returns.connection || ':' || returns.return_key as return_key,
        returns.environment,
        'amazon_seller' as source,
        returns.connection,
        returns.amazon_order_id as source_order_id,
        'amazon_seller:' || returns.connection || ':' || returns.amazon_order_id as order_id,
        -- The buyer as the order names them; a return of an order not synced yet has none until it is.
        orders.customer_id,
        returns.amazon_rma_id,
        returns.asin,
        returns.seller_sku,
        returns.item_name,
        returns.category,
        returns.return_quantity,
        returns.return_reason,
        returns.return_status,
        returns.resolution,
        returns.is_in_policy,
        returns.currency,
        returns.refunded_minor,
        returns.return_requested_on,
        returns.return_delivered_on,
        returns.sync_mode,
        returns.synced_at
    from returns
    left join orders
        on orders.order_id = 'amazon_seller:' || returns.connection || ':' || returns.amazon_order_id
)

select * from final
