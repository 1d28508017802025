-- grain: one row per code a customer can enter, of any source: a Stripe promotion code (one of its coupon's codes), and for sources whose coupon is its one code (BigCommerce, Talon.One, ThriveCart) that coupon's code
-- unique: promotion_code_id
-- not_null: promotion_code_id, source, environment, connection, source_promotion_code_id, coupon_id, orders_count, customers_count, is_redeemed
with usage as (
    select * from core.coupon_usage where kind = 'promotion_code'
),

stripe_codes as (
    select
        'stripe:' || connection || ':' || stripe_promotion_code_id as promotion_code_id,
        'stripe' as source,
        environment,
        connection,
        stripe_promotion_code_id as source_promotion_code_id,
        code,
        'stripe:' || connection || ':' || stripe_coupon_id as coupon_id,
        is_active,
        times_redeemed,
        created_at,
        synced_at
    from staging.stg_stripe__promotion_codes
),

-- A coupon that is its own code: the same id in both tables.
coupon_codes as (
    select
        coupon_id as promotion_code_id,
        source,
        environment,
        connection,
        source_coupon_id as source_promotion_code_id,
        code,
        coupon_id,
        is_valid as is_active,
        times_redeemed,
        created_at,
        synced_at
    from core.coupons
    where source <> 'stripe' and code is not null
),

unioned as (
    select * from stripe_codes
    union all
    select * from coupon_codes
),

final as (
    select
        unioned.*,
        coupons.name as coupon_name,
        coalesce(unioned.times_redeemed, 0) > 0 or usage.key is not null as is_redeemed,
        coalesce(usage.orders_count, 0) as orders_count,
        coalesce(usage.customers_count, 0) as customers_count,
        coalesce(usage.currency, (select reporting_currency from config.settings)) as currency,
        -- NULL where an order's currency has no rate.
        case when usage.key is null then 0 else usage.revenue_minor end as revenue_minor,
        case when usage.key is null then 0 else usage.discount_minor end as discount_minor,
        usage.first_used_at,
        usage.last_used_at
    from unioned
    left join core.coupons as coupons using (coupon_id)
    left join usage on usage.key = unioned.promotion_code_id
)

select * from final
