-- grain: one row per product line of an order: a BigCommerce order product, a ThriveCart product, bump or upsell charge, a Deep Data order product, a Talon.One cart item, an Amazon order item
-- unique: order_item_id
-- not_null: order_item_id, order_id, environment, source, connection, product_id, quantity, currency, total_minor, returned_quantity
with bigcommerce_items as (
    select
        'bigcommerce' as source,
        connection,
        environment,
        order_product_id::varchar as source_order_item_id,
        order_id::varchar as source_order_id,
        product_id::varchar as source_product_id,
        product_name,
        sku,
        product_type as category,
        quantity::integer as quantity,
        price_inc_tax_minor as unit_price_minor,
        total_inc_tax_minor as total_minor,
        currency,
        coalesce(quantity_refunded, 0)::integer as returned_quantity,
        coalesce(refund_minor, 0) as refunded_minor
    from staging.stg_bigcommerce__order_products
    -- Lines whose order has not landed yet (a sync still running) wait for it.
    where currency is not null
),

thrivecart_refunds as (
    select environment, connection, order_id, invoice_id, item_type, item_id, sum(amount_minor) as refunded_minor
    from staging.stg_thrivecart__transactions
    where transaction_type = 'refund'
    group by all
),

thrivecart_items as (
    select
        'thrivecart' as source,
        charges.connection,
        charges.environment,
        charges.transaction_id::varchar as source_order_item_id,
        charges.order_id || '/' || charges.invoice_id as source_order_id,
        charges.item_type || '-' || charges.item_id as source_product_id,
        charges.item_name as product_name,
        null::varchar as sku,
        charges.item_type as category,
        1 as quantity,
        charges.amount_minor as unit_price_minor,
        charges.amount_minor as total_minor,
        charges.currency,
        -- A line refunded in full went back; a partial refund is money returned, not an item.
        case when refunds.refunded_minor >= charges.amount_minor then 1 else 0 end as returned_quantity,
        coalesce(refunds.refunded_minor, 0) as refunded_minor
    from staging.stg_thrivecart__transactions as charges
    left join thrivecart_refunds as refunds
        using (environment, connection, order_id, invoice_id, item_type, item_id)
    where charges.transaction_type in ('charge', 'rebill') and charges.invoice_id is not null
),

activecampaign_items as (
    select
        'activecampaign' as source,
        connection,
        environment,
        ecom_order_product_id::varchar as source_order_item_id,
        ecom_order_id::varchar as source_order_id,
        external_product_id as source_product_id,
        product_name,
        sku,
        category,
        quantity::integer as quantity,
        price_minor as unit_price_minor,
        price_minor * quantity as total_minor,
        currency,
        0 as returned_quantity,
        0::bigint as refunded_minor
    from staging.stg_activecampaign__ecom_order_products
    -- Lines whose order has not landed yet (a sync still running) wait for it.
    where currency is not null
),

talonone_lines as (
    select sessions.*, unnest(cart_items) as item, generate_subscripts(cart_items, 1) as line_number
    from staging.stg_talonone__sessions as sessions
),

talonone_items as (
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
    from talonone_lines
),

-- Units returned per order line, matched by the seller's SKU (the returns report names the product,
-- not the line; one ASIN may be two lines, new and used, under two SKUs).
amazon_returned as (
    select connection, amazon_order_id, seller_sku, asin, sum(return_quantity) as returned_quantity, sum(coalesce(refunded_minor, 0)) as refunded_minor
    from staging.stg_amazon_seller__returns
    group by connection, amazon_order_id, seller_sku, asin
),

amazon_items as (
    select
        'amazon_seller' as source,
        items.connection,
        items.environment,
        items.order_item_id as source_order_item_id,
        items.amazon_order_id as source_order_id,
        items.asin as source_product_id,
        items.title as product_name,
        items.seller_sku as sku,
        items.quantity_ordered as quantity,
        -- ItemPrice is the price of the line's whole quantity; a pending order's lines have none yet.
        case when items.quantity_ordered > 0 then items.item_price_minor // items.quantity_ordered end as unit_price_minor,
        coalesce(items.item_price_minor, 0) as total_minor,
        coalesce(items.currency, orders.currency, connections.currency) as currency,
        coalesce(returned.returned_quantity, 0)::integer as returned_quantity,
        coalesce(returned.refunded_minor, 0) as refunded_minor
    from staging.stg_amazon_seller__order_items as items
    left join staging.stg_amazon_seller__orders as orders on orders.connection = items.connection and orders.amazon_order_id = items.amazon_order_id
    left join config.connections as connections on connections.connection = items.connection
    left join amazon_returned as returned
        on returned.connection = items.connection and returned.amazon_order_id = items.amazon_order_id
        and (returned.seller_sku = items.seller_sku or (returned.seller_sku is null and returned.asin = items.asin))
),

unioned as (
    select * from bigcommerce_items
    union all by name select * from thrivecart_items
    union all by name select * from activecampaign_items
    union all by name select * from talonone_items
    union all by name select * from amazon_items
),

final as (
    select
        source || ':' || connection || ':' || source_order_item_id as order_item_id,
        source || ':' || connection || ':' || source_order_id as order_id,
        environment,
        source,
        connection,
        source_order_item_id,
        source || ':' || connection || ':' || source_product_id as product_id,
        source_product_id,
        product_name,
        sku,
        category,
        quantity,
        unit_price_minor,
        total_minor,
        currency,
        returned_quantity,
        refunded_minor
    from unioned
)

select * from final
