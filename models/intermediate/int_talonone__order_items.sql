-- grain: one row per cart item of a Talon.One customer session per connection
with lines as (
    select sessions.*, unnest(cart_items) as item, generate_subscripts(cart_items, 1) as line_number
    from staging.stg_talonone__sessions as sessions
),

final as (
    select
        'talonone' as source,
        connection,
        environment,
        session_integration_id || '/' || line_number as source_order_item_id,
        session_integration_id as source_order_id,
        item.sku as source_product_id,
        item.name as product_name,
        item.sku as sku,
        item.category as category,
        item.quantity::integer as quantity,
        item.price_minor as unit_price_minor,
        item.price_minor * item.quantity as total_minor,
        currency,
        item.returned_quantity::integer as returned_quantity,
        -- Returned units at their cart price: Talon.One records the items, not the money.
        item.price_minor * item.returned_quantity as refunded_minor
    from lines
)

select * from final
