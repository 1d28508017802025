-- grain: one row per customer with their metrics; times in the account's time zone (config timezone)
select
    customers.customer_id,
    customers.environment,
    customers.email,
    customers.first_name,
    customers.last_name,
    customers.phone,
    customers.zip,
    customers.city,
    customers.country,
    customers.sources,
    metrics.is_customer,
    metrics.orders_count,
    metrics.currency,
    metrics.amount_spent_minor,
    metrics.net_revenue_minor,
    metrics.discount_received_minor,
    metrics.refunded_amount_minor,
    metrics.promo_codes_used,
    metrics.returned_items,
    metrics.active_subscriptions,
    timezone((select timezone from config.settings), customers.first_seen_at) as first_seen_at,
    timezone((select timezone from config.settings), metrics.first_order_at) as first_order_at,
    timezone((select timezone from config.settings), metrics.last_order_at) as last_order_at
from core.customers as customers
join marts.customer_metrics as metrics using (customer_id, environment)
