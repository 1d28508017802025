-- grain: one row per order per connection: a Stripe charge, a ThriveCart payment (an invoice), a BigCommerce order, an ActiveCampaign Deep Data order, a Talon.One customer session, an Amazon marketplace order
-- unique: order_id
-- not_null: order_id, environment, source, connection, source_order_id, status, currency, total_minor, refunded_minor, ordered_at, counts_as_revenue
with identities as (
    select environment, source, connection, source_customer_id, customer_id from core.customer_identities
),

-- An environment with a payment or store connection takes its revenue from there; the CRM's Deep
-- Data orders mirror a store's orders and only count where no such connection exists.
payment_environments as (
    select distinct environment from config.connections where is_payment_source
),

stripe_orders as (
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
        amount_refunded_minor as refunded_minor,
        nullif(metadata->>'utm_source', '') as utm_source,
        nullif(metadata->>'utm_medium', '') as utm_medium,
        nullif(metadata->>'utm_campaign', '') as utm_campaign,
        created_at as ordered_at,
        synced_at as updated_at,
        sync_mode,
        synced_at,
        true as counts_as_revenue
    from staging.stg_stripe__charges
),

thrivecart_lines as (
    select * from staging.stg_thrivecart__transactions
    where transaction_type in ('charge', 'rebill', 'refund') and invoice_id is not null
),

-- A ThriveCart payment is an invoice: the product, its bumps and upsells charged together, or one rebill.
thrivecart_orders as (
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
        coalesce(sum(amount_minor) filter (where transaction_type = 'refund'), 0) as refunded_minor,
        min(coupon_code) as coupon_code,
        count(*) filter (where transaction_type <> 'refund')::integer as item_count,
        arg_min(utm_source, occurred_at) as utm_source,
        arg_min(utm_medium, occurred_at) as utm_medium,
        arg_min(utm_campaign, occurred_at) as utm_campaign,
        min(occurred_at) filter (where transaction_type <> 'refund') as ordered_at,
        max(occurred_at) as updated_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at,
        true as counts_as_revenue
    from thrivecart_lines
    group by environment, connection, order_id, invoice_id
    -- A refund whose charge is older than the synced range has no order to belong to.
    having count(*) filter (where transaction_type <> 'refund') > 0
),

bigcommerce_coupons as (
    select environment, connection, order_id, string_agg(code, ',' order by code) as coupon_code
    from staging.stg_bigcommerce__order_coupons
    group by all
),

bigcommerce_orders as (
    select
        'bigcommerce' as source,
        orders.connection,
        orders.environment,
        orders.order_id::varchar as source_order_id,
        coalesce(orders.customer_id::varchar, 'guest:' || orders.billing_email) as source_customer_id,
        case
            when orders.status_id = 0 then 'abandoned'
            when orders.status_id in (1, 7, 12) then 'pending'
            when orders.status_id = 5 then 'cancelled'
            when orders.status_id = 6 then 'failed'
            when orders.status_id = 4 then 'refunded'
            when orders.status_id = 14 then 'partially_refunded'
            when orders.refunded_minor > 0 and orders.refunded_minor >= orders.total_inc_tax_minor then 'refunded'
            when orders.refunded_minor > 0 then 'partially_refunded'
            -- Shipped, partially shipped, awaiting pickup, shipment or fulfillment, completed, disputed.
            else 'paid'
        end as status,
        orders.source_status,
        orders.currency,
        orders.total_inc_tax_minor as total_minor,
        orders.discount_minor + orders.coupon_discount_minor as discount_minor,
        orders.total_tax_minor as tax_minor,
        orders.shipping_cost_inc_tax_minor as shipping_minor,
        -- A store marks an order Refunded without always recording the amount: the whole order was returned.
        case when orders.status_id = 4 then greatest(orders.refunded_minor, orders.total_inc_tax_minor) else orders.refunded_minor end as refunded_minor,
        coupons.coupon_code,
        orders.items_total::integer as item_count,
        orders.created_at as ordered_at,
        orders.updated_at,
        orders.sync_mode,
        orders.synced_at,
        true as counts_as_revenue
    from staging.stg_bigcommerce__orders as orders
    left join bigcommerce_coupons as coupons using (environment, connection, order_id)
),

activecampaign_orders as (
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
        product_count::integer as item_count,
        coalesce(ordered_at, created_at) as ordered_at,
        updated_at,
        sync_mode,
        synced_at,
        environment not in (select environment from payment_environments) as counts_as_revenue
    from staging.stg_activecampaign__ecom_orders
),

