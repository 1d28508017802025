-- grain: one row per BigCommerce order per connection, incomplete ones (abandoned checkouts) included, the newest landed version
-- unique: connection, order_id
-- not_null: environment, connection, order_id, status_id, source_status, currency, total_inc_tax_minor, total_ex_tax_minor, created_at, updated_at
with orders as (
    select * from raw.bigcommerce__orders
),

incomplete_orders as (
    -- The order list leaves Incomplete orders (status 0) out unless asked for by status, so they
    -- land as a stream of their own; both are the same v2 order object.
    select * from raw.bigcommerce__incomplete_orders
),

source as (
    select * from orders
    union all by name
    select * from incomplete_orders
),

deduplicated as (
    -- An order can land more than once (repeated syncs, the lookback, a checkout later completed):
    -- keep the newest landing of each id.
    select * from source
    qualify row_number() over (
        partition by environment, connection, primary_key
        order by synced_at desc, sync_id desc, record_index desc
    ) = 1
),

parsed as (
    -- Each payload is parsed once, into the fields the model reads.
    select *, json_transform(payload, '{"billing_address": {"last_name": "VARCHAR", "first_name": "VARCHAR", "email": "VARCHAR", "country_iso2": "VARCHAR"}, "shipping_cost_inc_tax": "VARCHAR", "discount_amount": "VARCHAR", "date_modified": "VARCHAR", "customer_id": "VARCHAR", "subtotal_ex_tax": "VARCHAR", "status": "VARCHAR", "payment_status": "VARCHAR", "coupon_discount": "VARCHAR", "payment_method": "VARCHAR", "date_created": "VARCHAR", "total_inc_tax": "VARCHAR", "items_total": "VARCHAR", "currency_code": "VARCHAR", "total_tax": "VARCHAR", "subtotal_inc_tax": "VARCHAR", "total_ex_tax": "VARCHAR", "refunded_amount": "VARCHAR", "date_shipped": "VARCHAR", "status_id": "VARCHAR"}') as p
    from deduplicated
),

renamed as (
    select
        environment,
        connection,
        primary_key::bigint as order_id,
        -- Guest checkouts carry customer_id 0: no customer.
        nullif((p.customer_id)::bigint, 0) as customer_id,
        (p.customer_id)::bigint = 0 as is_guest,
        (p.status_id)::integer as status_id,
        p.status as source_status,
        (p.status_id)::integer = 0 as is_incomplete,
        nullif(p.payment_status, '') as payment_status,
        nullif(p.payment_method, '') as payment_method,
        p.billing_address.email as billing_email_raw,
        nullif(lower(trim(p.billing_address.email)), '') as billing_email,
        nullif(trim(p.billing_address.first_name), '') as billing_first_name,
        nullif(trim(p.billing_address.last_name), '') as billing_last_name,
        nullif(p.billing_address.country_iso2, '') as billing_country_code,
        upper(p.currency_code) as currency,
        -- V2 money is a four-place decimal string ("49.9900") in the order's currency; rounded exactly to two-place minor units.
        round((p.subtotal_ex_tax)::decimal(18, 4) * 100)::bigint as subtotal_ex_tax_minor,
        round((p.subtotal_inc_tax)::decimal(18, 4) * 100)::bigint as subtotal_inc_tax_minor,
        round((p.shipping_cost_inc_tax)::decimal(18, 4) * 100)::bigint as shipping_cost_inc_tax_minor,
        round((p.total_ex_tax)::decimal(18, 4) * 100)::bigint as total_ex_tax_minor,
        round((p.total_tax)::decimal(18, 4) * 100)::bigint as total_tax_minor,
        round((p.total_inc_tax)::decimal(18, 4) * 100)::bigint as total_inc_tax_minor,
        round((p.discount_amount)::decimal(18, 4) * 100)::bigint as discount_minor,
        round((p.coupon_discount)::decimal(18, 4) * 100)::bigint as coupon_discount_minor,
        round((p.refunded_amount)::decimal(18, 4) * 100)::bigint as refunded_minor,
        (p.items_total)::bigint as items_total,
        -- V2 dates are RFC 2822 with a weekday and a numeric offset: a plain cast does not read them.
        strptime(p.date_created, '%a, %d %b %Y %H:%M:%S %z') as created_at,
        strptime(p.date_modified, '%a, %d %b %Y %H:%M:%S %z') as updated_at,
        strptime(nullif(p.date_shipped, ''), '%a, %d %b %Y %H:%M:%S %z') as shipped_at,
        sync_mode,
        synced_at
    from parsed
)

select * from renamed
