-- grain: one row per Amazon marketplace order per connection, the newest landed version
-- unique: connection, amazon_order_id
-- not_null: environment, connection, amazon_order_id, source_status, purchased_at, last_updated_at
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"OrderStatus": "VARCHAR", "LastUpdateDate": "VARCHAR", "PurchaseDate": "VARCHAR", "ShippingAddress": {"PostalCode": "VARCHAR", "CountryCode": "VARCHAR", "City": "VARCHAR", "StateOrRegion": "VARCHAR"}, "OrderTotal": {"CurrencyCode": "VARCHAR", "Amount": "VARCHAR"}, "SalesChannel": "VARCHAR", "MarketplaceId": "VARCHAR", "IsPrime": "VARCHAR", "IsBusinessOrder": "VARCHAR", "PaymentMethod": "VARCHAR", "NumberOfItemsUnshipped": "VARCHAR", "FulfillmentChannel": "VARCHAR", "OrderType": "VARCHAR", "BuyerInfo": {"BuyerName": "VARCHAR", "BuyerEmail": "VARCHAR"}, "NumberOfItemsShipped": "VARCHAR"}') as p
    from raw_latest.amazon_seller__orders
),

renamed as (
    select
        environment,
        connection,
        primary_key as amazon_order_id,
        p."MarketplaceId" as marketplace_id,
        p."SalesChannel" as sales_channel,
        -- Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable, InvoiceUnconfirmed, PendingAvailability.
        p."OrderStatus" as source_status,
        p."FulfillmentChannel" as fulfillment_channel,
        p."OrderType" as order_type,
        p."PaymentMethod" as payment_method,
        -- Amazon relays buyer mail through an anonymized address that stays the same per buyer and seller.
        p."BuyerInfo"."BuyerEmail" as buyer_email_raw,
        nullif(lower(trim(p."BuyerInfo"."BuyerEmail")), '') as buyer_email,
        nullif(trim(p."BuyerInfo"."BuyerName"), '') as buyer_name,
        nullif(p."ShippingAddress"."PostalCode", '') as ship_postal_code,
        nullif(p."ShippingAddress"."City", '') as ship_city,
        nullif(p."ShippingAddress"."StateOrRegion", '') as ship_region,
        nullif(p."ShippingAddress"."CountryCode", '') as ship_country_code,
        upper(p."OrderTotal"."CurrencyCode") as currency,
        -- A decimal string in the order's currency ("23.99"); absent while the order is pending.
        round((p."OrderTotal"."Amount")::decimal(18, 4) * 100)::bigint as order_total_minor,
        (p."NumberOfItemsShipped")::integer as items_shipped,
        (p."NumberOfItemsUnshipped")::integer as items_unshipped,
        coalesce((p."IsPrime")::boolean, false) as is_prime,
        coalesce((p."IsBusinessOrder")::boolean, false) as is_business_order,
        (p."PurchaseDate")::timestamptz as purchased_at,
        (p."LastUpdateDate")::timestamptz as last_updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
