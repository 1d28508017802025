-- grain: one row per Amazon marketplace buyer per connection, by the anonymized address Amazon relays their mail through
-- That address is the same for every order the buyer places with this seller; it never matches another source's email.
with orders as (
    select * from staging.stg_amazon_seller__orders
    where buyer_email is not null
),

final as (
    select
        environment,
        'amazon_seller' as source,
        connection,
        buyer_email as source_customer_id,
        buyer_email as email,
        nullif(split_part(arg_max(buyer_name, purchased_at), ' ', 1), '') as first_name,
        nullif(trim(substr(arg_max(buyer_name, purchased_at), length(split_part(arg_max(buyer_name, purchased_at), ' ', 1)) + 1)), '') as last_name,
        null::varchar as phone,
        arg_max(ship_postal_code, purchased_at) filter (where ship_postal_code is not null) as zip,
        arg_max(ship_city, purchased_at) filter (where ship_city is not null) as city,
        arg_max(ship_country_code, purchased_at) filter (where ship_country_code is not null) as country,
        min(purchased_at) as created_at,
        arg_max(sync_mode, synced_at) as sync_mode,
        max(synced_at) as synced_at
    from orders
    group by environment, connection, buyer_email
)

select * from final