-- A Talon.One session is the promotion engine's copy of a shop's cart: like Deep Data orders, it
-- counts as revenue only where no payment or store connection records the same sale.
talonone_orders as (
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
        -- Talon.One records returned items, not money: their cart value, never more than was charged.
        case when state = 'partially_returned' then least(total_minor - kept_total_minor, greatest(total_minor - discount_minor, 0)) else 0 end as refunded_minor,
        coupon_code,
        item_count::integer as item_count,
        created_at as ordered_at,
        synced_at as updated_at,
        sync_mode,
        synced_at,
        environment not in (select environment from payment_environments) as counts_as_revenue
    from staging.stg_talonone__sessions
),

-- What Amazon refunded per order, as its returns report records it.
amazon_refunds as (
    select connection, amazon_order_id, sum(coalesce(refunded_minor, 0)) as refunded_minor
    from staging.stg_amazon_seller__returns
    group by connection, amazon_order_id
),

amazon_discounts as (
    select connection, amazon_order_id, sum(coalesce(promotion_discount_minor, 0)) as discount_minor
    from staging.stg_amazon_seller__order_items
    group by connection, amazon_order_id
),

amazon_orders as (
    select
        'amazon_seller' as source,
        orders.connection,
        orders.environment,
        orders.amazon_order_id as source_order_id,
        orders.buyer_email as source_customer_id,
        case
            when orders.source_status = 'Canceled' then 'cancelled'
            when orders.source_status = 'Unfulfillable' then 'failed'
            -- Pending: not yet charged; PendingAvailability: a pre-order waiting for its release date.
            when orders.source_status in ('Pending', 'PendingAvailability') then 'pending'
            when coalesce(refunds.refunded_minor, 0) > 0 and refunds.refunded_minor >= orders.order_total_minor then 'refunded'
            when coalesce(refunds.refunded_minor, 0) > 0 then 'partially_refunded'
            -- Unshipped, PartiallyShipped, Shipped, InvoiceUnconfirmed: the buyer has paid.
            else 'paid'
        end as status,
        orders.source_status,
        -- A pending order carries no total yet: its marketplace's currency is the connection's.
        coalesce(orders.currency, connections.currency) as currency,
        coalesce(orders.order_total_minor, 0) as total_minor,
        discounts.discount_minor,
        least(coalesce(refunds.refunded_minor, 0), coalesce(orders.order_total_minor, 0)) as refunded_minor,
        (coalesce(orders.items_shipped, 0) + coalesce(orders.items_unshipped, 0))::integer as item_count,
        orders.purchased_at as ordered_at,
        orders.last_updated_at as updated_at,
        orders.sync_mode,
        orders.synced_at,
        true as counts_as_revenue
    from staging.stg_amazon_seller__orders as orders
    left join config.connections as connections on connections.connection = orders.connection
    left join amazon_refunds as refunds on refunds.connection = orders.connection and refunds.amazon_order_id = orders.amazon_order_id
    left join amazon_discounts as discounts on discounts.connection = orders.connection and discounts.amazon_order_id = orders.amazon_order_id
),

unioned as (
    -- By name: a column a source does not have (a charge carries no discount, tax or shipping) is NULL.
    select * from stripe_orders
    union all by name select * from thrivecart_orders
    union all by name select * from bigcommerce_orders
    union all by name select * from activecampaign_orders
    union all by name select * from talonone_orders
    union all by name select * from amazon_orders
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
        unioned.total_minor,
        unioned.discount_minor,
        unioned.tax_minor,
        unioned.shipping_minor,
        unioned.refunded_minor,
        -- What the order finally brought in: nothing unless money was taken, less what went back.
        case when unioned.status in ('paid', 'partially_refunded', 'refunded') then unioned.total_minor - unioned.refunded_minor else 0 end as net_minor,
        unioned.coupon_code,
        coalesce(unioned.discount_minor, 0) > 0 or unioned.coupon_code is not null as is_discounted,
        unioned.item_count,
        unioned.utm_source,
        unioned.utm_medium,
        unioned.utm_campaign,
        unioned.ordered_at,
        unioned.updated_at,
        case when unioned.sync_mode = 'historical' then 'historical' else 'incremental' end as synced_mode,
        unioned.synced_at,
        unioned.counts_as_revenue
    from unioned
    left join identities
        on identities.environment = unioned.environment
        and identities.source = unioned.source
        and identities.connection = unioned.connection
        and identities.source_customer_id = unioned.source_customer_id
)

select * from final
