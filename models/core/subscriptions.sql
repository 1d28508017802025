-- grain: one row per subscription: a Stripe subscription, a ThriveCart subscription or payment plan
-- unique: subscription_id
-- not_null: subscription_id, environment, source, connection, source_subscription_id, status, source_status, started_at
with stripe_subscriptions as (
    select
        'stripe' as source,
        connection,
        environment,
        stripe_subscription_id as source_subscription_id,
        stripe_customer_id as source_customer_id,
        -- Paused (the SegMetrics rule), trialing, past due and unpaid subscriptions are still subscriptions; only
        -- an ended one is cancelled. An incomplete one (its first payment failed less than 23 hours ago) is
        -- neither: Stripe has not given up on it yet, and expires it (`incomplete_expired`) if nobody pays.
        case
            when source_status in ('canceled', 'incomplete_expired') then 'cancelled'
            when source_status = 'incomplete' then 'incomplete'
            else 'active'
        end as status,
        source_status,
        currency,
        unit_amount_minor as amount_minor,
        billing_interval,
        stripe_product_id as source_product_id,
        started_at,
        case when source_status in ('canceled', 'incomplete_expired') then coalesce(ended_at, cancelled_at) end as cancelled_at
    from staging.stg_stripe__subscriptions
),

thrivecart_events as (
    select * from staging.stg_thrivecart__transactions where subscription_id is not null
),

-- ThriveCart lists a subscription's life as events on its order: the charge, each rebill, a cancel.
thrivecart_subscriptions as (
    select
        'thrivecart' as source,
        connection,
        environment,
        order_id || '/' || subscription_id as source_subscription_id,
        arg_min(customer_id, occurred_at) as source_customer_id,
        case
            when count(*) filter (where transaction_type = 'cancel') > 0 then 'cancelled'
            when arg_max(subscription_status, (occurred_at, transaction_id)) in ('cancelled', 'completed') then 'cancelled'
            else 'active'
        end as status,
        case
            when count(*) filter (where transaction_type = 'cancel') > 0 then 'cancelled'
            else arg_max(subscription_status, (occurred_at, transaction_id))
        end as source_status,
        any_value(currency) as currency,
        arg_max(amount_minor, occurred_at) filter (where transaction_type in ('charge', 'rebill')) as amount_minor,
        any_value(billing_interval) as billing_interval,
        any_value(item_type || '-' || item_id) as source_product_id,
        min(occurred_at) as started_at,
        max(occurred_at) filter (where transaction_type = 'cancel') as cancelled_at
    from thrivecart_events
    group by environment, connection, order_id, subscription_id
),

unioned as (
    select * from stripe_subscriptions
    union all by name select * from thrivecart_subscriptions
),

identities as (
    select environment, source, connection, source_customer_id, customer_id from core.customer_identities
)

select
    unioned.source || ':' || unioned.connection || ':' || unioned.source_subscription_id as subscription_id,
    identities.customer_id,
    unioned.environment,
    unioned.source,
    unioned.connection,
    unioned.source_subscription_id,
    unioned.status,
    unioned.source_status,
    unioned.currency,
    unioned.amount_minor,
    unioned.billing_interval,
    unioned.source || ':' || unioned.connection || ':' || unioned.source_product_id as product_id,
    unioned.started_at,
    unioned.cancelled_at
from unioned
left join identities using (environment, source, connection, source_customer_id)
