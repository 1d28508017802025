-- grain: one row per coupon of any source: a Stripe coupon, a BigCommerce coupon, a Talon.One coupon code of a campaign, a coupon code seen on ThriveCart payments
-- unique: coupon_id
-- not_null: coupon_id, source, environment, connection, source_coupon_id, is_redeemed, orders_count, customers_count
with usage as (
    select * from core.coupon_usage where kind = 'coupon'
),

stripe_coupons as (
    select
        'stripe:' || connection || ':' || stripe_coupon_id as coupon_id,
        'stripe' as source,
        environment,
        connection,
        stripe_coupon_id as source_coupon_id,
        name,
        null::varchar as code,
        percent_off,
        amount_off_minor,
        currency as amount_off_currency,
        duration,
        times_redeemed,
        is_valid,
        created_at,
        synced_at
    from staging.stg_stripe__coupons
),

-- BigCommerce's coupons are known by the orders they were applied to.
bigcommerce_coupons as (
    select
        'bigcommerce:' || connection || ':' || coupon_id as coupon_id,
        'bigcommerce' as source,
        environment,
        connection,
        coupon_id::varchar as source_coupon_id,
        arg_max(code, order_id) as name,
        arg_max(code, order_id) as code,
        arg_max(coupon_value, order_id) filter (where coupon_type = 1)::double as percent_off,
        max(synced_at) as synced_at
    from staging.stg_bigcommerce__order_coupons
    group by environment, connection, coupon_id
),

talonone_coupons as (
    select
        'talonone:' || coupons.connection || ':' || coupons.coupon_id as coupon_id,
        'talonone' as source,
        coupons.environment,
        coupons.connection,
        coupons.coupon_id::varchar as source_coupon_id,
        campaigns.campaign_name as name,
        coupons.code,
        coupons.usage_count::integer as times_redeemed,
        coalesce(coupons.expires_at > (select built_at from config.settings), true) as is_valid,
        coupons.created_at,
        coupons.synced_at
    from staging.stg_talonone__coupons as coupons
    left join staging.stg_talonone__campaigns as campaigns using (environment, connection, campaign_id)
),

-- ThriveCart names no coupon objects: a code on a payment is its own coupon.
thrivecart_coupons as (
    select
        'thrivecart:' || connection || ':code:' || lower(coupon_code) as coupon_id,
        'thrivecart' as source,
        environment,
        connection,
        'code:' || lower(coupon_code) as source_coupon_id,
        min(coupon_code) as name,
        min(coupon_code) as code,
        max(synced_at) as synced_at
    from staging.stg_thrivecart__transactions
    where coupon_code is not null
    group by environment, connection, lower(coupon_code)
),

-- By name: a column a source does not have is NULL in its rows.
unioned as (
    select * from stripe_coupons
    union all by name select * from bigcommerce_coupons
    union all by name select * from talonone_coupons
    union all by name select * from thrivecart_coupons
),

final as (
    select
        unioned.*,
        -- Talon.One's columns, NULL for other sources' coupons.
        talonone.campaign_id,
        case when unioned.source = 'talonone' then unioned.name end as campaign_name,
        talonone.recipient_integration_id,
        recipients.customer_id,
        talonone.usage_count,
        talonone.usage_limit,
        talonone.usage_limit > 0 and talonone.usage_count >= talonone.usage_limit as is_used_up,
        talonone.referral_id,
        talonone.batch_id,
        talonone.starts_at,
        talonone.expires_at,
        coalesce(unioned.times_redeemed, 0) > 0 or coalesce(usage.orders_count, 0) > 0 as is_redeemed,
        coalesce(usage.orders_count, 0) as orders_count,
        coalesce(usage.customers_count, 0) as customers_count,
        coalesce(usage.currency, (select reporting_currency from config.settings)) as currency,
        -- NULL where an order's currency has no rate.
        case when usage.key is null then 0 else usage.revenue_minor end as revenue_minor,
        case when usage.key is null then 0 else usage.discount_minor end as discount_minor,
        usage.first_used_at,
        usage.last_used_at
    from unioned
    left join usage on usage.key = unioned.coupon_id
    left join staging.stg_talonone__coupons as talonone
        on unioned.source = 'talonone'
        and talonone.environment = unioned.environment
        and talonone.connection = unioned.connection
        and talonone.coupon_id::varchar = unioned.source_coupon_id
    left join core.customer_identities as recipients
        on (recipients.source, recipients.environment, recipients.connection, recipients.source_customer_id)
        = ('talonone', talonone.environment, talonone.connection, talonone.recipient_integration_id)
)

select * from final
