-- grain: one row per ActiveCampaign Deep Data order product per connection
with order_products as (
    select * from staging.stg_activecampaign__ecom_order_products
    -- Lines whose order has not landed yet (a sync still running) wait for it.
    where currency is not null
),

final as (
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
    from order_products
)

select * from final
