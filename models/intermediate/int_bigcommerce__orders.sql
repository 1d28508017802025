-- grain: one row per BigCommerce order per connection, abandoned checkouts included
with orders as (
    select * from staging.stg_bigcommerce__orders
),

coupons as (
    select environment, connection, order_id, string_agg(code, ',' order by code) as coupon_code
    from staging.stg_bigcommerce__order_coupons
    group by all
),

final as (
    select
        'bigcommerce' as source,
        orders.connection,
        orders.environment,
        orders.order_id::varchar as source_order_id,
        coalesce(orders.customer_id::varchar, 'guest:' || orders.billing_email) as source_customer_id,
        case
            when orders.status_id = 0 then 'abandoned'
            when orders.status_id in (1, 7, 12) then 'pending'
            when orders.status_id = 5 then 'cancelled'
            when orders.status_id = 6 then 'failed'
            when orders.status_id = 4 then 'refunded'
            when orders.status_id = 14 then 'partially_refunded'
            when orders.refunded_minor > 0 and orders.refunded_minor >= orders.total_inc_tax_minor then 'refunded'
            when orders.refunded_minor > 0 then 'partially_refunded'
            -- Shipped, partially shipped, awaiting pickup, shipment or fulfillment, completed, disputed.
            else 'paid'
        end as status,
        orders.source_status,
        orders.currency,
        orders.total_inc_tax_minor as total_minor,
        orders.discount_minor + orders.coupon_discount_minor as discount_minor,
        orders.total_tax_minor as tax_minor,
        orders.shipping_cost_inc_tax_minor as shipping_minor,
        -- A store marks an order Refunded without always recording the amount: the whole order was returned.
        case when orders.status_id = 4 then greatest(orders.refunded_minor, orders.total_inc_tax_minor) else orders.refunded_minor end as refunded_minor,
        coupons.coupon_code,
        null::varchar as source_subscription_id,
        orders.items_total::integer as item_count,
        null::varchar as utm_source,
        null::varchar as utm_medium,
        null::varchar as utm_campaign,
        null::varchar as utm_content,
        null::varchar as utm_term,
        orders.created_at as ordered_at,
        orders.updated_at,
        orders.sync_mode,
        orders.synced_at,
        false as is_sale_copy
    from orders
    left join coupons using (environment, connection, order_id)
)

select * from final
