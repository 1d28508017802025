-- grain: one row per ActiveCampaign Deep Data order per connection
with ecom_orders as (
    select * from staging.stg_activecampaign__ecom_orders
),

final as (
    select
        'activecampaign' as source,
        connection,
        environment,
        ecom_order_id::varchar as source_order_id,
        'ecom:' || ecom_customer_id as source_customer_id,
        case
            when abandoned_at is not null then 'abandoned'
            when source_status = '1' then 'paid'
            else 'pending'
        end as status,
        source_status,
        currency,
        total_minor,
        discount_minor,
        tax_minor,
        shipping_minor,
        0::bigint as refunded_minor,
        null::varchar as coupon_code,
        null::varchar as source_subscription_id,
        product_count::integer as item_count,
        null::varchar as utm_source,
        null::varchar as utm_medium,
        null::varchar as utm_campaign,
        null::varchar as utm_content,
        null::varchar as utm_term,
        coalesce(ordered_at, created_at) as ordered_at,
        updated_at,
        sync_mode,
        synced_at,
        -- Deep Data orders mirror a connected store's orders.
        true as is_sale_copy
    from ecom_orders
)

select * from final
