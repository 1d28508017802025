-- grain: one row per line of an Amazon marketplace order per connection, the newest landed version
-- unique: connection, order_item_id
-- not_null: environment, connection, order_item_id, amazon_order_id, asin, quantity_ordered
with source as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"QuantityShipped": "VARCHAR", "ASIN": "VARCHAR", "Title": "VARCHAR", "QuantityOrdered": "VARCHAR", "cdp_parent": {"parent_id": "VARCHAR"}, "ItemPrice": {"Amount": "VARCHAR", "CurrencyCode": "VARCHAR"}, "ItemTax": {"Amount": "VARCHAR"}, "SellerSKU": "VARCHAR", "PromotionDiscount": {"Amount": "VARCHAR"}}') as p
    from raw_latest.amazon_seller__order_items
),

renamed as (
    select
        environment,
        connection,
        primary_key as order_item_id,
        -- The order a line belongs to is the one it was asked for; the line itself does not say.
        p.cdp_parent.parent_id as amazon_order_id,
        p."ASIN" as asin,
        nullif(p."SellerSKU", '') as seller_sku,
        p."Title" as title,
        (p."QuantityOrdered")::integer as quantity_ordered,
        (p."QuantityShipped")::integer as quantity_shipped,
        upper(p."ItemPrice"."CurrencyCode") as currency,
        -- ItemPrice is the line's price for its whole quantity.
        round((p."ItemPrice"."Amount")::decimal(18, 4) * 100)::bigint as item_price_minor,
        round((p."ItemTax"."Amount")::decimal(18, 4) * 100)::bigint as item_tax_minor,
        round((p."PromotionDiscount"."Amount")::decimal(18, 4) * 100)::bigint as promotion_discount_minor,
        sync_mode,
        synced_at
    from source
)

select * from renamed
