-- grain: one row per customer (per person per environment), every person in core.customers
-- unique: customer_id
-- not_null: customer_id, environment, orders_count, discounted_orders, undiscounted_orders, promo_codes_used, returned_items, negative_feedbacks, active_subscriptions, cancelled_subscriptions, incomplete_subscriptions, promotion_orders, promotion_discounted_orders, promotion_undiscounted_orders, loyalty_points_active, loyalty_points_pending, loyalty_points_expiring_30d, is_paying_customer, is_tagged_customer, is_customer
with settings as (
    select * from config.settings
),

payment_environments as (
    select distinct environment from config.connections where is_payment_source
),

-- Money taken: paid orders, and refunded ones (the refund is subtracted in net revenue).
paid_orders as (
    select * from core.orders
    where counts_as_revenue and status in ('paid', 'partially_refunded', 'refunded') and customer_id is not null
),

promo_codes as (
    select customer_id, count(distinct lower(trim(code)))::integer as promo_codes_used
    from paid_orders, unnest(string_split(coupon_code, ',')) as codes(code)
    where coupon_code is not null
    group by customer_id
),

returned as (
    select paid_orders.customer_id, sum(items.returned_quantity)::integer as returned_items
    from core.order_items as items
    join paid_orders using (order_id)
    group by paid_orders.customer_id
),

-- Marketplace feedback at or below the configured rating (config feedback.negative_max_rating).
negative_feedback as (
    select customer_id, count(*)::integer as negative_feedbacks
    from core.feedback
    where is_negative and customer_id is not null
    group by customer_id
),

-- The paid orders per customer, from their sums per currency; money in the reporting currency, and a
-- customer with revenue in a currency that has no rate gets NULL, not a partial sum.
orders_summary as (
    select
        revenue.customer_id,
        sum(revenue.orders_count)::integer as orders_count,
        sum(revenue.discounted_orders)::integer as discounted_orders,
        sum(revenue.orders_count - revenue.discounted_orders)::integer as undiscounted_orders,
        min(revenue.first_order_at) as first_order_at,
        max(revenue.last_order_at) as last_order_at,
        sum(round(revenue.amount_spent_minor * rates.rate))::bigint as amount_spent_minor,
        sum(round(revenue.net_revenue_minor * rates.rate))::bigint as net_revenue_minor,
        sum(round(revenue.refunded_amount_minor * rates.rate))::bigint as refunded_amount_minor,
        sum(round(revenue.discount_received_minor * rates.rate))::bigint as discount_received_minor,
        list(revenue.currency order by revenue.currency) filter (where rates.rate is null) as unconverted_currencies,
        count(*) filter (where rates.rate is null) as unconverted
    from marts.customer_revenue_by_currency as revenue
    left join config.currency_rates as rates using (currency)
    group by revenue.customer_id
),

subscriptions as (
    select
        customer_id,
        count(*) filter (where status = 'active')::integer as active_subscriptions,
        count(*) filter (where status = 'cancelled')::integer as cancelled_subscriptions,
        -- Waiting for a first payment: counted apart, neither active nor cancelled.
        count(*) filter (where status = 'incomplete')::integer as incomplete_subscriptions
    from core.subscriptions
    where customer_id is not null
    group by customer_id
),

tagged as (
    select distinct tags.customer_id
    from core.contact_tags as tags
    join config.customer_tags as rules
        on (rules.match = 'equals' and lower(trim(tags.tag)) = lower(trim(rules.value)))
        or (rules.match = 'contains' and contains(lower(tags.tag), lower(rules.value)))
),

abandoned as (
    select customer_id, count(*)::integer as abandoned_checkouts
    from core.orders
    where status = 'abandoned' and customer_id is not null
    group by customer_id
),

-- A customer profile's figures as Talon.One's Campaign Manager shows them, over closed sessions (closed,
-- and closed then partly returned; not open, cancelled or reopened ones), in the reporting currency.
promotions as (
    select
        sessions.customer_id,
        count(*)::integer as promotion_orders,
        count(*) filter (where sessions.is_discounted)::integer as promotion_discounted_orders,
        count(*) filter (where not sessions.is_discounted)::integer as promotion_undiscounted_orders,
        -- Talon.One's totalSales: before discounts, without returned items.
        sum(round(sessions.kept_total_minor * rates.rate))::bigint as promotion_gross_revenue_minor,
        sum(round(sessions.discount_minor * rates.rate))::bigint as promotion_accrued_discounts_minor,
        count(*) filter (where rates.rate is null) as unconverted
    from core.promotion_sessions as sessions
    left join config.currency_rates as rates using (currency)
    where sessions.is_closed and sessions.customer_id is not null
    group by sessions.customer_id
),

