-- grain: one row per customer per currency they paid in, exact amounts in that currency's minor units
-- unique: customer_id, currency
-- not_null: customer_id, currency, orders_count, discounted_orders, amount_spent_minor, net_revenue_minor, refunded_amount_minor, discount_received_minor
select
    customer_id,
    currency,
    count(*)::integer as orders_count,
    count(*) filter (where is_discounted)::integer as discounted_orders,
    sum(total_minor)::bigint as amount_spent_minor,
    sum(net_minor)::bigint as net_revenue_minor,
    sum(refunded_minor)::bigint as refunded_amount_minor,
    coalesce(sum(discount_minor), 0)::bigint as discount_received_minor,
    min(ordered_at) as first_order_at,
    max(ordered_at) as last_order_at
from core.orders
where counts_as_revenue
    and status in ('paid', 'partially_refunded', 'refunded')
    and customer_id is not null
group by customer_id, currency
