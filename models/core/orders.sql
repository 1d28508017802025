-- grain: one row per order (a Stripe charge) per connection
-- unique: order_id
-- not_null: order_id, environment, source, connection, source_order_id, status, currency, total_minor, ordered_at
with charges as (
    select * from staging.stg_stripe__charges
),

identities as (
    select * from core.customer_identities where source = 'stripe'
),

stripe_orders as (
    select
        'stripe:' || charges.connection || ':' || charges.stripe_charge_id as order_id,
        identities.customer_id,
        charges.environment,
        'stripe' as source,
        charges.connection,
        charges.stripe_charge_id as source_order_id,
        case
            when charges.source_status = 'failed' then 'failed'
            when charges.source_status = 'pending' then 'pending'
            when charges.source_status = 'succeeded' and charges.amount_refunded_minor > 0
                and charges.amount_refunded_minor >= charges.amount_minor then 'refunded'
            when charges.source_status = 'succeeded' and charges.amount_refunded_minor > 0 then 'partially_refunded'
            -- An authorized but uncaptured charge has not taken money yet.
            when charges.source_status = 'succeeded' and not charges.is_captured then 'pending'
            when charges.source_status = 'succeeded' then 'paid'
            else 'pending'
        end as status,
        charges.source_status,
        charges.currency,
        charges.amount_minor as total_minor,
        -- A charge alone does not carry its discount, tax or shipping; those come from invoices and carts.
        null::bigint as discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        charges.amount_refunded_minor as refunded_minor,
        null::varchar as coupon_code,
        charges.created_at as ordered_at,
        charges.synced_at as updated_at,
        charges.sync_mode as synced_mode
    from charges
    left join identities
        on identities.environment = charges.environment
        and identities.connection = charges.connection
        and identities.source_customer_id = coalesce(charges.stripe_customer_id, 'guest:' || charges.billing_email)
)

select * from stripe_orders
