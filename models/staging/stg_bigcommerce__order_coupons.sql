-- grain: one row per coupon applied to a BigCommerce order per connection, the newest landed version
-- unique: connection, order_coupon_id
-- not_null: environment, connection, order_coupon_id, order_id, coupon_id, code, discount_minor
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"discount": "VARCHAR", "coupon_id": "VARCHAR", "type": "VARCHAR", "code": "VARCHAR", "order_id": "VARCHAR", "amount": "VARCHAR"}') as p
    from raw_latest.bigcommerce__order_coupons
),

orders as (
    select environment, connection, order_id, currency from staging.stg_bigcommerce__orders
),

with_currency as (
    -- The discount is in the order's currency, which only the order carries.
    select source.*, orders.currency as order_currency
    from source
    left join orders
        on orders.environment = source.environment
        and orders.connection = source.connection
        and orders.order_id = (source.p.order_id)::bigint
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as order_coupon_id,
        (p.order_id)::bigint as order_id,
        (p.coupon_id)::bigint as coupon_id,
        p.code as code,
        -- Coupon types: 0 per-item; 1 percentage; 2 per-total; 3 shipping; 4 free shipping; 5 promotion.
        (p.type)::integer as coupon_type,
        -- The coupon's face value: a percentage for percentage types and money otherwise; never minor units.
        (p.amount)::decimal(18, 4) as coupon_value,
        -- What the coupon took off this order: a JSON number here but a decimal string elsewhere in v2.
        round((p.discount)::decimal(18, 4) * 100)::bigint as discount_minor,
        order_currency as currency,
        sync_mode,
        synced_at
    from with_currency
)

select * from renamed
