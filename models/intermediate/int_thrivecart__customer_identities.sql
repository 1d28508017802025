-- grain: one row per ThriveCart buyer (customer id) per connection
-- ThriveCart has no customer list: its buyers are named on their transactions.
with transactions as (
    select * from staging.stg_thrivecart__transactions
    where customer_id is not null
),

final as (
    select
        environment,
        'thrivecart' as source,
        connection,
        customer_id as source_customer_id,
        arg_max(customer_email, occurred_at) as email,
        nullif(split_part(arg_max(customer_name, occurred_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_max(customer_name, occurred_at), length(split_part(arg_max(customer_name, occurred_at), ' ', 1)) + 1)), '') as last_name,
        null::varchar as phone,
        null::varchar as zip,
        null::varchar as city,
        null::varchar as country,
        min(occurred_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from transactions
    group by environment, connection, customer_id
)

select * from final
