-- grain: one row per Talon.One customer session per connection (an Application), every state
with sessions as (
    select * from staging.stg_talonone__sessions
),

final as (
    select
        'talonone' as source,
        connection,
        environment,
        session_integration_id as source_order_id,
        profile_integration_id as source_customer_id,
        case state
            when 'closed' then 'paid'
            when 'partially_returned' then 'partially_refunded'
            when 'cancelled' then 'cancelled'
            else 'pending'
        end as status,
        state as source_status,
        currency,
        -- Talon.One's total is the cart before discounts; the order total is what the shop charged.
        greatest(total_minor - discount_minor, 0) as total_minor,
        discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        -- Talon.One records returned items, not money: their cart value, never more than was charged.
        case when state = 'partially_returned' then least(total_minor - kept_total_minor, greatest(total_minor - discount_minor, 0)) else 0 end as refunded_minor,
        coupon_code,
        null::varchar as source_subscription_id,
        item_count::integer as item_count,
        null::varchar as utm_source,
        null::varchar as utm_medium,
        null::varchar as utm_campaign,
        null::varchar as utm_content,
        null::varchar as utm_term,
        created_at as ordered_at,
        synced_at as updated_at,
        sync_mode,
        synced_at,
        -- A session is the promotion engine's copy of a shop's cart.
        true as is_sale_copy
    from sessions
)

select * from final
