-- grain: one row per Stripe identity per connection: a customer, or a guest payer as `guest:<billing email>`
with customers as (
    select
        environment,
        'stripe' as source,
        connection,
        stripe_customer_id as source_customer_id,
        email,
        nullif(split_part(name, ' ', 1), '') as first_name,
        nullif(trim(substr(name, length(split_part(name, ' ', 1)) + 1)), '') as last_name,
        phone,
        zip,
        city,
        country,
        created_at,
        sync_mode,
        synced_at
    from staging.stg_stripe__customers
),

-- Charges without a customer object still name their payer in billing_details.
guests as (
    select
        environment,
        'stripe' as source,
        connection,
        'guest:' || billing_email as source_customer_id,
        billing_email as email,
        nullif(split_part(arg_min(billing_name, created_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_min(billing_name, created_at), length(split_part(arg_min(billing_name, created_at), ' ', 1)) + 1)), '') as last_name,
        null::varchar as phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        min(created_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from staging.stg_stripe__charges
    where stripe_customer_id is null and billing_email is not null
    group by environment, connection, billing_email
),

final as (
    select * from customers
    union all by name select * from guests
)

select * from final
