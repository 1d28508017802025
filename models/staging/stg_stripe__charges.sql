-- grain: one row per Stripe charge per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_charge_id
-- not_null: stripe_charge_id, amount_minor, currency, created_at
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'charge'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_charge_id,
        -- An expanded customer arrives as an object; a plain reference as its id.
        coalesce(payload->'customer'->>'id', payload->>'customer') as stripe_customer_id,
        nullif(lower(trim(payload->'billing_details'->>'email')), '') as billing_email,
        payload->'billing_details'->>'name' as billing_name,
        coalesce(payload->'payment_intent'->>'id', payload->>'payment_intent') as stripe_payment_intent_id,
        (payload->>'amount')::bigint as amount_minor,
        (payload->>'amount_captured')::bigint as amount_captured_minor,
        (payload->>'amount_refunded')::bigint as amount_refunded_minor,
        upper(payload->>'currency') as currency,
        payload->>'status' as source_status,
        (payload->>'paid')::boolean as is_paid,
        (payload->>'refunded')::boolean as is_refunded,
        (payload->>'captured')::boolean as is_captured,
        payload->>'failure_code' as failure_code,
        payload->>'description' as description,
        payload->'metadata' as metadata,
        to_timestamp((payload->>'created')::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
