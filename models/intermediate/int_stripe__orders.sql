-- grain: one row per Stripe charge per connection, and per paid invoice no charge paid (out of band, from the credit balance)
with charges as (
    -- The UTM keys parsed out of the metadata once.
    select *, json_transform(metadata, '{"utm_source": "VARCHAR", "utm_medium": "VARCHAR", "utm_campaign": "VARCHAR", "utm_content": "VARCHAR", "utm_term": "VARCHAR"}') as utm
    from staging.stg_stripe__charges
),

invoices as (
    select * from staging.stg_stripe__invoices
),

-- The promotion codes each invoice's discounts were redeemed with.
invoice_codes as (
    select discounts.environment, discounts.connection, discounts.stripe_invoice_id,
        string_agg(distinct codes.code, ',' order by codes.code) as coupon_code
    from staging.stg_stripe__invoice_discounts as discounts
    join staging.stg_stripe__promotion_codes as codes using (environment, connection, stripe_promotion_code_id)
    group by all
),

order_invoices as (
    select * from intermediate.int_stripe__order_invoices
),

charge_orders as (
    select
        'stripe' as source,
        charges.connection,
        charges.environment,
        charges.stripe_charge_id as source_order_id,
        coalesce(charges.stripe_customer_id, 'guest:' || charges.billing_email) as source_customer_id,
        case
            when charges.source_status = 'failed' then 'failed'
            when charges.source_status = 'pending' then 'pending'
            when charges.amount_refunded_minor > 0 and charges.amount_refunded_minor >= charges.amount_minor then 'refunded'
            when charges.amount_refunded_minor > 0 then 'partially_refunded'
            -- An authorized but uncaptured charge has not taken money yet.
            when charges.source_status = 'succeeded' and not charges.is_captured then 'pending'
            when charges.source_status = 'succeeded' then 'paid'
            else 'pending'
        end as status,
        charges.source_status,
        charges.currency,
        charges.amount_minor as total_minor,
        -- A charge carries no discount, tax or shipping: the invoice it paid carries its discount.
        invoices.discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        charges.amount_refunded_minor as refunded_minor,
        invoice_codes.coupon_code,
        invoices.stripe_subscription_id as source_subscription_id,
        null::integer as item_count,
        nullif(charges.utm.utm_source, '') as utm_source,
        nullif(charges.utm.utm_medium, '') as utm_medium,
        nullif(charges.utm.utm_campaign, '') as utm_campaign,
        -- Content and term name the ad or ad set where the link's URL parameters say ({{ad.id}}, {{adset.name}}).
        nullif(charges.utm.utm_content, '') as utm_content,
        nullif(charges.utm.utm_term, '') as utm_term,
        charges.created_at as ordered_at,
        charges.synced_at as updated_at,
        charges.sync_mode,
        charges.synced_at,
        false as is_sale_copy
    from charges
    left join order_invoices
        on order_invoices.environment = charges.environment
        and order_invoices.connection = charges.connection
        and order_invoices.source_order_id = charges.stripe_charge_id
        and not order_invoices.is_invoice_order
    left join invoices
        on invoices.environment = charges.environment
        and invoices.connection = charges.connection
        and invoices.stripe_invoice_id = order_invoices.stripe_invoice_id
    left join invoice_codes
        on invoice_codes.environment = charges.environment
        and invoice_codes.connection = charges.connection
        and invoice_codes.stripe_invoice_id = order_invoices.stripe_invoice_id
),

-- A paid invoice no charge paid (see intermediate.int_stripe__order_invoices) is an order of its own.
invoice_orders as (
    select
        'stripe' as source,
        invoices.connection,
        invoices.environment,
        invoices.stripe_invoice_id as source_order_id,
        coalesce(invoices.stripe_customer_id, 'guest:' || invoices.customer_email) as source_customer_id,
        'paid' as status,
        invoices.source_status,
        invoices.currency,
        invoices.total_minor,
        invoices.discount_minor,
        null::bigint as tax_minor,
        null::bigint as shipping_minor,
        0::bigint as refunded_minor,
        invoice_codes.coupon_code,
        invoices.stripe_subscription_id as source_subscription_id,
        null::integer as item_count,
        null::varchar as utm_source,
        null::varchar as utm_medium,
        null::varchar as utm_campaign,
        null::varchar as utm_content,
        null::varchar as utm_term,
        coalesce(invoices.paid_at, invoices.created_at) as ordered_at,
        invoices.synced_at as updated_at,
        invoices.sync_mode,
        invoices.synced_at,
        false as is_sale_copy
    from invoices
    semi join order_invoices
        on order_invoices.environment = invoices.environment
        and order_invoices.connection = invoices.connection
        and order_invoices.source_order_id = invoices.stripe_invoice_id
        and order_invoices.is_invoice_order
    left join invoice_codes using (environment, connection, stripe_invoice_id)
),

final as (
    select * from charge_orders
    union all
    select * from invoice_orders
)

select * from final
