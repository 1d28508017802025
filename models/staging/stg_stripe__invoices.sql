-- grain: one row per Stripe invoice per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_invoice_id
-- not_null: stripe_invoice_id, total_minor, currency, created_at
with source as (
    select
        environment,
        connection,
        primary_key,
        -- Each payload is parsed once, into the fields used below; text as the payload has it, typed in `renamed`.
        json_transform(payload, '{
            "customer": "JSON", "customer_email": "VARCHAR", "parent": {"subscription_details": {"subscription": "JSON"}}, "subscription": "JSON",
            "status": "VARCHAR", "currency": "VARCHAR", "subtotal": "VARCHAR", "total": "VARCHAR",
            "amount_paid": "VARCHAR", "amount_due": "VARCHAR", "total_discount_amounts": [{"amount": "VARCHAR"}],
            "charge": "JSON", "payment_intent": "JSON", "paid_out_of_band": "VARCHAR",
            "payments": {"data": [{"status": "VARCHAR", "payment": {"type": "VARCHAR", "charge": "JSON", "payment_intent": "JSON", "payment_record": "JSON"}}]},
            "status_transitions": {"paid_at": "VARCHAR"}, "created": "VARCHAR"
        }') as p,
        sync_mode,
        synced_at
    from staging.stg_stripe__latest_objects where object_type = 'invoice'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_invoice_id,
        coalesce(p.customer->>'id', p.customer->>'$') as stripe_customer_id,
        nullif(lower(trim(p.customer_email)), '') as customer_email,
        -- Since API version 2025-03-31.basil the subscription sits under `parent.subscription_details`;
        -- older versions (still in events written before an upgrade) put it at the top level. Either
        -- may be expanded into the object.
        coalesce(
            p.parent.subscription_details.subscription->>'id', p.parent.subscription_details.subscription->>'$',
            p.subscription->>'id', p.subscription->>'$'
        ) as stripe_subscription_id,
        p.status as source_status,
        upper(p.currency) as currency,
        p.subtotal::bigint as subtotal_minor,
        p.total::bigint as total_minor,
        p.amount_paid::bigint as amount_paid_minor,
        p.amount_due::bigint as amount_due_minor,
        coalesce(list_sum(list_transform(p.total_discount_amounts, d -> d.amount::bigint)), 0) as discount_minor,
        -- What paid it. Before basil the invoice named its charge and payment intent; since, its
        -- `payments` (left out unless expanded) do, each a payment intent, a charge without one, or an
        -- out-of-band payment record. The paid one is the payment; NULL for an invoice paid without
        -- a charge (out of band, from the credit balance, or a zero total).
        coalesce(
            p.charge->>'id', p.charge->>'$',
            list_filter(p.payments.data, x -> x.status = 'paid' and x.payment.type = 'charge')[1].payment.charge->>'id',
            list_filter(p.payments.data, x -> x.status = 'paid' and x.payment.type = 'charge')[1].payment.charge->>'$'
        ) as stripe_charge_id,
        coalesce(
            p.payment_intent->>'id', p.payment_intent->>'$',
            list_filter(p.payments.data, x -> x.status = 'paid' and x.payment.type = 'payment_intent')[1].payment.payment_intent->>'id',
            list_filter(p.payments.data, x -> x.status = 'paid' and x.payment.type = 'payment_intent')[1].payment.payment_intent->>'$'
        ) as stripe_payment_intent_id,
        to_timestamp(p.status_transitions.paid_at::bigint) as paid_at,
        to_timestamp(p.created::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
