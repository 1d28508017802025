-- grain: one row per ActiveCampaign Deep Data (e-commerce) order per connection, the newest landed version
-- unique: connection, ecom_order_id
-- not_null: environment, connection, ecom_order_id, ecom_customer_id, email_raw, total_minor, currency
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"totalPrice": "VARCHAR", "updatedDate": "VARCHAR", "discountAmount": "VARCHAR", "orderNumber": "VARCHAR", "connectionid": "VARCHAR", "shippingAmount": "VARCHAR", "taxAmount": "VARCHAR", "email": "VARCHAR", "state": "VARCHAR", "orderDate": "VARCHAR", "abandonedDate": "VARCHAR", "createdDate": "VARCHAR", "externalid": "VARCHAR", "currency": "VARCHAR", "customerid": "VARCHAR", "totalProducts": "VARCHAR", "externalcheckoutid": "VARCHAR"}') as p
    from raw_latest.activecampaign__ecom_orders
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as ecom_order_id,
        (p.customerid)::bigint as ecom_customer_id,
        (p.connectionid)::bigint as ecom_connection_id,
        nullif(p.externalid, '') as external_id,
        nullif(p.externalcheckoutid, '') as external_checkout_id,
        nullif(p."orderNumber", '') as order_number,
        p.email as email_raw,
        nullif(lower(trim(p.email)), '') as email,
        -- Deep Data amounts are integer cents: a JSON number on some endpoints and a digit string on others.
        (p."totalPrice")::bigint as total_minor,
        (p."discountAmount")::bigint as discount_minor,
        (p."shippingAmount")::bigint as shipping_minor,
        (p."taxAmount")::bigint as tax_minor,
        upper(p.currency) as currency,
        -- The order state code as sent (1 completed) for core to map to cdp's statuses.
        p.state as source_status,
        (p."totalProducts")::bigint as product_count,
        (p."orderDate")::timestamptz as ordered_at,
        (p."abandonedDate")::timestamptz as abandoned_at,
        (p."createdDate")::timestamptz as created_at,
        (p."updatedDate")::timestamptz as updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
