-- grain: one row per ActiveCampaign Deep Data (e-commerce) order per connection, the newest landed version
-- unique: connection, ecom_order_id
-- not_null: environment, connection, ecom_order_id, ecom_customer_id, email_raw, total_minor, currency
with source as (
    select * from raw_latest.activecampaign__ecom_orders
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_order_id,
        (payload->>'customerid')::bigint as ecom_customer_id,
        (payload->>'connectionid')::bigint as ecom_connection_id,
        nullif(payload->>'externalid', '') as external_id,
        nullif(payload->>'externalcheckoutid', '') as external_checkout_id,
        nullif(payload->>'orderNumber', '') as order_number,
        payload->>'email' as email_raw,
        nullif(lower(trim(payload->>'email')), '') as email,
        -- Deep Data amounts are integer cents: a JSON number on some endpoints and a digit string on others.
        (payload->>'totalPrice')::bigint as total_minor,
        (payload->>'discountAmount')::bigint as discount_minor,
        (payload->>'shippingAmount')::bigint as shipping_minor,
        (payload->>'taxAmount')::bigint as tax_minor,
        upper(payload->>'currency') as currency,
        -- The order state code as sent (1 completed) for core to map to cdp's statuses.
        payload->>'state' as source_status,
        (payload->>'totalProducts')::bigint as product_count,
        (payload->>'orderDate')::timestamptz as ordered_at,
        (payload->>'abandonedDate')::timestamptz as abandoned_at,
        (payload->>'createdDate')::timestamptz as created_at,
        (payload->>'updatedDate')::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
