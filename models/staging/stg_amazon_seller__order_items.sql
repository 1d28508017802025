-- grain: one row per line of an Amazon marketplace order per connection, the newest landed version
-- unique: connection, order_item_id
-- not_null: environment, connection, order_item_id, amazon_order_id, asin, quantity_ordered
with source as (
    select * from raw_latest.amazon_seller__order_items
),

renamed as (
    select
        environment,
        connection,
        primary_key as order_item_id,
        -- The order a line belongs to is the one it was asked for; the line itself does not say.
        payload->'cdp_parent'->>'parent_id' as amazon_order_id,
        payload->>'ASIN' as asin,
        nullif(payload->>'SellerSKU', '') as seller_sku,
        payload->>'Title' as title,
        (payload->>'QuantityOrdered')::integer as quantity_ordered,
        (payload->>'QuantityShipped')::integer as quantity_shipped,
        upper(payload->'ItemPrice'->>'CurrencyCode') as currency,
        -- ItemPrice is the line's price for its whole quantity.
        round((payload->'ItemPrice'->>'Amount')::decimal(18, 4) * 100)::bigint as item_price_minor,
        round((payload->'ItemTax'->>'Amount')::decimal(18, 4) * 100)::bigint as item_tax_minor,
        round((payload->'PromotionDiscount'->>'Amount')::decimal(18, 4) * 100)::bigint as promotion_discount_minor,
        sync_mode,
        synced_at
    from source
)

select * from renamed
