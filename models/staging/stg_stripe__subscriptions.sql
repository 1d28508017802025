-- grain: one row per Stripe subscription per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_subscription_id
-- not_null: stripe_subscription_id, stripe_customer_id, source_status, started_at
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'subscription'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_subscription_id,
        coalesce(payload->'customer'->>'id', payload->>'customer') as stripe_customer_id,
        payload->>'status' as source_status,
        coalesce(json_type(payload->'pause_collection'), 'NULL') <> 'NULL' as is_collection_paused,
        upper(payload->>'currency') as currency,
        payload->'items'->'data'->0->'price'->>'product' as stripe_product_id,
        payload->'items'->'data'->0->'price'->>'id' as stripe_price_id,
        (payload->'items'->'data'->0->'price'->>'unit_amount')::bigint as unit_amount_minor,
        payload->'items'->'data'->0->'price'->'recurring'->>'interval' as billing_interval,
        (payload->>'cancel_at_period_end')::boolean as is_cancel_at_period_end,
        to_timestamp((payload->>'start_date')::bigint) as started_at,
        to_timestamp((payload->>'canceled_at')::bigint) as cancelled_at,
        to_timestamp((payload->>'ended_at')::bigint) as ended_at,
        to_timestamp((payload->>'created')::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
