-- grain: one row per ThriveCart transaction event (charge, rebill, refund or cancel) per connection, the newest landed version
-- unique: connection, transaction_id
-- not_null: environment, connection, transaction_id, transaction_type, amount_minor, currency, occurred_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"subscription_current_status": "VARCHAR", "customer": {"name": "VARCHAR", "email": "VARCHAR", "id": "VARCHAR"}, "item_id": "VARCHAR", "passthrough": {"utm_campaign": "VARCHAR", "utm_medium": "VARCHAR", "utm_source": "VARCHAR", "utm_content": "VARCHAR", "utm_term": "VARCHAR"}, "coupon_code": "VARCHAR", "item_name": "VARCHAR", "affiliate_id": "VARCHAR", "invoice_id": "VARCHAR", "timestamp": "VARCHAR", "reference": "VARCHAR", "item_type": "VARCHAR", "base_product": "VARCHAR", "subscription_id": "VARCHAR", "transaction_type": "VARCHAR", "currency": "VARCHAR", "amount": "VARCHAR", "frequency": "VARCHAR", "processor": "VARCHAR", "order_id": "VARCHAR"}') as p
    from raw_latest.thrivecart__transactions
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as transaction_id,
        p.transaction_type as transaction_type,
        nullif(p.order_id, '') as order_id,
        nullif(p.invoice_id, '') as invoice_id,
        nullif(p.base_product, '') as base_product_id,
        p.item_type as item_type,
        p.item_id as item_id,
        nullif(p.item_name, '') as item_name,
        nullif(p.reference, '') as reference,
        nullif(p.subscription_id, '') as subscription_id,
        nullif(p.subscription_current_status, '') as subscription_status,
        nullif(p.frequency, '') as billing_interval,
        nullif(trim(p.coupon_code), '') as coupon_code,
        nullif(p.affiliate_id, '') as affiliate_id,
        nullif(p.passthrough.utm_source, '') as utm_source,
        nullif(p.passthrough.utm_medium, '') as utm_medium,
        nullif(p.passthrough.utm_campaign, '') as utm_campaign,
        nullif(p.passthrough.utm_content, '') as utm_content,
        nullif(p.passthrough.utm_term, '') as utm_term,
        nullif(p.customer.id, '') as customer_id,
        p.customer.email as customer_email_raw,
        nullif(lower(trim(p.customer.email)), '') as customer_email,
        nullif(trim(p.customer.name), '') as customer_name,
        -- Already integer minor units (10000 = 100.00).
        (p.amount)::bigint as amount_minor,
        upper(p.currency) as currency,
        p.processor as processor,
        to_timestamp((p.timestamp)::bigint) as occurred_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
