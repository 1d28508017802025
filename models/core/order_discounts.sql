-- grain: one row per coupon or promotion code applied to an order: a Stripe invoice's discount (on the charge that paid the invoice, or on the invoice where it is the order), a BigCommerce order coupon, the coupon code of a ThriveCart payment or a Talon.One session
-- unique: order_id, discount_key
-- not_null: order_id, discount_key, environment, source, connection, coupon_id, promotion_code_id, status, currency, ordered_at, counts_as_revenue
with orders as (
    select * from core.orders
),

stripe_discounts as (
    select
        'stripe:' || links.connection || ':' || links.source_order_id as order_id,
        discounts.stripe_discount_id as discount_key,
        -- A discount whose coupon no expanded invoice showed is known by its own id.
        'stripe:' || discounts.connection || ':' || coalesce(discounts.stripe_coupon_id, discounts.stripe_discount_id) as coupon_id,
        'stripe:' || discounts.connection || ':' || coalesce(discounts.stripe_promotion_code_id, discounts.stripe_coupon_id, discounts.stripe_discount_id) as promotion_code_id,
        codes.code,
        discounts.discount_minor
    from intermediate.int_stripe__order_invoices as links
    join staging.stg_stripe__invoice_discounts as discounts using (environment, connection, stripe_invoice_id)
    left join staging.stg_stripe__promotion_codes as codes using (environment, connection, stripe_promotion_code_id)
),

bigcommerce_discounts as (
    select
        'bigcommerce:' || connection || ':' || order_id as order_id,
        order_coupon_id::varchar as discount_key,
        'bigcommerce:' || connection || ':' || coupon_id as coupon_id,
        'bigcommerce:' || connection || ':' || coupon_id as promotion_code_id,
        code,
        discount_minor
    from staging.stg_bigcommerce__order_coupons
),

-- A ThriveCart payment and a Talon.One session name the code; Talon.One's code is its coupon, ThriveCart's stands for itself.
code_orders as (
    select orders.order_id, orders.source, orders.connection, trim(code) as code, orders.discount_minor, count(*) over (partition by orders.order_id) as codes_on_order
    from orders, unnest(string_split(orders.coupon_code, ',')) as u(code)
    where orders.source in ('thrivecart', 'talonone') and orders.coupon_code is not null and trim(code) <> ''
),

coded_discounts as (
    select
        code_orders.order_id,
        lower(code_orders.code) as discount_key,
        code_orders.source || ':' || code_orders.connection || ':' || coalesce(talonone.coupon_id::varchar, 'code:' || lower(code_orders.code)) as coupon_id,
        code_orders.source || ':' || code_orders.connection || ':' || coalesce(talonone.coupon_id::varchar, 'code:' || lower(code_orders.code)) as promotion_code_id,
        code_orders.code,
        -- The order's discount is the code's only where the order used one code.
        case when code_orders.codes_on_order = 1 then code_orders.discount_minor end as discount_minor
    from code_orders
    left join orders using (order_id)
    left join staging.stg_talonone__coupons as talonone
        on code_orders.source = 'talonone'
        and talonone.environment = orders.environment
        and talonone.connection = orders.connection
        and lower(talonone.code) = lower(code_orders.code)
    -- Codes are unique within an Application; should two campaigns share one, the oldest coupon is the one.
    qualify row_number() over (partition by code_orders.order_id, lower(code_orders.code) order by talonone.coupon_id) = 1
),

unioned as (
    select * from stripe_discounts
    union all select * from bigcommerce_discounts
    union all select * from coded_discounts
),

final as (
    select
        unioned.order_id,
        unioned.discount_key,
        orders.customer_id,
        orders.environment,
        orders.source,
        orders.connection,
        unioned.coupon_id,
        unioned.promotion_code_id,
        unioned.code,
        unioned.discount_minor,
        orders.status,
        orders.currency,
        orders.net_minor,
        orders.ordered_at,
        orders.counts_as_revenue
    from unioned
    join orders using (order_id)
)

select * from final
