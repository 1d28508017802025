-- grain: one row per Stripe order that settles an invoice: a charge that paid it, or the paid invoice itself where no charge did
with charges as (
    select environment, connection, stripe_charge_id, stripe_payment_intent_id, stripe_invoice_id, source_status from staging.stg_stripe__charges
),

invoices as (
    select * from staging.stg_stripe__invoices
),

-- What paid each invoice, as any observed version of it says: an invoice from an event carries no
-- `payments` (Stripe leaves them out unless expanded, and events are never expanded), so a newer
-- event must not forget the payment an expanded listing showed. Since basil an `invoice_payment`
-- event names the invoice and its payment too.
invoice_versions as (
    select
        environment,
        connection,
        primary_key as stripe_invoice_id,
        json_transform(payload, '{
            "charge": "JSON", "payment_intent": "JSON",
            "payments": {"data": [{"status": "VARCHAR", "payment": {"charge": "JSON", "payment_intent": "JSON"}}]}
        }') as p
    from staging.stg_stripe__object_versions where object_type = 'invoice'
),

invoice_payments as (
    select
        environment,
        connection,
        coalesce(payload->'invoice'->>'id', payload->'invoice'->>'$') as stripe_invoice_id,
        json_transform(payload, '{"status": "VARCHAR", "payment": {"charge": "JSON", "payment_intent": "JSON"}}') as x
    from staging.stg_stripe__object_versions where object_type = 'invoice_payment'
),

paid_by as (
    select environment, connection, stripe_invoice_id,
        coalesce(p.charge->>'id', p.charge->>'$') as stripe_charge_id,
        coalesce(p.payment_intent->>'id', p.payment_intent->>'$') as stripe_payment_intent_id
    from invoice_versions
    union
    select environment, connection, stripe_invoice_id,
        coalesce(x.payment.charge->>'id', x.payment.charge->>'$'),
        coalesce(x.payment.payment_intent->>'id', x.payment.payment_intent->>'$')
    from (select environment, connection, stripe_invoice_id, unnest(p.payments.data) as x from invoice_versions)
    where x.status = 'paid'
    union
    select environment, connection, stripe_invoice_id,
        coalesce(x.payment.charge->>'id', x.payment.charge->>'$'),
        coalesce(x.payment.payment_intent->>'id', x.payment.payment_intent->>'$')
    from invoice_payments
    where x.status = 'paid'
),

-- The invoice a charge paid: the charge names it (before basil), or the invoice names the charge or
-- the payment intent the charge belongs to (a declined attempt and its successful retry share one).
charge_links as (
    select environment, connection, stripe_charge_id, stripe_invoice_id from charges where stripe_invoice_id is not null
    union
    select charges.environment, charges.connection, charges.stripe_charge_id, paid_by.stripe_invoice_id
    from charges join paid_by using (environment, connection, stripe_charge_id)
    union
    select charges.environment, charges.connection, charges.stripe_charge_id, paid_by.stripe_invoice_id
    from charges join paid_by using (environment, connection, stripe_payment_intent_id)
),

charge_invoices as (
    select * from charge_links
    -- A charge pays one invoice; should two name it, the first one's discount is the charge's.
    qualify row_number() over (partition by environment, connection, stripe_charge_id order by stripe_invoice_id) = 1
),

charged as (
    select distinct links.environment, links.connection, links.stripe_invoice_id
    from charge_invoices as links join charges using (environment, connection, stripe_charge_id)
    where charges.source_status = 'succeeded'
),

-- Money an invoice took without a charge: paid out of band, or from the customer's credit balance.
-- A paid invoice with nothing to pay (a trial, a fully discounted period) took no money and is no order.
invoice_only as (
    select environment, connection, stripe_invoice_id
    from invoices
    anti join charged using (environment, connection, stripe_invoice_id)
    where source_status = 'paid' and total_minor > 0
),

final as (
    select environment, connection, stripe_charge_id as source_order_id, stripe_invoice_id, false as is_invoice_order from charge_invoices
    union all
    select environment, connection, stripe_invoice_id, stripe_invoice_id, true from invoice_only
)

select * from final
