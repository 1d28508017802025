-- grain: one row per Amazon marketplace order per connection
with orders as (
    select * from staging.stg_amazon_seller__orders
),

-- What Amazon refunded per order, as its returns report records it.
refunds as (
    select connection, amazon_order_id, sum(coalesce(refunded_minor, 0)) as refunded_minor
    from staging.stg_amazon_seller__returns
    group by connection, amazon_order_id
),

discounts as (
    select connection, amazon_order_id, sum(coalesce(promotion_discount_minor, 0)) as discount_minor
    from staging.stg_amazon_seller__order_items
    group by connection, amazon_order_id
),

final as (
    select
        'amazon_seller' as source,
        orders.connection,
        orders.environment,
        orders.amazon_order_id as source_order_id,
        orders.buyer_email as source_customer_id,
        case
            when orders.source_status = 'Canceled' then 'cancelled'
            when orders.source_status = 'Unfulfillable' then 'failed'
            -- Pending: not yet charged; PendingAvailability: a pre-order waiting for its release date.
            when orders.source_status in ('Pending', 'PendingAvailability') then 'pending'
            when coalesce(refunds.refunded_minor, 0) > 0 and refunds.refunded_minor >= orders.order_total_minor then 'refunded'
            when coalesce(refunds.refunded_minor, 0) > 0 then 'partially_refunded'
            -- Unshipped, PartiallyShipped, Shipped, InvoiceUnconfirmed: the buyer has paid.
            else 'paid'
        end as status,
        orders.source_status,
        -- A pending order carries no total yet: its marketplace's currency is the connection's.
        coalesce(orders.currency, connections.currency) as currency,
        coalesce(orders.order_total_minor, 0) as total_minor,
        discounts.discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        least(coalesce(refunds.refunded_minor, 0), coalesce(orders.order_total_minor, 0)) as refunded_minor,
        null::varchar as coupon_code,
        null::varchar as source_subscription_id,
        (coalesce(orders.items_shipped, 0) + coalesce(orders.items_unshipped, 0))::integer as item_count,
        null::varchar as utm_source,
        null::varchar as utm_medium,
        null::varchar as utm_campaign,
        null::varchar as utm_content,
        null::varchar as utm_term,
        orders.purchased_at as ordered_at,
        orders.last_updated_at as updated_at,
        orders.sync_mode,
        orders.synced_at,
        false as is_sale_copy
    from orders
    left join config.connections as connections on connections.connection = orders.connection
    left join refunds on refunds.connection = orders.connection and refunds.amazon_order_id = orders.amazon_order_id
    left join discounts on discounts.connection = orders.connection and discounts.amazon_order_id = orders.amazon_order_id
)

select * from final
