-- grain: one row per Stripe invoice per connection, the most recently observed version (listed or from an event)
-- unique: connection, stripe_invoice_id
-- not_null: stripe_invoice_id, total_minor, currency, created_at
with source as (
    select * from staging.stg_stripe__latest_objects where object_type = 'invoice'
),

renamed as (
    select
        environment,
        connection,
        primary_key as stripe_invoice_id,
        coalesce(payload->'customer'->>'id', payload->>'customer') as stripe_customer_id,
        nullif(lower(trim(payload->>'customer_email')), '') as customer_email,
        payload->'parent'->'subscription_details'->>'subscription' as stripe_subscription_id,
        payload->>'status' as source_status,
        upper(payload->>'currency') as currency,
        (payload->>'subtotal')::bigint as subtotal_minor,
        (payload->>'total')::bigint as total_minor,
        (payload->>'amount_paid')::bigint as amount_paid_minor,
        (payload->>'amount_due')::bigint as amount_due_minor,
        coalesce(list_sum(list_transform(
            cast(payload->'total_discount_amounts' as json[]), d -> (d->>'amount')::bigint
        )), 0) as discount_minor,
        to_timestamp((payload->>'created')::bigint) as created_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
