-- grain: one row per Stripe refund per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_refund_id
-- not_null: stripe_refund_id, amount_minor, created_at
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "charge": "JSON", "amount": "VARCHAR", "currency": "VARCHAR", "status": "VARCHAR", "reason": "VARCHAR", "created": "VARCHAR"
        }') as p,
        sync_mode,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'refund'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_refund_id,
        coalesce(p.charge->>'id', p.charge->>'$') as stripe_charge_id,
        p.amount::bigint as amount_minor,
        upper(p.currency) as currency,
        p.status as source_status,
        p.reason,
        to_timestamp(p.created::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
