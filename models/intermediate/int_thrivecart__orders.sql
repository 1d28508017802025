-- grain: one row per ThriveCart payment per connection: an invoice (the product, its bumps and upsells charged together, or one rebill)
with lines as (
    select * from staging.stg_thrivecart__transactions
    where transaction_type in ('charge', 'rebill', 'refund') and invoice_id is not null
),

final as (
    select
        'thrivecart' as source,
        connection,
        environment,
        order_id || '/' || invoice_id as source_order_id,
        arg_min(customer_id, occurred_at) as source_customer_id,
        case
            when sum(amount_minor) filter (where transaction_type = 'refund') >= sum(amount_minor) filter (where transaction_type <> 'refund') then 'refunded'
            when sum(amount_minor) filter (where transaction_type = 'refund') > 0 then 'partially_refunded'
            else 'paid'
        end as status,
        string_agg(distinct transaction_type, ',' order by transaction_type) as source_status,
        any_value(currency) as currency,
        coalesce(sum(amount_minor) filter (where transaction_type <> 'refund'), 0) as total_minor,
        null::bigint as discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        coalesce(sum(amount_minor) filter (where transaction_type = 'refund'), 0) as refunded_minor,
        min(coupon_code) as coupon_code,
        min(order_id || '/' || subscription_id) as source_subscription_id,
        count(*) filter (where transaction_type <> 'refund')::integer as item_count,
        arg_min(utm_source, occurred_at) as utm_source,
        arg_min(utm_medium, occurred_at) as utm_medium,
        arg_min(utm_campaign, occurred_at) as utm_campaign,
        arg_min(utm_content, occurred_at) as utm_content,
        arg_min(utm_term, occurred_at) as utm_term,
        min(occurred_at) filter (where transaction_type <> 'refund') as ordered_at,
        max(occurred_at) as updated_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at,
        false as is_sale_copy
    from lines
    group by environment, connection, order_id, invoice_id
    -- A refund whose charge is older than the synced range has no order to belong to.
    having count(*) filter (where transaction_type <> 'refund') > 0
)

select * from final
