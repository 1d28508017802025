-- grain: one row per environment and first-touch source, medium and campaign of paying customers
-- unique: environment, source, medium, campaign
-- not_null: environment, source, medium, campaign, customers, revenue_30d_minor, revenue_90d_minor, revenue_365d_minor, lifetime_revenue_minor, currency
with settings as (
    select * from config.settings
),

-- The label of each person's first touch, then its source, medium and campaign (attribution.touch_labels).
first_touch as (
    select firsts.customer_id, labels.source, labels.medium, labels.campaign
    from (
        select customer_id, arg_min(label_key, (touched_at, touchpoint_id)) as label_key
        from attribution.touches
        group by customer_id
    ) as firsts
    join attribution.touch_labels as labels using (label_key)
),

orders as (
    select customer_id, environment, converted_at, collected_minor, unconverted_currency
    from attribution.conversions
    where kind = 'order'
),

customers as (
    select customer_id, environment, min(converted_at) as first_order_at
    from orders
    group by all
),

-- Collected revenue (after refunds, in the reporting currency) within 30, 90 and 365 days of the first order.
per_customer as (
    select
        customers.customer_id,
        customers.environment,
        sum(orders.collected_minor) filter (where orders.converted_at < customers.first_order_at + interval 30 day) as revenue_30d_minor,
        sum(orders.collected_minor) filter (where orders.converted_at < customers.first_order_at + interval 90 day) as revenue_90d_minor,
        sum(orders.collected_minor) filter (where orders.converted_at < customers.first_order_at + interval 365 day) as revenue_365d_minor,
        sum(orders.collected_minor) as lifetime_revenue_minor
    from customers
    join orders using (customer_id, environment)
    group by all
)

select
    per_customer.environment,
    coalesce(first_touch.source, '(none)') as source,
    coalesce(first_touch.medium, '(none)') as medium,
    coalesce(first_touch.campaign, '(no touch)') as campaign,
    count(*)::integer as customers,
    coalesce(sum(revenue_30d_minor), 0)::bigint as revenue_30d_minor,
    coalesce(sum(revenue_90d_minor), 0)::bigint as revenue_90d_minor,
    coalesce(sum(revenue_365d_minor), 0)::bigint as revenue_365d_minor,
    coalesce(sum(lifetime_revenue_minor), 0)::bigint as lifetime_revenue_minor,
    coalesce(sum(lifetime_revenue_minor), 0) / count(*) as average_ltv_minor,
    (select reporting_currency from settings) as currency
from per_customer
left join first_touch using (customer_id)
group by all
