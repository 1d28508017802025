-- grain: one row per Stripe subscription per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_subscription_id
-- not_null: stripe_subscription_id, stripe_customer_id, source_status, started_at
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "customer": "JSON", "status": "VARCHAR", "pause_collection": "JSON", "currency": "VARCHAR",
            "items": {"data": [{"price": {"product": "VARCHAR", "id": "VARCHAR", "unit_amount": "VARCHAR", "recurring": {"interval": "VARCHAR"}}}]},
            "cancel_at_period_end": "VARCHAR", "start_date": "VARCHAR", "canceled_at": "VARCHAR", "ended_at": "VARCHAR", "created": "VARCHAR"
        }') as p,
        sync_mode,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'subscription'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_subscription_id,
        coalesce(p.customer->>'id', p.customer->>'$') as stripe_customer_id,
        p.status as source_status,
        coalesce(json_type(p.pause_collection), 'NULL') <> 'NULL' as is_collection_paused,
        upper(p.currency) as currency,
        p.items.data[1].price.product as stripe_product_id,
        p.items.data[1].price.id as stripe_price_id,
        p.items.data[1].price.unit_amount::bigint as unit_amount_minor,
        p.items.data[1].price.recurring.interval as billing_interval,
        p.cancel_at_period_end::boolean as is_cancel_at_period_end,
        to_timestamp(p.start_date::bigint) as started_at,
        to_timestamp(p.canceled_at::bigint) as cancelled_at,
        to_timestamp(p.ended_at::bigint) as ended_at,
        to_timestamp(p.created::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
