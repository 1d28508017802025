-- grain: one row per order per connection: a Stripe charge (or a paid invoice no charge paid), a ThriveCart payment (an invoice), a BigCommerce order, an ActiveCampaign Deep Data order, a Talon.One customer session, an Amazon marketplace order
-- unique: order_id
-- not_null: order_id, environment, source, connection, source_order_id, status, currency, total_minor, refunded_minor, ordered_at, counts_as_revenue
with identities as (
    select environment, source, connection, source_customer_id, customer_id from core.customer_identities
),

-- An environment with a payment or store connection takes its revenue from there; the CRM's Deep
-- Data orders and Talon.One's sessions copy a store's sales and only count where no such connection exists.
payment_environments as (
    select distinct environment from config.connections where is_payment_source
),

unioned as (
    -- Every branch has the same columns; by name, a branch listing them in another order still lines up.
    select * from intermediate.int_stripe__orders
    union all by name select * from intermediate.int_thrivecart__orders
    union all by name select * from intermediate.int_bigcommerce__orders
    union all by name select * from intermediate.int_activecampaign__orders
    union all by name select * from intermediate.int_talonone__orders
    union all by name select * from intermediate.int_amazon_seller__orders
),

final as (
    select
        unioned.source || ':' || unioned.connection || ':' || unioned.source_order_id as order_id,
        identities.customer_id,
        unioned.environment,
        unioned.source,
        unioned.connection,
        unioned.source_order_id,
        unioned.status,
        unioned.source_status,
        unioned.currency,
        -- Minor units as BIGINT whatever a source's arithmetic widened them to: cheaper to scan and compare.
        unioned.total_minor::bigint as total_minor,
        unioned.discount_minor::bigint as discount_minor,
        unioned.tax_minor::bigint as tax_minor,
        unioned.shipping_minor::bigint as shipping_minor,
        unioned.refunded_minor::bigint as refunded_minor,
        -- What the order finally brought in: nothing unless money was taken, less what went back.
        (case when unioned.status in ('paid', 'partially_refunded', 'refunded') then unioned.total_minor - unioned.refunded_minor else 0 end)::bigint as net_minor,
        unioned.coupon_code,
        -- The subscription the order paid a period of, keyed as core.subscriptions keys it.
        unioned.source || ':' || unioned.connection || ':' || unioned.source_subscription_id as subscription_id,
        coalesce(unioned.discount_minor, 0) > 0 or unioned.coupon_code is not null as is_discounted,
        unioned.item_count,
        unioned.utm_source,
        unioned.utm_medium,
        unioned.utm_campaign,
        unioned.utm_content,
        unioned.utm_term,
        unioned.ordered_at,
        unioned.updated_at,
        case when unioned.sync_mode = 'historical' then 'historical' else 'incremental' end as synced_mode,
        unioned.synced_at,
        case when unioned.is_sale_copy then unioned.environment not in (select environment from payment_environments) else true end as counts_as_revenue
    from unioned
    left join identities
        on identities.environment = unioned.environment
        and identities.source = unioned.source
        and identities.connection = unioned.connection
        and identities.source_customer_id = unioned.source_customer_id
)

select * from final
