-- grain: one row per ThriveCart product, bump or upsell charge (or rebill) per connection
with charges as (
    select * from staging.stg_thrivecart__transactions
    where transaction_type in ('charge', 'rebill') and invoice_id is not null
),

refunds as (
    select environment, connection, order_id, invoice_id, item_type, item_id, sum(amount_minor) as refunded_minor
    from staging.stg_thrivecart__transactions
    where transaction_type = 'refund'
    group by all
),

final as (
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
    from charges
    left join refunds using (environment, connection, order_id, invoice_id, item_type, item_id)
)

select * from final
