-- grain: one row per Amazon marketplace order per connection, the newest landed version
-- unique: connection, amazon_order_id
-- not_null: environment, connection, amazon_order_id, source_status, purchased_at, last_updated_at
with source as (
    select * from raw_latest.amazon_seller__orders
),

renamed as (
    select
        environment,
        connection,
        primary_key as amazon_order_id,
        payload->>'MarketplaceId' as marketplace_id,
        payload->>'SalesChannel' as sales_channel,
        -- Pending, Unshipped, PartiallyShipped, Shipped, Canceled, Unfulfillable, InvoiceUnconfirmed, PendingAvailability.
        payload->>'OrderStatus' as source_status,
        payload->>'FulfillmentChannel' as fulfillment_channel,
        payload->>'OrderType' as order_type,
        payload->>'PaymentMethod' as payment_method,
        -- Amazon relays buyer mail through an anonymized address that stays the same per buyer and seller.
        payload->'BuyerInfo'->>'BuyerEmail' as buyer_email_raw,
        nullif(lower(trim(payload->'BuyerInfo'->>'BuyerEmail')), '') as buyer_email,
        nullif(trim(payload->'BuyerInfo'->>'BuyerName'), '') as buyer_name,
        nullif(payload->'ShippingAddress'->>'PostalCode', '') as ship_postal_code,
        nullif(payload->'ShippingAddress'->>'City', '') as ship_city,
        nullif(payload->'ShippingAddress'->>'StateOrRegion', '') as ship_region,
        nullif(payload->'ShippingAddress'->>'CountryCode', '') as ship_country_code,
        upper(payload->'OrderTotal'->>'CurrencyCode') as currency,
        -- A decimal string in the order's currency ("23.99"); absent while the order is pending.
        round((payload->'OrderTotal'->>'Amount')::decimal(18, 4) * 100)::bigint as order_total_minor,
        (payload->>'NumberOfItemsShipped')::integer as items_shipped,
        (payload->>'NumberOfItemsUnshipped')::integer as items_unshipped,
        coalesce((payload->>'IsPrime')::boolean, false) as is_prime,
        coalesce((payload->>'IsBusinessOrder')::boolean, false) as is_business_order,
        (payload->>'PurchaseDate')::timestamptz as purchased_at,
        (payload->>'LastUpdateDate')::timestamptz as last_updated_at,
        sync_mode,
        synced_at
    from source
)

select * from renamed
