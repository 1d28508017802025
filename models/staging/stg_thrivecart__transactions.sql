-- grain: one row per ThriveCart transaction event (charge, rebill, refund or cancel) per connection, the newest landed version
-- unique: connection, transaction_id
-- not_null: environment, connection, transaction_id, transaction_type, amount_minor, currency, occurred_at
with source as (
    select * from raw_latest.thrivecart__transactions
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as transaction_id,
        payload->>'transaction_type' as transaction_type,
        nullif(payload->>'order_id', '') as order_id,
        nullif(payload->>'invoice_id', '') as invoice_id,
        nullif(payload->>'base_product', '') as base_product_id,
        payload->>'item_type' as item_type,
        payload->>'item_id' as item_id,
        nullif(payload->>'item_name', '') as item_name,
        nullif(payload->>'reference', '') as reference,
        nullif(payload->>'subscription_id', '') as subscription_id,
        nullif(payload->>'subscription_current_status', '') as subscription_status,
        nullif(payload->>'frequency', '') as billing_interval,
        nullif(trim(payload->>'coupon_code'), '') as coupon_code,
        nullif(payload->>'affiliate_id', '') as affiliate_id,
        nullif(payload->'passthrough'->>'utm_source', '') as utm_source,
        nullif(payload->'passthrough'->>'utm_medium', '') as utm_medium,
        nullif(payload->'passthrough'->>'utm_campaign', '') as utm_campaign,
        nullif(payload->'customer'->>'id', '') as customer_id,
        payload->'customer'->>'email' as customer_email_raw,
        nullif(lower(trim(payload->'customer'->>'email')), '') as customer_email,
        nullif(trim(payload->'customer'->>'name'), '') as customer_name,
        -- Already integer minor units (10000 = 100.00).
        (payload->>'amount')::bigint as amount_minor,
        upper(payload->>'currency') as currency,
        payload->>'processor' as processor,
        to_timestamp((payload->>'timestamp')::bigint) as occurred_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