-- Points over every loyalty program and ledger (main and subledgers) of the person, as of the build.
loyalty as (
    select
        customer_id,
        sum(active_points) as loyalty_points_active,
        sum(pending_points) as loyalty_points_pending,
        sum(points_expiring_30d) as loyalty_points_expiring_30d
    from core.loyalty_balances
    where customer_id is not null
    group by customer_id
),

-- The newest record landed about each person, and whether a historical sync landed it: an entry
-- into a segment that it caused came from a backfill, not from new activity.
landed as (
    select customer_id, max(synced_at) as last_synced_at, arg_max(sync_mode, synced_at) as last_sync_mode
    from (
        select customer_id, synced_at, sync_mode from core.customer_identities
        union all select customer_id, synced_at, synced_mode from core.orders where customer_id is not null
        union all select customer_id, synced_at, sync_mode from core.contact_tags
    )
    group by customer_id
),

final as (
    select
        customers.customer_id,
        customers.environment,
        coalesce(orders_summary.orders_count, 0) as orders_count,
        coalesce(orders_summary.discounted_orders, 0) as discounted_orders,
        coalesce(orders_summary.undiscounted_orders, 0) as undiscounted_orders,
        (select reporting_currency from settings) as currency,
        case when coalesce(orders_summary.unconverted, 0) = 0 then coalesce(orders_summary.amount_spent_minor, 0) end as amount_spent_minor,
        case when coalesce(orders_summary.unconverted, 0) = 0 then coalesce(orders_summary.net_revenue_minor, 0) end as net_revenue_minor,
        case when coalesce(orders_summary.unconverted, 0) = 0 then coalesce(orders_summary.discount_received_minor, 0) end as discount_received_minor,
        case when coalesce(orders_summary.unconverted, 0) = 0 then coalesce(orders_summary.refunded_amount_minor, 0) end as refunded_amount_minor,
        coalesce(orders_summary.unconverted_currencies, []) as unconverted_currencies,
        coalesce(promo_codes.promo_codes_used, 0) as promo_codes_used,
        coalesce(returned.returned_items, 0) as returned_items,
        coalesce(negative_feedback.negative_feedbacks, 0) as negative_feedbacks,
        orders_summary.first_order_at,
        orders_summary.last_order_at,
        coalesce(subscriptions.active_subscriptions, 0) as active_subscriptions,
        coalesce(subscriptions.cancelled_subscriptions, 0) as cancelled_subscriptions,
        coalesce(subscriptions.incomplete_subscriptions, 0) as incomplete_subscriptions,
        coalesce(abandoned.abandoned_checkouts, 0) as abandoned_checkouts,
        coalesce(promotions.promotion_orders, 0) as promotion_orders,
        coalesce(promotions.promotion_discounted_orders, 0) as promotion_discounted_orders,
        coalesce(promotions.promotion_undiscounted_orders, 0) as promotion_undiscounted_orders,
        case when coalesce(promotions.unconverted, 0) = 0 then coalesce(promotions.promotion_gross_revenue_minor, 0) end as promotion_gross_revenue_minor,
        case when coalesce(promotions.unconverted, 0) = 0 then coalesce(promotions.promotion_accrued_discounts_minor, 0) end as promotion_accrued_discounts_minor,
        -- Net revenue as Talon.One shows it: gross revenue less accrued discounts.
        case when coalesce(promotions.unconverted, 0) = 0 then coalesce(promotions.promotion_gross_revenue_minor - promotions.promotion_accrued_discounts_minor, 0) end as promotion_net_revenue_minor,
        coalesce(loyalty.loyalty_points_active, 0)::decimal(18, 2) as loyalty_points_active,
        coalesce(loyalty.loyalty_points_pending, 0)::decimal(18, 2) as loyalty_points_pending,
        coalesce(loyalty.loyalty_points_expiring_30d, 0)::decimal(18, 2) as loyalty_points_expiring_30d,
        orders_summary.customer_id is not null as is_paying_customer,
        tagged.customer_id is not null as is_tagged_customer,
        landed.last_synced_at,
        coalesce(landed.last_sync_mode = 'historical', false) as last_landed_by_backfill,
        case (select customer_definition from settings)
            when 'paid_orders' then orders_summary.customer_id is not null
            when 'tags' then tagged.customer_id is not null
            else case
                when customers.environment in (select environment from payment_environments) then orders_summary.customer_id is not null
                else tagged.customer_id is not null
            end
        end as is_customer
    from core.customers as customers
    left join orders_summary using (customer_id)
    left join promo_codes using (customer_id)
    left join returned using (customer_id)
    left join negative_feedback using (customer_id)
    left join subscriptions using (customer_id)
    left join tagged using (customer_id)
    left join abandoned using (customer_id)
    left join promotions using (customer_id)
    left join loyalty using (customer_id)
    left join landed using (customer_id)
)

select * from final
