-- grain: one row per Stripe charge per connection
with charges as (
    -- The UTM keys parsed out of the metadata once.
    select *, json_transform(metadata, '{"utm_source": "VARCHAR", "utm_medium": "VARCHAR", "utm_campaign": "VARCHAR", "utm_content": "VARCHAR", "utm_term": "VARCHAR"}') as utm
    from staging.stg_stripe__charges
),

final as (
    select
        'stripe' as source,
        connection,
        environment,
        stripe_charge_id as source_order_id,
        coalesce(stripe_customer_id, 'guest:' || billing_email) as source_customer_id,
        case
            when source_status = 'failed' then 'failed'
            when source_status = 'pending' then 'pending'
            when amount_refunded_minor > 0 and amount_refunded_minor >= amount_minor then 'refunded'
            when amount_refunded_minor > 0 then 'partially_refunded'
            -- An authorized but uncaptured charge has not taken money yet.
            when source_status = 'succeeded' and not is_captured then 'pending'
            when source_status = 'succeeded' then 'paid'
            else 'pending'
        end as status,
        source_status,
        currency,
        amount_minor as total_minor,
        -- A charge carries no discount, tax or shipping: its invoice does.
        null::bigint as discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        amount_refunded_minor as refunded_minor,
        null::varchar as coupon_code,
        null::integer as item_count,
        nullif(utm.utm_source, '') as utm_source,
        nullif(utm.utm_medium, '') as utm_medium,
        nullif(utm.utm_campaign, '') as utm_campaign,
        -- Content and term name the ad or ad set where the link's URL parameters say ({{ad.id}}, {{adset.name}}).
        nullif(utm.utm_content, '') as utm_content,
        nullif(utm.utm_term, '') as utm_term,
        created_at as ordered_at,
        synced_at as updated_at,
        sync_mode,
        synced_at,
        false as is_sale_copy
    from charges
)

select * from final
