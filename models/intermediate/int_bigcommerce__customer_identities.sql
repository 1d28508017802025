-- grain: one row per BigCommerce identity per connection: a customer, or a guest buyer as `guest:<billing email>`
with customers as (
    select
        environment,
        'bigcommerce' as source,
        connection,
        customer_id::varchar as source_customer_id,
        email,
        first_name,
        last_name,
        phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_bigcommerce__customers
),

-- Guest checkouts (and abandoned ones) name their buyer in the billing address only.
guests as (
    select
        environment,
        'bigcommerce' as source,
        connection,
        'guest:' || billing_email as source_customer_id,
        billing_email as email,
        arg_min(billing_first_name, created_at) as first_name,
        arg_min(billing_last_name, created_at) as last_name,
        null::varchar as phone,
        null::varchar as zip,
        null::varchar as city,
        arg_min(billing_country_code, created_at) as country,
        min(created_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_bigcommerce__orders
    where customer_id is null and billing_email is not null
    group by environment, connection, billing_email
),

final as (
    select * from customers
    union all by name select * from guests
)

select * from final
