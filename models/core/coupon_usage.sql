-- grain: one row per coupon and per promotion code applied to an order that took money: the orders and people that used it, their revenue and discount
-- unique: kind, key
-- not_null: kind, key, orders_count, customers_count, currency, first_used_at, last_used_at
with used as (
    select 'coupon' as kind, coupon_id as key, * from core.order_discounts
    union all
    select 'promotion_code', promotion_code_id, * from core.order_discounts
),

-- One row per key and order, however many of the order's discounts share the key.
per_order as (
    select
        kind,
        key,
        order_id,
        any_value(customer_id) as customer_id,
        any_value(currency) as currency,
        any_value(net_minor) as net_minor,
        sum(discount_minor) as discount_minor,
        any_value(ordered_at) as ordered_at
    from used
    where status in ('paid', 'partially_refunded', 'refunded')
    group by kind, key, order_id
),

-- Money in the reporting currency; NULL where an order's currency has no rate, not a partial sum.
final as (
    select
        kind,
        key,
        count(*)::integer as orders_count,
        count(distinct customer_id)::integer as customers_count,
        (select reporting_currency from config.settings) as currency,
        case when count(*) filter (where rates.rate is null) = 0 then sum(round(per_order.net_minor * rates.rate))::bigint end as revenue_minor,
        case when count(*) filter (where rates.rate is null) = 0 then coalesce(sum(round(per_order.discount_minor * rates.rate)), 0)::bigint end as discount_minor,
        min(ordered_at) as first_used_at,
        max(ordered_at) as last_used_at
    from per_order
    left join config.currency_rates as rates using (currency)
    group by kind, key
)

select * from final
