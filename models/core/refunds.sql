-- grain: one row per refund: a Stripe refund, a ThriveCart refund event, a BigCommerce order's refunded amount
-- unique: refund_id
-- not_null: refund_id, environment, source, connection, amount_minor, currency
with stripe_refunds as (
    select
        'stripe' as source,
        connection,
        environment,
        stripe_refund_id as source_refund_id,
        stripe_charge_id as source_order_id,
        amount_minor,
        currency,
        source_status,
        reason,
        created_at as refunded_at
    from staging.stg_stripe__refunds
),

thrivecart_refunds as (
    select
        'thrivecart' as source,
        connection,
        environment,
        transaction_id::varchar as source_refund_id,
        order_id || '/' || invoice_id as source_order_id,
        amount_minor,
        currency,
        'succeeded' as source_status,
        null::varchar as reason,
        occurred_at as refunded_at
    from staging.stg_thrivecart__transactions
    where transaction_type = 'refund'
),

-- The V2 order keeps only its refunded total; the refund is dated by the order's last change.
bigcommerce_refunds as (
    select
        'bigcommerce' as source,
        connection,
        environment,
        source_order_id as source_refund_id,
        source_order_id,
        refunded_minor as amount_minor,
        currency,
        source_status,
        null::varchar as reason,
        updated_at as refunded_at
    from core.orders
    where source = 'bigcommerce' and refunded_minor > 0
),

unioned as (
    select * from stripe_refunds
    union all by name select * from thrivecart_refunds
    union all by name select * from bigcommerce_refunds
)

select
    source || ':' || connection || ':' || source_refund_id as refund_id,
    source || ':' || connection || ':' || source_order_id as order_id,
    *
from unioned
