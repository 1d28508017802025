-- grain: one row per person per environment, matched across sources by normalized email
-- unique: customer_id
-- not_null: customer_id, environment, first_seen_at
with identities as (
    select * from core.customer_identities
),

people as (
    select
        customer_id,
        environment,
        any_value(email) as email,
        -- Attributes come from the person's earliest identity that has them.
        arg_min(name, created_at) filter (where name is not null) as full_name,
        arg_min(phone, created_at) filter (where phone is not null) as phone,
        arg_min(zip, created_at) filter (where zip is not null) as zip,
        arg_min(city, created_at) filter (where city is not null) as city,
        arg_min(country, created_at) filter (where country is not null) as country,
        list(source || ':' || connection || ':' || source_customer_id order by source, connection, source_customer_id) as source_ids,
        min(created_at) as first_seen_at
    from identities
    group by customer_id, environment
),

final as (
    select
        customer_id,
        environment,
        email,
        nullif(split_part(full_name, ' ', 1), '') as first_name,
        nullif(trim(substr(full_name, length(split_part(full_name, ' ', 1)) + 1)), '') as last_name,
        phone,
        zip,
        city,
        country,
        source_ids,
        first_seen_at
    from people
)

select * from final
