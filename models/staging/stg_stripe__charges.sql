-- grain: one row per Stripe charge per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_charge_id
-- not_null: stripe_charge_id, amount_minor, currency, created_at
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "customer": "JSON", "payment_intent": "JSON", "invoice": "JSON", "billing_details": {"email": "VARCHAR", "name": "VARCHAR"},
            "amount": "VARCHAR", "amount_captured": "VARCHAR", "amount_refunded": "VARCHAR", "currency": "VARCHAR",
            "status": "VARCHAR", "paid": "VARCHAR", "refunded": "VARCHAR", "captured": "VARCHAR",
            "failure_code": "VARCHAR", "description": "VARCHAR", "metadata": "JSON", "created": "VARCHAR"
        }') as p,
        payload,
        sync_mode,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'charge'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_charge_id,
        -- An expanded customer arrives as an object; a plain reference as its id.
        coalesce(p.customer->>'id', p.customer->>'$') as stripe_customer_id,
        nullif(lower(trim(p.billing_details.email)), '') as billing_email,
        p.billing_details.name as billing_name,
        coalesce(p.payment_intent->>'id', p.payment_intent->>'$') as stripe_payment_intent_id,
        -- Before basil a charge named the invoice it paid; since, only the invoice's payments say so.
        coalesce(p.invoice->>'id', p.invoice->>'$') as stripe_invoice_id,
        p.amount::bigint as amount_minor,
        p.amount_captured::bigint as amount_captured_minor,
        p.amount_refunded::bigint as amount_refunded_minor,
        upper(p.currency) as currency,
        p.status as source_status,
        p.paid::boolean as is_paid,
        p.refunded::boolean as is_refunded,
        p.captured::boolean as is_captured,
        p.failure_code,
        p.description,
        -- A JSON null stays the JSON value null, as `payload->'metadata'` gives it.
        coalesce(p.metadata, payload->'metadata') as metadata,
        to_timestamp(p.created::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
