-- grain: one row per Stripe refund per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_refund_id
-- not_null: stripe_refund_id, amount_minor, created_at
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'refund'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_refund_id,
        coalesce(payload->'charge'->>'id', payload->>'charge') as stripe_charge_id,
        (payload->>'amount')::bigint as amount_minor,
        upper(payload->>'currency') as currency,
        payload->>'status' as source_status,
        payload->>'reason' as reason,
        to_timestamp((payload->>'created')::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
